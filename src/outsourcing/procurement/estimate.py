"""Cost estimation for a tender's budget (服务项目费用测算).

The structure is the law's (物业服务收费管理办法, 发改价格〔2003〕1864号 第十一条):

* **包干制** (lump sum): fee = service cost + management fee + profit + VAT, where
  management fee = cost × management-fee rate, profit = (cost + management fee) × profit rate,
  VAT = (cost + management fee + profit) × VAT rate.
* **酬金制** (cost-plus): fee = service spending + remuneration (酬金) + VAT, where
  remuneration = spending × remuneration rate (read against the profit-rate range) and the
  VAT is charged on the whole invoice.  No separate management fee: the 酬金 pays for it.

The service cost (物业服务成本/支出) is staff (posts × headcount × monthly wage, plus social
insurance and benefits at the bureau's local rate) and the other cost items of 第十一条.
The rates are *illustrative practice* (管理费 5–10%, 利润 5–8%, 增值税 6% 一般纳税人 / 3%
小规模纳税人): a rate outside the practice range gives a warning finding, not an error.

Every product is rounded half-up to the fen once (``Money × Decimal``); sums are exact; the
budget is the monthly fee × the months of the term.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from ..errors import OutsourcingError, ProcurementError
from ..findings import Finding, Severity
from ..money import Money, as_rate
from ..rules import Range, Resolved, RuleBook
from .explain import Figure

__all__ = [
    "CostCategory",
    "CostEstimate",
    "CostItem",
    "FeeRegime",
    "Post",
    "Taxpayer",
    "estimate_cost",
]


class FeeRegime(StrEnum):
    """物业服务收费方式 (1864号 第九条、第十一条)."""

    LUMP_SUM = "lump_sum"
    COST_PLUS = "cost_plus"

    @property
    def zh(self) -> str:
        return {"lump_sum": "包干制", "cost_plus": "酬金制"}[self.value]


class Taxpayer(StrEnum):
    """增值税纳税人类别."""

    GENERAL = "general"
    SMALL_SCALE = "small_scale"

    @property
    def zh(self) -> str:
        return {"general": "一般纳税人", "small_scale": "小规模纳税人"}[self.value]

    @property
    def rule(self) -> str:
        return f"procurement.estimate.vat_{self.value}"


class CostCategory(StrEnum):
    """The cost items of 1864号 第十一条 besides staff (物业服务成本构成)."""

    FACILITIES = "facilities"
    CLEANING = "cleaning"
    GREENING = "greening"
    ORDER = "order"
    OFFICE = "office"
    DEPRECIATION = "depreciation"
    INSURANCE = "insurance"
    OTHER = "other"

    @property
    def zh(self) -> str:
        return {
            "facilities": "共用部位、共用设施设备日常运行维护费用",
            "cleaning": "清洁卫生费用", "greening": "绿化养护费用",
            "order": "秩序维护费用", "office": "办公费用",
            "depreciation": "固定资产折旧", "insurance": "共用部位、共用设施设备及公众责任保险费用",
            "other": "其他费用",
        }[self.value]


def _nonneg_money(v: Any, field: str) -> Money:
    if isinstance(v, Money):
        m = v
    else:
        try:
            m = Money(v, field=field)
        except OutsourcingError as exc:
            raise ProcurementError(exc.reason, field=field, value=v, term="费用测算",
                code="procurement.estimate.amount_not_money", zh=exc.zh) from None
    if m < Money.ZERO:
        raise ProcurementError("must not be negative", field=field, value=str(m),
                               term="费用测算",
            code="procurement.estimate.amount_negative")
    return m


def _wage(v: Any) -> Money:
    return _nonneg_money(v, "monthly_wage")


def _item_monthly(v: Any) -> Money:
    return _nonneg_money(v, "monthly")


def _rate(field: str) -> Any:
    def conv(v: Any) -> Decimal:
        try:
            r = as_rate(v, field=field)
        except OutsourcingError as exc:
            raise ProcurementError(exc.reason, field=field, value=v, term="费率",
                code="procurement.estimate.rate_not_decimal",
                                   zh=exc.zh) from None
        d = Decimal(r) if isinstance(r, int) else (
            r if isinstance(r, Decimal) else Decimal(r.numerator) / Decimal(r.denominator))
        if not Decimal(0) <= d < 1:
            raise ProcurementError("a rate lies in [0, 1)", field=field, value=str(d),
                                   term="费率",
                code="procurement.estimate.rate_out_of_range")
        return d
    return conv


def _headcount(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise ProcurementError("a headcount is a whole number of at least 1", field="headcount",
                               value=v, term="岗位人数",
            code="procurement.estimate.headcount")
    return v


@attrs.frozen
class Post:
    """A staffed post (岗位): e.g. 保洁员 × 12 at ¥2,600 a month."""

    name: str
    headcount: int = attrs.field(converter=_headcount)
    monthly_wage: Money = attrs.field(converter=_wage)


@attrs.frozen
class CostItem:
    """A monthly cost item other than staff (其他成本项目)."""

    category: CostCategory = attrs.field(converter=CostCategory)
    monthly: Money = attrs.field(converter=_item_monthly)
    name: str = ""


@attrs.frozen
class CostEstimate:
    """The estimate: each monthly figure explained, the monthly fee and the budget."""

    regime: FeeRegime
    on: date
    figures: tuple[Figure, ...]
    monthly: Money
    months: int
    budget: Money
    rules: tuple[Resolved, ...]
    findings: tuple[Finding, ...] = ()

    def figure(self, label: str) -> Figure:
        for f in self.figures:
            if f.label == label:
                return f
        raise ProcurementError("no such figure", field="label", value=label,
            code="procurement.estimate.no_such_figure")

    def render(self) -> str:
        out = [f"费用测算（{self.regime.zh}，{self.on}）"]
        out.extend(f"  {f.explain()}" for f in self.figures)
        out.append(f"  月服务费 {self.monthly.format()}")
        out.append(f"  预算金额 {self.budget.format()} = {self.monthly.format()} × "
                   f"{self.months} 个月")
        out.append("依据:")
        out.extend(f"  - {r.describe()}" for r in self.rules)
        out.extend(f"提示: {f.message_zh}〔{f.code}〕" for f in self.findings)
        return "\n".join(out) + "\n"

    def __str__(self) -> str:
        return self.render()


def _practice(name: str, rate: Decimal, rule: Resolved, field: str) -> list[Finding]:
    rng: Range = rule.value
    if rate in rng:
        return []
    return [Finding("estimate.rate_outside_practice",
                    f"{name} {rate} is outside the range {rng} seen in practice (illustrative)",
                    severity=Severity.WARNING, field=field, rule_id=rule.rule_id,
                    citation=rule.citation, term=rule.parameter.term)]


def estimate_cost(
    rulebook: RuleBook,
    *,
    on: date,
    regime: FeeRegime | str,
    posts: Iterable[Post],
    benefits_rate: Decimal | str,
    items: Iterable[CostItem] = (),
    profit_rate: Decimal | str,
    management_fee_rate: Decimal | str | None = None,
    taxpayer: Taxpayer | str = Taxpayer.GENERAL,
    vat_rate: Decimal | str | None = None,
    months: int = 12,
) -> CostEstimate:
    """Estimate the monthly fee and the budget over ``months`` (see the module docstring).

    ``benefits_rate`` is the employer's social insurance and benefits as a share of wages
    (the bureau's local rate; there is no national default).  ``profit_rate`` is the profit
    (包干制) or the remuneration rate (酬金制); ``management_fee_rate`` is required for 包干制
    and refused for 酬金制.  ``vat_rate`` replaces the illustrative rate for ``taxpayer``
    (e.g. a temporary 1% for a small-scale taxpayer).
    """
    regime = FeeRegime(regime)
    taxpayer = Taxpayer(taxpayer)
    posts = tuple(posts)
    items = tuple(items)
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ProcurementError("months is a whole number of at least 1", field="months",
                               value=months, term="服务期（月）",
            code="procurement.estimate.months")
    if not posts:
        raise ProcurementError("an estimate needs at least one post", field="posts", value=[],
                               term="岗位",
            code="procurement.estimate.no_posts")
    benefits = _rate("benefits_rate")(benefits_rate)
    profit = _rate("profit_rate")(profit_rate)
    structure = rulebook.resolve("procurement.estimate.fee_structure", on)
    profit_rule = rulebook.resolve("procurement.estimate.profit_rate", on)
    rules: list[Resolved] = [structure, profit_rule]
    findings: list[Finding] = []
    mgmt: Decimal | None = None
    if regime is FeeRegime.LUMP_SUM:
        if management_fee_rate is None:
            raise ProcurementError("包干制 needs a management-fee rate",
                                   field="management_fee_rate", value=None,
                                   rule_id=structure.rule_id, citation=structure.citation,
                                   term="管理费率",
                code="procurement.estimate.lump_sum_needs_fee_rate")
        mgmt = _rate("management_fee_rate")(management_fee_rate)
        mgmt_rule = rulebook.resolve("procurement.estimate.management_fee_rate", on)
        rules.append(mgmt_rule)
        findings += _practice("management fee", mgmt, mgmt_rule, "management_fee_rate")
    elif management_fee_rate is not None:
        raise ProcurementError("酬金制 has no separate management fee: the 酬金 pays for it",
                               field="management_fee_rate", value=str(management_fee_rate),
                               rule_id=structure.rule_id, citation=structure.citation,
                               term="酬金制",
            code="procurement.estimate.fee_based_no_fee_rate")
    findings += _practice("profit" if mgmt is not None else "remuneration", profit, profit_rule,
                          "profit_rate")
    vat_rule = rulebook.resolve(taxpayer.rule, on)
    rules.append(vat_rule)
    vat = vat_rule.value if vat_rate is None else _rate("vat_rate")(vat_rate)
    figs, monthly = _figures(posts, items, benefits, mgmt, profit, vat, taxpayer,
                             rules, vat_given=vat_rate is not None)
    return CostEstimate(regime, on, tuple(figs), monthly, months, monthly * months,
                        tuple(rules), tuple(findings))


def _figures(posts: tuple[Post, ...], items: tuple[CostItem, ...], benefits: Decimal,
             mgmt: Decimal | None, profit: Decimal, vat: Decimal, taxpayer: Taxpayer,
             rules: list[Resolved], *, vat_given: bool) -> tuple[list[Figure], Money]:
    """The estimate's figures in order — wages, benefits, other costs, the cost base, the
    management fee and profit (包干制) or the remuneration (酬金制), the fee before tax, the
    VAT — and the monthly fee; ``rules`` as :func:`estimate_cost` resolved them (the fee
    structure, the profit rate, the management-fee rate for 包干制, the VAT rate)."""
    structure, profit_rule, vat_rule = rules[0], rules[1], rules[-1]
    figs: list[Figure] = []
    wages = Money.sum(p.monthly_wage * p.headcount for p in posts)
    figs.append(Figure("人员工资", wages, " + ".join(
        f"{p.name} {p.headcount}人 × {p.monthly_wage.format()}" for p in posts),
        structure.rule_id, structure.citation))
    ben = wages * benefits
    figs.append(Figure("社会保险和福利费", ben, f"{wages.format()} × {benefits}",
                       note="按当地费率"))
    cost = wages + ben
    for it in items:
        figs.append(Figure(it.name or it.category.zh, it.monthly, "", note=it.category.zh))
        cost += it.monthly
    base_label = "物业服务成本" if mgmt is not None else "物业服务支出"
    figs.append(Figure(base_label, cost, " + ".join(f.shown for f in figs),
                       structure.rule_id, structure.citation))
    if mgmt is not None:
        fee = cost * mgmt
        figs.append(Figure.from_rule("管理费", fee, f"{cost.format()} × {mgmt}", rules[2]))
        gain = (cost + fee) * profit
        figs.append(Figure.from_rule("利润", gain, f"({cost.format()} + {fee.format()}) × "
                                     f"{profit}", profit_rule))
        pretax = cost + fee + gain
    else:
        gain = cost * profit
        figs.append(Figure.from_rule("酬金", gain, f"{cost.format()} × {profit}", profit_rule))
        pretax = cost + gain
    figs.append(Figure("不含税服务费", pretax, " + ".join(
        f.shown for f in figs if f.label in (base_label, "管理费", "利润", "酬金"))))
    tax = pretax * vat
    figs.append(Figure.from_rule(f"增值税（{taxpayer.zh}）", tax, f"{pretax.format()} × {vat}",
                                 vat_rule if not vat_given else None,
                                 note="" if not vat_given else "按所给税率"))
    return figs, pretax + tax
