"""Supplier handover (交接): when a contract ends or its supplier is replaced.

A new supplier needs a year to learn a site; what it must be given on day one is a list the
law and practice fix.  :func:`handover_plan` builds the plan for an outgoing contract: the
items to hand over for its services (keys and access cards, equipment and asset lists,
maintenance records — elevator records kept at least 4 years under TSG T5002 — open faults,
the staff who transfer, with their certificates), an overlap period in which both suppliers
are on site, and a check that every service the site requires is covered from the changeover
on (the incoming contract and any others; a gap is an ERROR finding).

The reason is either the term ending or a replacement threshold the settlement reached
(:class:`~outsourcing.statement.Trigger` on a statement: ``payment.termination_consecutive``
for a line, ``payment.termination_notices`` for the contract); pass the statement and the
plan names the rule and its citation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import attrs

from ..catalogue import Catalogue
from ..changes import Timeline
from ..dates import DateRange
from ..errors import ModelError
from ..findings import Finding
from ..model import Contract
from ..sites import RequiredService, Site
from ..statement import Statement, Trigger
from .coverage import as_timelines, coverage
from .staff import StaffRoster

__all__ = ["HandoverItem", "HandoverPlan", "handover_plan"]

ONE_DAY = timedelta(days=1)

_COMMON: tuple[tuple[str, str, str], ...] = (
    ("keys", "钥匙、门禁卡及系统账号移交（逐一登记）", "交接实务"),
    ("assets", "设施设备及资产清单（含采购人所有的工具、备品备件）",
     "交接实务; 政府采购法实施条例 第四十五条 (逐项验收)"),
    ("open_faults", "未完成工单、遗留故障及整改事项清单", "交接实务"),
    ("staff", "留用人员名单及其证书（持证上岗岗位）", "交接实务; 持证上岗"),
    ("documents", "图纸、操作规程、应急预案及值班联系方式", "交接实务"),
)
_BY_FAMILY: dict[str, tuple[tuple[str, str, str], ...]] = {
    "elevator_maintenance": (
        ("elevator_records", "电梯维保记录（保存不少于4年）及应急救援演练记录",
         "TSG T5002-2017 电梯维护保养规则: 维保记录保存4年以上"),),
    "fire_maintenance": (
        ("fire_records", "消防设施维保、检测记录及消防控制室值班记录",
         "消防法 第十六条（三）; GB 25201-2010 建筑消防设施的维护管理（条号未经核对）"),),
    "canteen": (
        ("food_records", "食品留样、进货查验台账及从业人员健康证明",
         "食品安全法 第四十五条、第五十条（条号未经核对）"),),
    "property": (
        ("property_records", "共用部位、共用设施设备档案及运行记录",
         "物业管理条例 第三十九条（2003年公布文本的条号，现行文本条号未经核对）: 物业服务合同"
         "终止时，物业服务企业应当将物业管理用房和第二十九条第一款规定的资料交还给业主委员会；"
         "业主大会选聘了新的物业服务企业的，物业服务企业之间应当做好交接工作"),),
}


@attrs.frozen
class HandoverItem:
    """One thing to hand over (交接事项), by when, and why."""

    id: str
    item_zh: str
    citation: str
    due: date
    services: tuple[str, ...] = ()
    detail: tuple[str, ...] = ()


@attrs.frozen
class HandoverPlan:
    """The handover from one contract to its successor (交接方案)."""

    outgoing: str
    incoming: str | None
    reason: str
    rule_id: str | None
    citation: str | None
    changeover: date
    """The first day the incoming supplier answers for the site."""
    overlap: DateRange
    """Both suppliers on site (双方共同在场): the outgoing shows the incoming the site."""
    items: tuple[HandoverItem, ...]
    findings: tuple[Finding, ...]

    @property
    def covered(self) -> bool:
        """True when no required service is uncovered from the changeover on."""
        return not any(f.code == "coverage.gap" for f in self.findings)

    def render(self) -> str:
        out = [f"交接方案 {self.outgoing} → {self.incoming or '（未定）'}：{self.reason}",
               f"  交接日 {self.changeover}；共同在场 {self.overlap}"]
        out += [f"  [{i.due}] {i.item_zh}" + (f"（{'、'.join(i.detail)}）" if i.detail else "")
                for i in self.items]
        out += [f"  ！{f.message}" for f in self.findings]
        return "\n".join(out) + "\n"


def _family(service: str, catalogue: Catalogue | None) -> list[str]:
    if catalogue is not None and service in catalogue:
        return list(catalogue.lineage(service))
    return [service]


def handover_plan(
    outgoing: Contract | Timeline,
    changeover: date,
    *,
    incoming: Contract | Timeline | None = None,
    others: Iterable[Contract | Timeline] = (),
    sites: Sequence[Site] = (),
    overlap_days: int = 15,
    check_days: int = 30,
    statement: Statement | None = None,
    staff: StaffRoster | None = None,
    catalogue: Catalogue | None = None,
) -> HandoverPlan:
    """The handover plan for ``outgoing``, whose successor answers from ``changeover``.

    ``overlap_days`` before the changeover both suppliers are on site (an illustrative
    default; the contract's own term replaces it).  Coverage is checked for ``check_days``
    from the changeover over ``incoming`` and ``others`` at ``sites`` (default: each site
    of the outgoing contract requiring the services it ran the day before the changeover).
    ``statement`` with a replacement or termination trigger gives the reason.
    """
    out_tl = as_timelines([outgoing])[0]
    if overlap_days < 0 or check_days < 1:
        raise ModelError("overlap_days must be ≥ 0 and check_days ≥ 1", field="overlap_days",
                         value=(overlap_days, check_days), term="交接期",
                         code="handover.bad_days")
    last = changeover - ONE_DAY
    if not (out_tl.contract.term.start <= last <= out_tl.term.end):
        raise ModelError(f"the day before the changeover, {last}, is outside the outgoing "
                         f"term {out_tl.term}", field="changeover",
                         value=changeover.isoformat(), term="交接日",
                         code="handover.changeover_outside_term")
    trigger: Trigger | None = None
    if statement is not None:
        if statement.contract_id != out_tl.contract.id:
            raise ModelError(f"the statement is for {statement.contract_id}", field="statement",
                             value=statement.contract_id, term="结算单",
                             code="handover.statement_mismatch")
        trigger = statement.triggers[0] if statement.triggers else None
    if trigger is not None:
        reason = trigger.message
        rule_id, citation = trigger.rule_id, trigger.citation
    elif last == out_tl.term.end:
        reason, rule_id, citation = "合同期满", None, None
    else:
        reason, rule_id, citation = "更换供应商", None, None
    running = [x for x in out_tl.as_of(last).lines
               if x.id not in set(out_tl.suspended_on(last))]
    services = tuple(dict.fromkeys(x.service for x in running))
    due = last
    items = [HandoverItem(i, zh, cite, due, services) for i, zh, cite in _COMMON]
    if staff is not None:
        people = tuple(f"{m.person}（{m.post}"
                       + "".join(f"，{c.name_zh}{c.number}" for c in m.certificates) + "）"
                       for m in staff.members if m.end is None or m.end >= last)
        items = [attrs.evolve(i, detail=people) if i.id == "staff" else i for i in items]
    seen: set[str] = set()
    for s in services:
        for fam in _family(s, catalogue):
            for i, zh, cite in _BY_FAMILY.get(fam, ()):
                if i not in seen:
                    seen.add(i)
                    items.append(HandoverItem(i, zh, cite, due, (s,)))
    check_sites = list(sites) or [
        Site(site, site, out_tl.contract.jurisdiction, services=[
            RequiredService(x.service) for x in running if x.site == site])
        for site in dict.fromkeys(x.site for x in running)]
    span = DateRange(changeover, changeover + timedelta(days=check_days - 1))
    rep = coverage([*([incoming] if incoming is not None else []), *others], check_sites, span)
    overlap = DateRange(changeover - timedelta(days=overlap_days), last) if overlap_days else \
        DateRange(last, last)
    inc = None
    if incoming is not None:
        inc = as_timelines([incoming])[0].contract.id
    return HandoverPlan(out_tl.contract.id, inc, reason, rule_id, citation, changeover,
                        overlap, tuple(items), tuple(g.finding() for g in rep.gaps))
