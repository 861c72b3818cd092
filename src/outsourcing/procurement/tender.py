"""The tender (采购项目); its bids are :mod:`.bid`.

A :class:`Tender` says what is bought (its lines), for how long (the service term), within
which budget and ceiling price (预算、最高限价), by which method (公开招标…) and evaluation
method (综合评分法 or 最低评标价法), with which scoring scheme and small-enterprise price
deduction, and on which date it is evaluated — that date selects the rules in force.

A :class:`Bid` is one supplier's offer: a pricing for every line and, under 综合评分法, each
evaluator's points for each non-price factor.  The bid price (投标报价) is derived from the
line prices over the tender's term, exactly as the awarded contract's original amount is.

Structural rules (weights summing to 1, no negative price) are checked when the objects are
built; rules that depend on the jurisdiction and the date (the legal minimum price weight,
the deduction range in force) are checked by :func:`outsourcing.procurement.evaluate`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from ..dates import DateRange, DayCount
from ..errors import OutsourcingError, ProcurementError
from ..model import (
    MULTI_YEAR_CONDITIONS,
    PaymentSchedule,
    Purchaser,
)
from ..money import Money, as_rate

__all__ = [
    "Category",
    "EvaluationMethod",
    "Factor",
    "ProcurementMethod",
    "ScoringScheme",
    "SingleSourceGround",
    "Tender",
    "TenderLine",
]

PRICE = "price"
"""The reserved id of the price factor (价格)."""


class ProcurementMethod(StrEnum):
    """采购方式 (政府采购法 第二十六条)."""

    PUBLIC_TENDER = "public_tender"
    INVITED_TENDER = "invited_tender"
    COMPETITIVE_NEGOTIATION = "competitive_negotiation"
    COMPETITIVE_CONSULTATION = "competitive_consultation"
    INQUIRY = "inquiry"
    SINGLE_SOURCE = "single_source"

    @property
    def zh(self) -> str:
        return {
            "public_tender": "公开招标", "invited_tender": "邀请招标",
            "competitive_negotiation": "竞争性谈判", "competitive_consultation": "竞争性磋商",
            "inquiry": "询价", "single_source": "单一来源采购",
        }[self.value]

    @property
    def is_tender(self) -> bool:
        """公开招标 or 邀请招标: evaluated under 财政部令第87号."""
        return self in (ProcurementMethod.PUBLIC_TENDER, ProcurementMethod.INVITED_TENDER)

    @property
    def evaluation(self) -> EvaluationMethod | None:
        """The evaluation method the law prescribes for this method, None where the tender
        documents choose (公开招标, 邀请招标)."""
        if self is ProcurementMethod.COMPETITIVE_CONSULTATION:
            return EvaluationMethod.WEIGHTED_SCORE        # 财库〔2014〕214号: 综合评分法
        if self.is_tender:
            return None
        return EvaluationMethod.LOWEST_PRICE              # 最后报价最低者成交

    @property
    def takes_rounds(self) -> bool:
        """Whether a supplier may quote in several rounds (多轮报价, 最后报价 the last):
        竞争性磋商, 竞争性谈判 and 单一来源 (协商); never 招标 or 询价 (一次报出不得更改)."""
        return self in (ProcurementMethod.COMPETITIVE_CONSULTATION,
                        ProcurementMethod.COMPETITIVE_NEGOTIATION,
                        ProcurementMethod.SINGLE_SOURCE)

    @property
    def quote_zh(self) -> str:
        """投标报价 for a tender, 最后报价 for the other methods."""
        return "投标报价" if self.is_tender else "最后报价"


class SingleSourceGround(StrEnum):
    """The closed list of grounds for 单一来源采购 (政府采购法 第三十一条)."""

    ONLY_SOURCE = "only_source"
    """(一) 只能从唯一供应商处采购."""
    EMERGENCY = "emergency"
    """(二) 发生了不可预见的紧急情况不能从其他供应商处采购."""
    ADDITIONAL_PURCHASE = "additional_purchase"
    """(三) 保证原有采购项目一致性或者服务配套，继续从原供应商处添购，添购资金总额不超过原合同
    采购金额百分之十."""

    @property
    def zh(self) -> str:
        return {
            "only_source": "第三十一条(一) 只能从唯一供应商处采购",
            "emergency": "第三十一条(二) 发生了不可预见的紧急情况不能从其他供应商处采购",
            "additional_purchase": "第三十一条(三) 需要继续从原供应商处添购，"
                                   "且添购资金总额不超过原合同采购金额百分之十",
        }[self.value]


GROUNDS_CITATION = (
    "政府采购法 第三十一条: 符合下列情形之一的货物或者服务，可以采用单一来源方式采购: "
    "(一) 只能从唯一供应商处采购的; "
    "(二) 发生了不可预见的紧急情况不能从其他供应商处采购的; "
    "(三) 必须保证原有采购项目一致性或者服务配套的要求，需要继续从原供应商处添购，"
    "且添购资金总额不超过原合同采购金额百分之十的")


def _ground(v: Any) -> SingleSourceGround | None:
    if v is None or isinstance(v, SingleSourceGround):
        return v
    try:
        return SingleSourceGround(v)
    except ValueError:
        known = ", ".join(g.value for g in SingleSourceGround)
        raise ProcurementError(
            f"not a ground for single-source procurement; the closed list: {known}",
            field="single_source_ground", value=v, citation=GROUNDS_CITATION,
            term="单一来源采购情形", code="procurement.single_source_ground_unknown",
            params={"ground": v, "known": known}) from None


class EvaluationMethod(StrEnum):
    """评标方法 (政府采购法实施条例 第三十四条)."""

    WEIGHTED_SCORE = "weighted_score"
    """综合评分法: weighted factors, price scored by 低价优先法."""
    LOWEST_PRICE = "lowest_price"
    """最低评标价法: the lowest evaluated price ranks first."""

    @property
    def zh(self) -> str:
        return {"weighted_score": "综合评分法", "lowest_price": "最低评标价法"}[self.value]


class Category(StrEnum):
    """What is bought (采购品目类别): selects the minimum price weight and deduction range."""

    SERVICES = "services"
    GOODS = "goods"

    @property
    def zh(self) -> str:
        return {"services": "服务", "goods": "货物"}[self.value]

    @property
    def min_price_weight_rule(self) -> str:
        return f"procurement.min_price_weight_{self.value}"

    @property
    def deduction_rule(self) -> str:
        """Goods and services share one range (财库〔2020〕46号 第九条, 财库〔2022〕19号)."""
        return "procurement.sme_deduction_services"


def _weight(v: Any) -> Decimal:
    try:
        r = as_rate(v, field="weight")
    except OutsourcingError as exc:
        raise ProcurementError(exc.reason, field="weight", value=v, term="权值",
            code="procurement.tender.weight_not_decimal", zh=exc.zh) from None
    return Decimal(r) if isinstance(r, int) else (
        r if isinstance(r, Decimal) else Decimal(r.numerator) / Decimal(r.denominator))


def _nonempty(term: str) -> Any:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ProcurementError("must be a non-empty string", field=attribute.name,
                                   value=value, term=term,
                code="procurement.tender.text_empty", says="text.empty")
    return check


@attrs.frozen
class Factor:
    """A non-price evaluation factor (评审因素), e.g. 技术方案 with weight 0.60.

    Evaluators give points from 0 to the factor's full marks (满分 = weight × 100): this is
    87号令's F × A written directly, the way tender documents state it (技术方案 60分).
    """

    id: str = attrs.field(validator=_nonempty("评审因素"))
    name: str = attrs.field(validator=_nonempty("评审因素名称"))
    weight: Decimal = attrs.field(converter=_weight)

    @property
    def full_marks(self) -> Decimal:
        """满分: weight × 100."""
        return self.weight * 100


def _factors(v: Iterable[Factor]) -> tuple[Factor, ...]:
    return tuple(v)


@attrs.frozen
class ScoringScheme:
    """The weights of 综合评分法: price plus non-price factors, summing exactly to 1.

    ``places`` is how many decimals every score keeps (评分保留小数位数, default 2): each
    price score and each factor's combined points are rounded half-up to it once; the total
    is the exact sum of those rounded figures, so the report adds up.
    """

    price_weight: Decimal = attrs.field(converter=_weight)
    factors: tuple[Factor, ...] = attrs.field(converter=_factors)
    places: int = 2

    def __attrs_post_init__(self) -> None:
        if isinstance(self.places, bool) or not isinstance(self.places, int) \
                or not 0 <= self.places <= 6:
            raise ProcurementError("score decimals must be a whole number from 0 to 6",
                                   field="scoring.places", value=self.places,
                                   term="评分保留小数位数",
                code="procurement.tender.scoring_places")
        seen: set[str] = set()
        weights = [("price_weight", self.price_weight)]
        for i, f in enumerate(self.factors):
            if not isinstance(f, Factor):
                raise ProcurementError("not a Factor", field=f"scoring.factors[{i}]", value=f,
                    code="procurement.tender.not_a_factor",
                                       params={"kind": type(f).__name__})
            if f.id == PRICE or f.id in seen:
                raise ProcurementError(f"duplicate or reserved factor id ({PRICE!r} is the "
                                       "price factor)", field=f"scoring.factors[{i}].id",
                                       value=f.id, term="评审因素",
                    code="procurement.tender.factor_id_twice",
                                       params={"price": PRICE})
            seen.add(f.id)
            weights.append((f"factors[{i}].weight", f.weight))
        for where, w in weights:
            if not Decimal(0) < w <= 1:
                raise ProcurementError("a weight lies in (0, 1]", field=f"scoring.{where}",
                                       value=str(w), term="权值",
                    code="procurement.tender.weight_range")
            if (w * 10 ** (self.places + 2)) % 1:
                raise ProcurementError(
                    f"a weight has at most {self.places + 2} decimals, so that full marks "
                    f"(weight × 100) are exact at {self.places} decimals",
                    field=f"scoring.{where}", value=str(w), term="权值",
                    code="procurement.tender.weight_decimals",
                    params={"places": self.places + 2})
        total = sum((w for _, w in weights), Decimal(0))
        if total != 1:
            shown = " + ".join(str(w) for _, w in weights)
            raise ProcurementError(
                f"the weights must sum to 1: {shown} = {total}",
                field="scoring", value=str(total),
                citation="财政部令第87号 第五十五条: 评标总得分 = F1×A1 + … + Fn×An, "
                         "A1 + A2 + … + An = 1",
                term="评审因素权值之和",
                code="procurement.tender.weights_sum", params={"total": str(total)})

    def factor(self, factor_id: str) -> Factor:
        for f in self.factors:
            if f.id == factor_id:
                return f
        raise ProcurementError("no such factor", field="factor", value=factor_id,
                               term="评审因素",
            code="procurement.tender.no_such_factor")


@attrs.frozen
class TenderLine:
    """A service sought by the tender (采购需求中的服务项目), priced by each bid."""

    id: str = attrs.field(validator=_nonempty("服务项目编号"))
    service: str = attrs.field(validator=_nonempty("服务类别"))
    """A service-kind code from the catalogue; selects ``qualification.<service>``."""
    site: str = attrs.field(validator=_nonempty("办公区"))
    description: str = ""


def _lines(v: Iterable[TenderLine]) -> tuple[TenderLine, ...]:
    return tuple(v)


def _to_money(v: Any, field: str, term: str) -> Money:
    if isinstance(v, Money):
        return v
    try:
        return Money(v, field=field)
    except OutsourcingError as exc:
        raise ProcurementError(exc.reason, field=field, value=v, term=term,
            code="procurement.tender.amount_not_money", zh=exc.zh) from None


def _budget(v: Any) -> Money:
    return _to_money(v, "budget", "预算金额")


def _ceiling(v: Any) -> Money | None:
    return None if v is None else _to_money(v, "ceiling", "最高限价")


def _optional_rate(v: Any, field: str = "sme_deduction") -> Decimal | None:
    if v is None:
        return None
    term = "联合体/分包价格扣除比例" if field == "consortium_deduction" else "小微企业价格扣除比例"
    try:
        r = as_rate(v, field=field)
    except OutsourcingError as exc:
        raise ProcurementError(exc.reason, field=field, value=v, term=term,
                               code="procurement.rate", params={"term": term}) from None
    d = Decimal(r) if isinstance(r, int) else (
        r if isinstance(r, Decimal) else Decimal(r.numerator) / Decimal(r.denominator))
    if not Decimal(0) <= d < 1:
        raise ProcurementError("a deduction rate lies in [0, 1)", field=field,
                               value=str(d), term=term, code="procurement.rate_range",
                               params={"term": term})
    return d


def _consortium_rate(v: Any) -> Decimal | None:
    return _optional_rate(v, "consortium_deduction")


def _bond(v: Any) -> Money | None:
    if v is None:
        return None
    m = _to_money(v, "bid_bond", "投标保证金")
    if m < Money.ZERO:
        raise ProcurementError("a bond is not negative", field="bid_bond", value=str(m),
                               term="投标保证金", code="procurement.bid_bond_negative")
    return m


def _conditions(v: Iterable[str]) -> frozenset[str]:
    return frozenset(v)


@attrs.frozen
class Tender:
    """A procurement project (采购项目) as announced, evaluated on ``evaluated_on``.

    ``sme_deduction`` is the small-and-micro-enterprise price deduction (小微企业价格扣除)
    stated in the tender documents; it must lie within the range in force on
    ``evaluated_on`` (checked by ``evaluate``), unless the project is reserved for SMEs
    (``reserved_for_sme``, 专门面向中小企业采购), which takes no deduction.
    """

    id: str = attrs.field(validator=_nonempty("采购项目编号"))
    title: str = attrs.field(validator=_nonempty("采购项目名称"))
    purchaser: Purchaser
    jurisdiction: str = attrs.field(validator=_nonempty("辖区"))
    lines: tuple[TenderLine, ...] = attrs.field(converter=_lines)
    term: DateRange
    """The service term of the contract to be awarded (服务期)."""
    budget: Money = attrs.field(converter=_budget)
    evaluated_on: date
    """The evaluation date (评审日期): selects the rules in force."""
    evaluation: EvaluationMethod = attrs.field(default=EvaluationMethod.WEIGHTED_SCORE,
                                               converter=EvaluationMethod)
    scoring: ScoringScheme | None = None
    ceiling: Money | None = attrs.field(default=None, converter=_ceiling)
    sme_deduction: Decimal | None = attrs.field(default=None, converter=_optional_rate)
    reserved_for_sme: bool = False
    method: ProcurementMethod = attrs.field(default=ProcurementMethod.PUBLIC_TENDER,
                                            converter=ProcurementMethod)
    category: Category = attrs.field(default=Category.SERVICES, converter=Category)
    day_count: DayCount = attrs.field(default=DayCount.ACTUAL, converter=DayCount)
    schedule: PaymentSchedule = attrs.field(default=PaymentSchedule.MONTHLY,
                                            converter=PaymentSchedule)
    multi_year_conditions: frozenset[str] = attrs.field(default=frozenset(),
                                                        converter=_conditions)
    payment_days: int | None = None
    price_weight_approval: str = ""
    """The finance department's approval of a 磋商 price weight outside the band
    (财政部门审核同意的文号), recorded in the tender; empty when none."""
    purchase_of_services: bool = False
    """A 政府购买服务 project: a 磋商 may go on with 2 suppliers (财库〔2015〕124号)."""
    single_source_ground: SingleSourceGround | None = attrs.field(default=None,
                                                                  converter=_ground)
    """单一来源: the ground from 政府采购法 第三十一条's closed list."""
    publicity: DateRange | None = None
    """单一来源: the publicity period (公示期), first and last day, before approval."""
    bid_bond: Money | None = attrs.field(default=None, converter=_bond)
    """投标保证金 asked by the tender documents (≤ 2% of the budget)."""
    consortium_deduction: Decimal | None = attrs.field(default=None,
                                                       converter=_consortium_rate)
    """The deduction offered to a consortium with, or subcontracting to, small and micro
    firms (联合体/分包价格扣除); None when the tender offers none."""

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise ProcurementError("a tender needs at least one line", field="lines", value=[],
                                   term="采购需求",
                code="procurement.tender.no_lines")
        seen: set[str] = set()
        for i, line in enumerate(self.lines):
            if not isinstance(line, TenderLine):
                raise ProcurementError("not a TenderLine", field=f"lines[{i}]", value=line,
                    code="procurement.tender.not_a_line",
                                       params={"kind": type(line).__name__})
            if line.id in seen:
                raise ProcurementError("duplicate line id", field=f"lines[{i}].id",
                                       value=line.id, term="服务项目编号",
                    code="procurement.tender.line_id_twice")
            seen.add(line.id)
        if self.budget <= Money.ZERO:
            raise ProcurementError("the budget must be positive", field="budget",
                                   value=str(self.budget), term="预算金额",
                code="procurement.tender.budget_not_positive")
        if self.ceiling is not None and not Money.ZERO < self.ceiling <= self.budget:
            raise ProcurementError(
                f"the ceiling price must be positive and within the budget "
                f"{self.budget.format()}", field="ceiling", value=str(self.ceiling),
                citation="财政部令第87号 第十二条: 可以在采购预算额度内合理设定最高限价",
                term="最高限价",
                code="procurement.tender.ceiling_range",
                params={"budget": self.budget.format()})
        if self.evaluation is EvaluationMethod.WEIGHTED_SCORE and self.scoring is None:
            raise ProcurementError("综合评分法 needs a scoring scheme", field="scoring",
                                   value=None, term="评分标准",
                code="procurement.tender.scoring_needed")
        if self.evaluation is EvaluationMethod.LOWEST_PRICE and self.scoring is not None:
            raise ProcurementError("最低评标价法 scores nothing but price; drop the scheme",
                                   field="scoring", value="ScoringScheme", term="评分标准",
                code="procurement.tender.scoring_not_taken")
        if self.reserved_for_sme and self.sme_deduction:
            raise ProcurementError(
                "a project reserved for SMEs takes no price deduction", field="sme_deduction",
                value=str(self.sme_deduction),
                citation="财库〔2020〕46号 第九条: "
                         "未预留份额专门面向中小企业采购的项目才给予价格扣除",
                term="小微企业价格扣除",
                code="procurement.tender.reserved_no_deduction")
        bad = self.multi_year_conditions - MULTI_YEAR_CONDITIONS.keys()
        if bad:
            raise ProcurementError(f"unknown condition; known: {sorted(MULTI_YEAR_CONDITIONS)}",
                                   field="multi_year_conditions", value=sorted(bad),
                code="procurement.tender.multi_year_condition_unknown",
                                   params={"known": ", ".join(sorted(MULTI_YEAR_CONDITIONS))})
        self._check_method()

    def _check_method(self) -> None:
        """The structure each procurement method demands (not dated: checked when built)."""
        m = self.method
        wanted = m.evaluation
        if wanted is not None and self.evaluation is not wanted:
            raise ProcurementError(
                f"{m.zh} is evaluated by {wanted.zh} (evaluation = {wanted.value!r})",
                field="evaluation", value=self.evaluation.value, term="评审方法",
                code="procurement.method_evaluation",
                params={"method": m.zh, "allowed": wanted.zh, "given": self.evaluation.zh})
        if m is ProcurementMethod.SINGLE_SOURCE:
            if self.single_source_ground is None:
                known = ", ".join(g.value for g in SingleSourceGround)
                raise ProcurementError(
                    f"单一来源 needs its ground from the closed list: {known}",
                    field="single_source_ground", value=None, citation=GROUNDS_CITATION,
                    term="单一来源采购情形", code="procurement.single_source_ground_missing",
                    params={"known": known})
        else:
            for name in ("single_source_ground", "publicity"):
                if getattr(self, name) is not None:
                    raise ProcurementError(
                        f"{name} belongs to a 单一来源 procurement, not {m.zh}", field=name,
                        value=str(getattr(self, name)), term="单一来源采购",
                        code="procurement.single_source_only",
                        params={"what": name, "method": m.zh})
        if self.price_weight_approval and m is not ProcurementMethod.COMPETITIVE_CONSULTATION:
            raise ProcurementError(
                "an approval of the price weight belongs to a 竞争性磋商",
                field="price_weight_approval", value=self.price_weight_approval,
                term="价格权值审核同意", code="procurement.approval_not_consultation",
                params={"method": m.zh})

    @property
    def line_ids(self) -> tuple[str, ...]:
        return tuple(x.id for x in self.lines)
