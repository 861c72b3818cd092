"""Competitive rewards between suppliers of one service at several sites (竞争性奖励).

Different office areas go to different companies; the bureau ranks them on their scores
for the same service and period and splits a reward pool by a rule.  Shapes:

* ``rank`` — shares by place (e.g. 50% / 30% / 20%); tied suppliers share their places'
  shares equally; shares of places nobody eligible takes go to those who are, in proportion;
* ``score`` — in proportion to each eligible supplier's score.

A supplier is eligible when its score reaches ``min_score`` and, if ``exclude_triggered``, no
replacement or termination threshold is reached on its statement.  The parts are split with
:func:`~outsourcing.money.allocate`, so they add back exactly to the pool (what no one is
eligible for is reported as undistributed).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from ._limits import exact_decimal
from .dates import Period
from .errors import SettlementError
from .money import Money, allocate, round_half_up
from .statement import LineStatus, Statement

__all__ = ["RewardEntry", "RewardRule", "RewardSplit", "competitive_rewards"]


def _shares(v: Iterable[Any]) -> tuple[Decimal, ...]:
    out = []
    for i, x in enumerate(v):
        d = exact_decimal(x, field=f"shares[{i}]", term="奖励比例", error=SettlementError,
                          code="rewards.share", what="share")
        if d < 0:
            raise SettlementError("a share must be a finite number, not negative",
                                  field=f"shares[{i}]", value=str(d), term="奖励比例",
                                  code="rewards.share_negative")
        out.append(d)
    return tuple(out)


def _decimal(v: Any) -> Decimal:
    return exact_decimal(v, field="min_score", term="奖励分数线", error=SettlementError,
                         code="rewards.min_score", what="score")


@attrs.frozen
class RewardRule:
    """How a reward pool is split (奖励分配规则); set by the bureau's assessment rules."""

    method: str = "rank"
    shares: tuple[Decimal, ...] = attrs.field(
        default=(Decimal("0.5"), Decimal("0.3"), Decimal("0.2")), converter=_shares)
    min_score: Decimal = attrs.field(default=Decimal(90), converter=_decimal)
    exclude_triggered: bool = True
    rule_id: str = "rewards.competitive"
    citation: str = ("《推进机关后勤社会化服务改革的思考》: 不同办公区由不同社会化单位承担，"
                     "实行竞争性奖励")

    def __attrs_post_init__(self) -> None:
        if self.method not in ("rank", "score"):
            raise SettlementError("method is 'rank' or 'score'", field="method",
                                  value=self.method, term="奖励分配方式",
                                  code="rewards.method")
        if self.method == "rank" and (not self.shares or sum(self.shares) == 0):
            raise SettlementError("rank shares must not all be zero", field="shares",
                                  value=[str(s) for s in self.shares], term="奖励比例",
                                  code="rewards.shares_all_zero")


@attrs.frozen
class RewardEntry:
    """One contract's place in the ranking and its part of the pool."""

    contract_id: str
    supplier: str
    sites: tuple[str, ...]
    score: Decimal | None
    rank: int | None
    eligible: bool
    reason: str
    amount: Money


@attrs.frozen
class RewardSplit:
    """The ranking and the split; ``sum(amounts) + undistributed == pool`` exactly."""

    service: str
    period: Period
    pool: Money
    rule: RewardRule
    entries: tuple[RewardEntry, ...]
    undistributed: Money

    def render(self) -> str:
        out = [f"竞争性奖励  服务 {self.service}  期间 {self.period}  "
               f"奖励总额 {self.pool.format()}",
               f"规则 {self.rule.rule_id}（{self.rule.method}）[{self.rule.citation}]"]
        for e in self.entries:
            rank = "—" if e.rank is None else f"第{e.rank}名"
            score = "—" if e.score is None else str(e.score)
            out.append(f"  {rank}  {e.contract_id}  {e.supplier}  得分 {score}  "
                       f"奖励 {e.amount.format()}" + ("" if e.eligible else f"  （{e.reason}）"))
        out.append(f"  未分配 {self.undistributed.format()}")
        return "\n".join(out) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "period": str(self.period), "pool": str(self.pool),
                "rule": {"method": self.rule.method,
                         "shares": [str(s) for s in self.rule.shares],
                         "min_score": str(self.rule.min_score), "rule_id": self.rule.rule_id,
                         "citation": self.rule.citation},
                "entries": [{"contract_id": e.contract_id, "supplier": e.supplier,
                             "sites": list(e.sites),
                             "score": None if e.score is None else str(e.score),
                             "rank": e.rank, "eligible": e.eligible, "reason": e.reason,
                             "amount": str(e.amount)} for e in self.entries],
                "undistributed": str(self.undistributed)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def _service_score(st: Statement, service: str) -> tuple[Decimal | None, tuple[str, ...]]:
    """The fee-weighted score of a statement's assessed lines of ``service`` (to 0.01)."""
    lines = [x for x in st.lines if x.service == service and x.status is LineStatus.ASSESSED
             and x.score is not None]
    sites = tuple(dict.fromkeys(x.site for x in st.lines if x.service == service))
    if not lines:
        return None, sites
    fees = sum((x.fee.fen for x in lines), 0)
    if fees == 0:
        exact = sum((Fraction(x.score) for x in lines if x.score is not None),
                    Fraction(0)) / len(lines)
    else:
        exact = sum((Fraction(x.score) * x.fee.fen for x in lines if x.score is not None),
                    Fraction(0)) / fees
    return Decimal(round_half_up(exact * 100)).scaleb(-2), sites


def competitive_rewards(statements: Sequence[Statement], service: str, pool: Money,
                        rule: RewardRule | None = None) -> RewardSplit:
    """Rank the statements' suppliers of ``service`` and split ``pool`` by ``rule``."""
    rule = rule or RewardRule()
    if not isinstance(pool, Money) or pool < Money.ZERO:
        raise SettlementError("the pool is Money, not negative", field="pool", value=str(pool),
                              term="奖励总额", code="rewards.pool")
    if not statements:
        raise SettlementError("no statements to rank", field="statements", value=[],
                              term="竞争性奖励", code="rewards.no_statements")
    periods = {st.period for st in statements}
    if len(periods) != 1:
        raise SettlementError("statements of different periods cannot be ranked together",
                              field="statements", value=sorted(map(str, periods)),
                              term="考核期间", code="rewards.mixed_periods")
    ids = [st.contract_id for st in statements]
    if len(set(ids)) != len(ids):
        raise SettlementError("a contract appears twice", field="statements", value=ids,
                              term="合同", code="rewards.contract_twice")
    rows = []
    for st in statements:
        score, sites = _service_score(st, service)
        if score is None:
            reason = f"无已考核的 {service} 服务项目"
        elif score < rule.min_score:
            reason = f"得分低于 {rule.min_score}"
        elif rule.exclude_triggered and st.triggers:
            reason = "已达到更换/解约阈值"
        else:
            reason = ""
        rows.append((st, score, sites, reason))
    eligible = sorted([r for r in rows if not r[3]],
                      key=lambda r: (-(r[1] or Decimal(0)), r[0].contract_id))
    weights: list[Fraction] = []
    ranks: list[int] = []
    if rule.method == "rank":
        pos = 0
        while pos < len(eligible):
            end = pos
            while end + 1 < len(eligible) and eligible[end + 1][1] == eligible[pos][1]:
                end += 1
            places = [Fraction(rule.shares[k]) if k < len(rule.shares) else Fraction(0)
                      for k in range(pos, end + 1)]
            each = sum(places, Fraction(0)) / len(places)
            for _ in places:
                weights.append(each)
                ranks.append(pos + 1)
            pos = end + 1
    else:
        pos = 0
        for n, r in enumerate(eligible):
            if n == 0 or r[1] != eligible[n - 1][1]:
                pos = n + 1
            weights.append(Fraction(r[1] or 0))
            ranks.append(pos)
    amounts: dict[str, Money] = {}
    undistributed = pool
    if eligible and sum(weights, Fraction(0)) > 0:
        parts = allocate(pool, weights)
        amounts = {r[0].contract_id: m for r, m in zip(eligible, parts, strict=True)}
        undistributed = Money.ZERO
    rank_of = {r[0].contract_id: k for r, k in zip(eligible, ranks, strict=True)}
    entries = []
    ordered = eligible + [r for r in rows if r[3]]
    for st, score, sites, reason in ordered:
        cid = st.contract_id
        entries.append(RewardEntry(cid, st.supplier, sites, score, rank_of.get(cid),
                                   not reason, reason, amounts.get(cid, Money.ZERO)))
    return RewardSplit(service, next(iter(periods)), pool, rule, tuple(entries), undistributed)
