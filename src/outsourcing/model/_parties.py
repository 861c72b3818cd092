"""The parties and what they hold: purchaser, supplier (with its size and 统一社会信用代码),
qualifications and qualification requirements (private; see :mod:`outsourcing.model`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

import attrs

from .._convert import opt_date_of, text
from .._validators import nonempty
from ..errors import ModelError
from ._checks import _enum, _items

E = TypeVar("E", bound=StrEnum)



def _valid_until(v: Any) -> date | None:
    return opt_date_of(v, "valid_until")


def _valid_from(v: Any) -> date | None:
    return opt_date_of(v, "valid_from")


def _qualifications(v: Iterable[Qualification]) -> tuple[Qualification, ...]:
    return _items(v, "qualifications", Qualification, "资质")


class EnterpriseSize(StrEnum):
    """Enterprise size under 工信部联企业〔2011〕300号 (企业规模)."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"

    @property
    def zh(self) -> str:
        return {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}[self.value]

    @property
    def is_sme(self) -> bool:
        """Medium, small or micro: an SME (中小企业) for the payment rules."""
        return self is not EnterpriseSize.LARGE

    @property
    def is_small_or_micro(self) -> bool:
        """Small or micro (小微企业): eligible for the price deduction."""
        return self in (EnterpriseSize.SMALL, EnterpriseSize.MICRO)


CREDIT_CODE_CITATION = "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》"


def credit_code(v: Any) -> str:
    """A 统一社会信用代码 checked (GB 32100-2015: 18 characters, the last a check character
    over the first 17) and written compactly; empty when unknown.

    Refused with a :class:`~outsourcing.errors.ModelError` naming 统一社会信用代码: a wrong
    length, a character outside the code's alphabet, or a check character that does not
    match (checked with python-stdnum's ``stdnum.cn.uscc``).
    """
    from stdnum.cn import uscc
    from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

    if not isinstance(v, str):
        raise ModelError("a credit code is text", field="credit_code", value=v,
                         term="统一社会信用代码", code="model.credit_code.type",
                         citation=CREDIT_CODE_CITATION)
    if not v.strip():
        return ""
    try:
        return str(uscc.validate(v))
    except InvalidChecksum:
        got, want = uscc.compact(v)[-1], uscc.calc_check_digit(uscc.compact(v)[:17])
        raise ModelError(f"the check character is {got}, the first 17 characters call for "
                         f"{want}", field="credit_code", value=v, term="统一社会信用代码",
                         code="model.credit_code.checksum", citation=CREDIT_CODE_CITATION,
                         params={"got": got, "want": want}) from None
    except InvalidLength:
        raise ModelError("a credit code has 18 characters", field="credit_code", value=v,
                         term="统一社会信用代码", code="model.credit_code.length",
                         citation=CREDIT_CODE_CITATION) from None
    except ValidationError:
        raise ModelError("not a credit code: 8 digits, then digits or capital letters but "
                         "I, O, Z, S, V", field="credit_code", value=v,
                         term="统一社会信用代码", code="model.credit_code.form",
                         citation=CREDIT_CODE_CITATION) from None


def _size(v: Any) -> EnterpriseSize:
    return _enum(EnterpriseSize, "size", "企业规模")(v)


QUALIFICATION_KINDS: dict[str, str] = {
    "special_equipment_installation_repair": "特种设备安装改造修理许可（电梯）",
    "fire_technical_service": "消防设施维护保养检测机构资质",
    "property_management": "物业服务企业资质",
}
"""The qualification kinds (资质类别) the rules name, by code → Chinese name; a workbook
may name a kind by either (:func:`qualification_kind`)."""


def qualification_kind(text: str) -> str | None:
    """The code of a qualification kind named by its code or its Chinese name; None when
    unknown."""
    t = text.strip()
    if t in QUALIFICATION_KINDS:
        return t
    return next((k for k, v in QUALIFICATION_KINDS.items() if v == t), None)


_LEVELS = {
    "一级": 1, "二级": 2, "三级": 3, "甲级": 1, "乙级": 2, "丙级": 3,
    "A级": 1, "B级": 2, "C级": 3, "A": 1, "B": 2, "C": 3,
}


def level_rank(level: str) -> int | None:
    """The rank of a qualification level, 1 the highest (一级/甲级/A级), None if unranked."""
    return _LEVELS.get(level.strip())


@attrs.frozen
class QualificationRequirement:
    """A qualification a supplier must hold, e.g. a grade-B elevator licence (资质要求).

    ``level`` empty means any level; otherwise a held level at least as high satisfies it
    (一级 satisfies a 二级 requirement).
    """

    kind: str = attrs.field(validator=nonempty("资质类别", "model.qualification.kind"))
    level: str = attrs.field(default="", validator=text("资质等级"))
    name: str = attrs.field(default="", validator=text("资质名称"))
    issuer: str = attrs.field(default="", validator=text("发证机关"))
    """When set, the issuing level must match (e.g. ``自治区`` for a regional licence)."""


@attrs.frozen
class Qualification:
    """A qualification a supplier holds (资质): kind, level, issuer, validity."""

    kind: str = attrs.field(validator=nonempty("资质类别", "model.qualification.kind"))
    level: str = attrs.field(default="", validator=text("资质等级"))
    issuer: str = attrs.field(default="", validator=text("发证机关"))
    valid_until: date | None = attrs.field(default=None, converter=_valid_until)
    """The last day of validity: a ``date`` (or ``YYYY-MM-DD`` text, read when built)."""
    valid_from: date | None = attrs.field(default=None, converter=_valid_from)
    number: str = attrs.field(default="", validator=text("证书编号"))

    def __attrs_post_init__(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ModelError("valid_until is before valid_from", field="valid_until",
                             value=self.valid_until.isoformat(), term="资质有效期",
                             code="model.qualification.ends_before_start",
                             params={"start": self.valid_from})

    def valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until)

    def satisfies(self, req: QualificationRequirement) -> bool:
        """Same kind, level at least the one required, issuer matching where one is named."""
        if self.kind != req.kind:
            return False
        if req.issuer and req.issuer not in self.issuer:
            return False
        if not req.level:
            return True
        held, need = level_rank(self.level), level_rank(req.level)
        if held is None or need is None:
            return self.level == req.level
        return held <= need


@attrs.frozen
class Purchaser:
    """The buying agency (采购人), e.g. a 机关事务管理局."""

    id: str = attrs.field(validator=nonempty("采购人"))
    name: str = attrs.field(validator=nonempty("采购人名称"))
    credit_code: str = attrs.field(default="", converter=credit_code)
    """统一社会信用代码 (checked; empty when unknown, but an OCDS release needs it)."""


@attrs.frozen
class Supplier:
    """The company that provides the service (供应商)."""

    id: str = attrs.field(validator=nonempty("供应商"))
    name: str = attrs.field(validator=nonempty("供应商名称"))
    size: EnterpriseSize = attrs.field(converter=_size)
    qualifications: tuple[Qualification, ...] = attrs.field(default=(),
                                                          converter=_qualifications)
    credit_code: str = attrs.field(default="", converter=credit_code)
    """统一社会信用代码 (checked when built, see :func:`credit_code`; empty when unknown)."""

    def holds(self, req: QualificationRequirement, on: date) -> Qualification | None:
        """A qualification satisfying ``req`` valid on ``on``, if any."""
        for q in self.qualifications:
            if q.satisfies(req) and q.valid_on(on):
                return q
        return None
