"""A contract's history as OCDS releases: one at each event, and a snapshot as of a day.

Each event of a contract makes one release, dated the event's day in China time and tagged
the event's tag; its id is stable (``<ocid>-<event>``), so publishing the same history again
gives the same releases.  The snapshot as of a day holds everything the events up to that
day published, as it stood then: it equals the record compiled from those releases (the
standard's merge rules), field by field, apart from the release's own ``id``, ``date`` and
``tag``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from ..catalogue import Catalogue
from ..changes import (
    AddLine,
    Change,
    ChangeLinePrice,
    ChangeLineQuantity,
    ChangeTerm,
    RemoveLine,
    Resume,
    Suspend,
    Terminate,
    Timeline,
)
from ..errors import ModelError
from ..model import (
    Contract,
    ServiceLine,
    Supplier,
)
from ..money import Money

if TYPE_CHECKING:
    from ..procurement import Award
    from ..statement import Statement

from ._parts import (
    _AMENDMENT,
    _AWARD,
    _CONTRACT,
    _CRITERIA,
    _END,
    _METHOD,
    _MILESTONES,
    _PAYMENT,
    _TAGS,
    _TENDER,
    CHINA,
    DEFAULT_PREFIX,
    ITEM_SCHEME,
    Payment,
    _Event,
    _party,
    _period,
    _ref,
    _unit,
    _value,
    day_end,
    day_start,
    ocid,
)

__all__ = ["History", "history"]


@attrs.frozen
class History:
    """A contract's published history (合同公开信息): the events of its timeline, its
    procurement, its settled statements and its payments.  Build one with :func:`history`.
    """

    timeline: Timeline
    prefix: str
    award: Award | None
    statements: tuple[Statement, ...]
    payments: tuple[Payment, ...]
    catalogue: Catalogue
    events: tuple[_Event, ...] = attrs.field(init=False)
    _known: dict[tuple[str, ...], Timeline] = attrs.field(init=False, factory=dict, eq=False,
                                                          repr=False)
    _end: list[date] = attrs.field(init=False, factory=list, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "events", tuple(self._events()))

    @property
    def contract(self) -> Contract:
        return self.timeline.contract

    @property
    def ocid(self) -> str:
        return ocid(self.contract.id, self.prefix)

    # events ------------------------------------------------------------------------------
    def _events(self) -> list[_Event]:
        c, out = self.contract, []
        if self.award is not None:
            out.append(_Event(self.award.report.tender.evaluated_on, _TENDER, "tender"))
            out.append(_Event(self.award.notified_on, _AWARD, "award"))
        if c.signed_on is not None:
            out.append(_Event(c.signed_on, _CONTRACT, "contract"))
            for ch in self._signed():
                assert ch.signed_on is not None
                out.append(_Event(ch.signed_on, _AMENDMENT, f"amendment-{ch.id}"))
            for st in self.statements:
                out.append(_Event(st.accepted_on or st.span.end, _MILESTONES,
                                  f"milestones-{st.period}", statement=st))
            for p in self.payments:
                out.append(_Event(p.paid_on, _PAYMENT, f"payment-{p.id}", payment=p))
            out.append(_Event(self._ended_on(), _END, "termination"))
        out.sort(key=lambda e: (e.on, e.kind))
        return out

    def _signed(self) -> list[Change]:
        return [ch for ch in self.timeline.signed if ch.signed_on is not None]

    def _timeline_on(self, day: date) -> Timeline:
        """The contract as known at the end of ``day``: the changes signed by then."""
        done = [ch for ch in self._signed() if ch.signed_on is not None
                and ch.signed_on <= day]
        key = tuple(ch.id for ch in done)
        if key not in self._known:
            self._known[key] = Timeline(self.contract, changes=done)
        return self._known[key]

    def _ended_on(self) -> date:
        """The first day at whose end the term, as then known, is over: the changes signed
        on a day may move the end, so each stretch between signing days is looked at."""
        if not self._end:
            self._end.append(self._first_day_ended())
        return self._end[0]

    def _first_day_ended(self) -> date:
        c = self.contract
        assert c.signed_on is not None
        starts = sorted({c.signed_on, *(ch.signed_on for ch in self._signed()
                                        if ch.signed_on is not None and ch.signed_on
                                        >= c.signed_on)})
        for s, nxt in itertools.pairwise(starts):
            end = max(s, self._timeline_on(s).term.end)
            if end < nxt:
                return end
        return max(starts[-1], self._timeline_on(starts[-1]).term.end)

    # sections ----------------------------------------------------------------------------
    def _parties(self) -> list[dict[str, Any]]:
        c = self.contract
        if not c.purchaser.credit_code:
            raise ModelError("the buyer's 统一社会信用代码 is needed to publish",
                             field="purchaser.credit_code", value=c.purchaser.id,
                             term="统一社会信用代码", code="ocds.buyer_identifier",
                             params={"name": c.purchaser.name})
        return [_party(c.purchaser, ["buyer", "procuringEntity", "payer"]),
                _party(c.supplier, ["supplier", "tenderer", "payee"] if self.award
                       else ["supplier", "payee"]),
                *(_party(s, ["tenderer"]) for s in self._tenderers()[1:])]

    def _tenderers(self) -> list[Supplier]:
        """The supplier, then every other tenderer once (none without an award)."""
        out = [self.contract.supplier]
        if self.award is not None:
            for e in self.award.report.ranked:
                if all(e.bid.supplier.id != s.id for s in out):
                    out.append(e.bid.supplier)
        return out

    def _name(self, service: str) -> str:
        return self.catalogue.get(service).name_zh

    def _line_label(self, line: ServiceLine) -> str:
        return f"{line.site} {line.description or self._name(line.service)}"

    def _classified(self, id_: str, site: str, service: str, text: str) -> dict[str, Any]:
        """An item: its site and Chinese description, classified by its 品目."""
        pi = self.catalogue.procurement_item(service)
        return {"id": id_, "description": f"{site}：{text or self._name(service)}",
                "classification": {"scheme": ITEM_SCHEME, "id": pi.code,
                                   "description": pi.name_zh}}

    def _item(self, line: ServiceLine) -> dict[str, Any]:
        qty, unit, price = _unit(line)
        return {**self._classified(line.id, line.site, line.service, line.description),
                "quantity": qty, "unit": {"name": unit, "value": _value(price)}}

    def _tender(self) -> dict[str, Any]:
        assert self.award is not None
        t, c = self.award.report.tender, self.contract
        tenderers = [_ref(s) for s in self._tenderers()]
        return {
            "id": t.id, "title": t.title, "status": "complete",
            "procuringEntity": _ref(c.purchaser),
            "items": [self._classified(x.id, x.site, x.service, x.description)
                      for x in t.lines],
            "value": _value(t.budget),
            "procurementMethod": _METHOD[t.method.value],
            "procurementMethodDetails": t.method.zh,
            "mainProcurementCategory": "services",
            "awardCriteria": _CRITERIA[t.evaluation.value],
            "awardCriteriaDetails": t.evaluation.zh,
            "contractPeriod": _period(t.term.start, t.term.end),
            "numberOfTenderers": len(tenderers),
            "tenderers": tenderers,
        }

    def _planning(self) -> dict[str, Any]:
        assert self.award is not None
        t = self.award.report.tender
        return {"budget": {"description": f"{t.title}预算", "amount": _value(t.budget)}}

    def _award_id(self) -> str:
        return (f"{self.award.report.tender.id}-award" if self.award is not None
                else f"{self.contract.id}-award")

    def _awards(self) -> list[dict[str, Any]]:
        c = self.contract
        aw: dict[str, Any] = {
            "id": self._award_id(), "title": c.title, "status": "active",
            "value": _value(c.original_amount), "suppliers": [_ref(c.supplier)],
            "contractPeriod": _period(c.term.start, c.term.end)}
        aw["date"] = day_start(self.award.notified_on if self.award is not None
                               else c.signed_on or c.term.start)
        return [aw]

    def _contract(self, day: date) -> dict[str, Any]:
        """The contract as it stood at the end of ``day``: value, items, period, status and
        the amendments signed by then."""
        c, tl = self.contract, self._timeline_on(day)
        lines = tl.all_lines()
        con: dict[str, Any] = {
            "id": c.id, "awardID": self._award_id(), "title": c.title,
            "description": "；".join(self._line_label(x) for x in lines.values()),
            "status": "terminated" if day >= self._ended_on() else "active",
            "period": _period(tl.term.start, tl.term.end),
            "value": _value(tl.amount),
            "items": [self._item(x) for x in lines.values()],
        }
        assert c.signed_on is not None
        con["dateSigned"] = day_start(c.signed_on)
        signed_on = c.signed_on
        amendments = [self._amendment(ch, lines)  # in the order they were signed
                      for ch in sorted(tl.signed, key=lambda ch: ch.signed_on or signed_on)]
        if amendments:
            con["amendments"] = amendments
        return con

    def _amendment(self, ch: Change, lines: dict[str, ServiceLine]) -> dict[str, Any]:
        assert ch.signed_on is not None
        return {"id": ch.id, "date": day_start(ch.signed_on),
                "rationale": f"{ch.rationale.zh}：{ch.reason}",
                "description": f"{self._describe(ch, lines)}，自 {ch.effective.isoformat()} "
                               "起生效"}

    def _describe(self, ch: Change, lines: dict[str, ServiceLine]) -> str:
        """What a change does, in Chinese, naming lines by their site and service."""
        a = ch.action

        def line(lid: str | None) -> str:
            return f"服务项目「{self._line_label(lines[lid])}」" if lid else "全部服务"

        if isinstance(a, AddLine):
            return f"新增{line(a.line.id)}"
        if isinstance(a, RemoveLine):
            return f"终止{line(a.line_id)}"
        if isinstance(a, ChangeLinePrice):
            return f"{line(a.line_id)}单价调整为 {a.price.yuan} 元"
        if isinstance(a, ChangeLineQuantity):
            return f"{line(a.line_id)}数量调整为 {a.quantity}"
        if isinstance(a, Suspend):
            until = f"至 {a.until.isoformat()}" if a.until else "至恢复履行"
            return f"中止{line(a.line_id)}，{until}"
        if isinstance(a, Resume):
            return f"恢复履行{line(a.line_id)}"
        if isinstance(a, ChangeTerm):
            return f"履行期限变更为至 {a.end.isoformat()} 止"
        if isinstance(a, Terminate):
            return "解除合同"
        raise ModelError(f"no Chinese text for the change {type(a).__name__}",
                         field="action", value=type(a).__name__, term="合同变更",
                         code="ocds.change_kind")

    def _milestones(self, st: Statement) -> list[dict[str, Any]]:
        on = st.accepted_on or st.span.end
        out = []
        for x in st.lines:
            if x.score is None:
                continue
            ms: dict[str, Any] = {
                "id": f"{self.contract.id}-{st.period}-{x.line_id}", "type": "assessment",
                "title": f"{st.period} {x.service_zh}考核",
                "description": f"{x.site} {x.service_zh} 考核得分 {x.score}"
                               + ("，发出预警通知" if x.warning_notice else ""),
                "dueDate": day_end(st.span.end),
                "status": "notMet" if x.warning_notice else "met",
            }
            if not x.warning_notice:
                ms["dateMet"] = day_start(on)
            out.append(ms)
        return out

    def _transaction(self, p: Payment) -> dict[str, Any]:
        buyer, supplier = _ref(self.contract.purchaser), _ref(self.contract.supplier)
        return {"id": p.id, "date": day_start(p.paid_on), "value": _value(abs(p.amount)),
                "payer": buyer if p.amount > Money.ZERO else supplier,
                "payee": supplier if p.amount > Money.ZERO else buyer}

    def _base(self, id_: str, on: date, tags: list[str]) -> dict[str, Any]:
        return {"ocid": self.ocid, "id": id_, "date": day_start(on), "tag": tags,
                "initiationType": "tender", "language": "zh", "parties": self._parties(),
                "buyer": _ref(self.contract.purchaser)}

    # releases ----------------------------------------------------------------------------
    def releases(self, until: date | None = None) -> list[dict[str, Any]]:
        """One release per event, in order, up to the end of ``until`` (by default today in
        China: the end of a term still running is not published ahead of time)."""
        last = until if until is not None else datetime.now(CHINA).date()
        return [self._release(e) for e in self.events if e.on <= last]

    def _release(self, e: _Event) -> dict[str, Any]:
        tags = list(_TAGS[e.kind])
        if e.kind == _CONTRACT and self.award is None:
            tags = ["award", "contract"]
        r = self._base(f"{self.ocid}-{e.key}", e.on, tags)
        if e.kind == _TENDER:
            r["planning"] = self._planning()
            r["tender"] = self._tender()
        elif e.kind == _AWARD or (e.kind == _CONTRACT and self.award is None):
            r["awards"] = self._awards()
        if e.kind >= _CONTRACT:
            con = self._contract(e.on)
            if e.statement is not None:
                ms = self._milestones(e.statement)
                if ms:
                    con["implementation"] = {"milestones": ms}
            if e.payment is not None:
                con["implementation"] = {"transactions": [self._transaction(e.payment)]}
            r["contracts"] = [con]
        return r

    def snapshot(self, as_of: date) -> dict[str, Any]:
        """One release with everything published by the end of ``as_of``, as it stood then:
        the record compiled from :meth:`releases` up to ``as_of``, as one release."""
        done = [e for e in self.events if e.on <= as_of]
        if not done:
            raise ModelError("nothing is published by this day: no tender, award or signed "
                             "contract yet", field="as_of", value=as_of.isoformat(),
                             term="发布日期", code="ocds.nothing_published")
        tags: list[str] = []
        for e in done:
            for t in (["award", "contract"] if e.kind == _CONTRACT and self.award is None
                      else _TAGS[e.kind]):
                if t not in tags:
                    tags.append(t)
        r = self._base(f"{self.ocid}-{as_of.isoformat()}", done[-1].on, tags)
        if self.award is not None:
            r["planning"] = self._planning()
            r["tender"] = self._tender()
        if any(e.kind in (_AWARD, _CONTRACT) for e in done):
            r["awards"] = self._awards()
        if any(e.kind == _CONTRACT for e in done):
            con = self._contract(as_of)
            ms = [m for e in done if e.statement is not None
                  for m in self._milestones(e.statement)]
            tx = [self._transaction(e.payment) for e in done if e.payment is not None]
            impl: dict[str, Any] = {}
            if tx:
                impl["transactions"] = tx
            if ms:
                impl["milestones"] = ms
            if impl:
                con["implementation"] = impl
            r["contracts"] = [con]
        return r


def _statement_payments(statements: Iterable[Statement]) -> tuple[Payment, ...]:
    return tuple(Payment(f"{st.contract_id}-{st.period}", str(st.period), st.payable,
                         st.paid_on)
                 for st in statements if st.paid_on is not None and st.payable > Money.ZERO)


def history(
    contract: Contract | Timeline,
    *,
    prefix: str = DEFAULT_PREFIX,
    award: Award | None = None,
    statements: Sequence[Statement] = (),
    payments: Sequence[Payment] | None = None,
    catalogue: Catalogue | None = None,
) -> History:
    """A contract's history to publish (see :class:`History`).

    ``award`` (from :mod:`outsourcing.procurement`) adds the planning and tender release
    (dated the tender's 评审日期) and the award release (the 中标通知书's date); without it
    the award is published with the contract.  ``statements`` are the settled statements in
    force: each makes an ``implementation`` release of assessment milestones, dated its
    acceptance (验收, else the period's last day).  ``payments`` are the payments made, each
    an ``implementation`` release with its transaction; when not given, a statement marked
    paid (``paid_on``) counts as a payment of its payable on that day.  Amounts merely due
    are never transactions.  ``catalogue`` names services and their 品目 (the core catalogue
    by default; pass ``registry.catalogue`` for the plugins' kinds and 品目).
    """
    tl = contract if isinstance(contract, Timeline) else Timeline(contract)
    c = tl.contract
    if award is not None and award.contract.id != c.id:
        raise ModelError(f"the award is for contract {award.contract.id}, not {c.id}",
                         field="award", value=award.contract.id, term="中标",
                         code="ocds.award_mismatch", params={"contract": c.id})
    for st in statements:
        if st.contract_id != c.id:
            raise ModelError(f"a statement of contract {st.contract_id} is not for {c.id}",
                             field="statements", value=st.contract_id, term="结算单",
                             code="ocds.statement_mismatch",
                             params={"contract": c.id})
    periods = [str(st.period) for st in statements]
    if len(set(periods)) != len(periods):
        raise ModelError("two statements of the same period: give the ones in force",
                         field="statements", value=sorted({p for p in periods
                                                           if periods.count(p) > 1}),
                         term="结算单", code="ocds.statement_duplicate")
    ocid(c.id, prefix)
    paid = _statement_payments(statements) if payments is None else tuple(payments)
    if c.signed_on is None and (statements or paid or tl.signed):
        raise ModelError("a contract settled, paid or changed but not signed cannot be "
                         "published: its signing date is missing", field="signed_on",
                         value=c.id, term="签订日期", code="ocds.unsigned")
    ids = [p.id for p in paid]
    if len(set(ids)) != len(ids):
        raise ModelError("two payments with the same id", field="payments",
                         value=sorted({i for i in ids if ids.count(i) > 1}), term="付款编号",
                         code="ocds.payment_duplicate")
    return History(tl, prefix, award, tuple(statements), paid,
                   catalogue if catalogue is not None else Catalogue.core())
