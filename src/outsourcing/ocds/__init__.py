"""Export contracts as OCDS 1.1.5 release packages, validated offline (开放合同数据标准).

:func:`release_package` turns a contract with its changes (a
:class:`~outsourcing.changes.Timeline`), optionally the procurement it came from (an
:class:`~outsourcing.procurement.Award`) and its settlement statements, into an Open
Contracting Data Standard release package: parties, planning and tender (when the award came
from :mod:`outsourcing.procurement`), the award, the contract with its items and period,
``amendments`` for each signed change, ``implementation.transactions`` for each payment and
an ``assessment`` milestone for each line assessed.  Chinese text goes in ``title`` and
``description``.  OCIDs are ``<prefix>-<contract id>``; the prefix is the bureau's own,
registered with the Open Contracting Partnership (the default is a placeholder).

Amounts are exact :class:`~decimal.Decimal` numbers in the package; :func:`dumps` writes
them as JSON numbers to the fen, never through a float.  :func:`validate` checks a package
against the official schema shipped inside this package (``schema/``, with its licence),
with ``jsonschema`` and no network: the package schema's reference to the release schema
by URL is resolved from the local copy.  See ``docs/ocds.md``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from ..changes import Timeline
from ..errors import ModelError, SerializationError
from ..model import Contract, EnterpriseSize, FixedMonthly, LabourPlusMaterials, UnitRate
from ..money import Money, UnitPrice

if TYPE_CHECKING:
    from ..procurement import Award
    from ..statement import Statement

__all__ = [
    "DEFAULT_PREFIX",
    "OCDS_VERSION",
    "RELEASE_SCHEMA_URL",
    "codelist",
    "dumps",
    "ocid",
    "release_package",
    "validate",
    "validation_errors",
]

OCDS_VERSION = "1.1"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
DEFAULT_PREFIX = "ocds-xxxxxx"
"""A placeholder: a publisher registers its own prefix with the Open Contracting Partnership."""
CURRENCY = "CNY"
CHINA = timezone(timedelta(hours=8), "CST")

_METHOD = {
    "public_tender": "open", "invited_tender": "selective",
    "competitive_negotiation": "limited", "competitive_consultation": "limited",
    "inquiry": "limited", "single_source": "direct",
}
_CRITERIA = {"weighted_score": "ratedCriteria", "lowest_price": "priceOnly"}
_SCALE = {EnterpriseSize.LARGE: "large", EnterpriseSize.MEDIUM: "sme",
          EnterpriseSize.SMALL: "sme", EnterpriseSize.MICRO: "micro"}


def ocid(contract_id: str, prefix: str = DEFAULT_PREFIX) -> str:
    """The stable OCID of a contract: ``<prefix>-<contract id>``."""
    if not prefix.strip() or not contract_id.strip():
        raise ModelError("an OCID needs a prefix and a contract id", field="prefix",
                         value=prefix, term="开放合同编号", code="ocds.empty_ocid",
                         zh="开放合同编号需要前缀和合同编号")
    return f"{prefix}-{contract_id}"


def _dt(d: date) -> str:
    return datetime.combine(d, time(0, 0), CHINA).isoformat()


def _value(m: Money | UnitPrice) -> dict[str, Any]:
    return {"amount": m.yuan, "currency": CURRENCY}


def _org(id_: str, name: str) -> dict[str, str]:
    return {"id": id_, "name": name}


def _items(contract: Contract | Timeline) -> list[dict[str, Any]]:
    lines = contract.all_lines()
    out = []
    for lid, line in lines.items():
        p = line.pricing
        price: Money | UnitPrice
        if isinstance(p, FixedMonthly):
            qty, unit, price = p.quantity, p.unit, p.monthly_fee
        elif isinstance(p, UnitRate):
            qty, unit, price = p.quantity, p.unit, p.unit_price
        else:
            assert isinstance(p, LabourPlusMaterials)
            qty, unit, price = Decimal(1), "月（劳务费，原材料按实结算）", p.labour_monthly
        text = line.description or line.service
        out.append({
            "id": lid,
            "description": f"{line.site}：{text}",
            "classification": {"scheme": "outsourcing.catalogue", "id": line.service,
                               "description": line.service},
            "quantity": qty,
            "unit": {"name": unit, "value": _value(price)},
        })
    return out


def _status(tl: Timeline, as_of: date) -> str:
    if tl.contract.signed_on is None or tl.contract.signed_on > as_of:
        return "pending"
    if tl.terminated or as_of > tl.term.end:
        return "terminated"
    return "active"


def release_package(
    contract: Contract | Timeline,
    *,
    as_of: date,
    prefix: str = DEFAULT_PREFIX,
    award: Award | None = None,
    statements: Sequence[Statement] = (),
    publisher: str | None = None,
    uri: str | None = None,
) -> dict[str, Any]:
    """An OCDS 1.1 release package for one contract as it stands on ``as_of``.

    One release (tags ``tender``/``award``/``contract``/``contractAmendment``/
    ``implementation`` as the content calls for).  ``award`` adds planning (the budget) and
    the tender (method, lines, tenderers); ``statements`` add a transaction for each period
    with an amount payable and an ``assessment`` milestone for each line scored (``notMet``
    where a warning notice was issued).  ``publisher`` defaults to the purchaser.
    """
    tl = contract if isinstance(contract, Timeline) else Timeline(contract)
    c = tl.contract
    if award is not None and award.contract.id != c.id:
        raise ModelError(f"the award is for contract {award.contract.id}, not {c.id}",
                         field="award", value=award.contract.id, term="中标",
                         code="ocds.award_mismatch", zh="中标结果与合同不符")
    oc = ocid(c.id, prefix)
    buyer = _org(c.purchaser.id, c.purchaser.name)
    supplier = _org(c.supplier.id, c.supplier.name)
    parties: list[dict[str, Any]] = [
        {**buyer, "roles": ["buyer", "procuringEntity", "payer"]},
        {**supplier, "roles": ["supplier", "tenderer", "payee"] if award else
         ["supplier", "payee"], "details": {"scale": _SCALE[c.supplier.size]}},
    ]
    if c.supplier.credit_code:
        parties[1]["identifier"] = {"scheme": "CN-USCC", "id": c.supplier.credit_code,
                                    "legalName": c.supplier.name}
    tags: list[str] = []
    release: dict[str, Any] = {"ocid": oc, "id": f"{oc}-{as_of.isoformat()}",
                               "date": _dt(as_of), "tag": tags, "initiationType": "tender",
                               "language": "zh", "parties": parties, "buyer": buyer}
    award_id = f"{c.id}-award"
    if award is not None:
        t = award.report.tender
        tags.append("tender")
        if t.budget is not None:
            release["planning"] = {"budget": {"description": f"{t.title} 预算",
                                              "amount": _value(t.budget)}}
        seen: dict[str, dict[str, str]] = {}
        for e in award.report.ranked:
            s = e.bid.supplier
            seen.setdefault(s.id, _org(s.id, s.name))
        for s_id, org in seen.items():
            if s_id != c.supplier.id:
                parties.append({**org, "roles": ["tenderer"]})
        release["tender"] = {
            "id": t.id, "title": t.title, "status": "complete",
            "procuringEntity": buyer,
            "items": [{"id": x.id, "description": f"{x.site}：{x.description or x.service}",
                       "classification": {"scheme": "outsourcing.catalogue", "id": x.service}}
                      for x in t.lines],
            "value": _value(t.budget),
            "procurementMethod": _METHOD[t.method.value],
            "procurementMethodDetails": t.method.zh,
            "mainProcurementCategory": "services",
            "awardCriteria": _CRITERIA[t.evaluation.value],
            "awardCriteriaDetails": t.evaluation.zh,
            "contractPeriod": {"startDate": _dt(t.term.start), "endDate": _dt(t.term.end)},
            "numberOfTenderers": len(seen),
            "tenderers": list(seen.values()),
        }
        award_id = f"{t.id}-award"
    tags.append("award")
    aw: dict[str, Any] = {
        "id": award_id, "title": c.title, "status": "active",
        "value": _value(c.original_amount), "suppliers": [supplier],
        "contractPeriod": {"startDate": _dt(c.term.start), "endDate": _dt(c.term.end)},
    }
    if award is not None:
        aw["date"] = _dt(award.notified_on)
    release["awards"] = [aw]
    tags.append("contract")
    con: dict[str, Any] = {
        "id": c.id, "awardID": award_id, "title": c.title,
        "description": "；".join(f"{x.site} {x.description or x.service}"
                                for x in tl.all_lines().values()),
        "status": _status(tl, as_of),
        "period": {"startDate": _dt(tl.term.start), "endDate": _dt(tl.term.end)},
        "value": _value(tl.amount),
        "items": _items(tl),
    }
    if c.signed_on is not None:
        con["dateSigned"] = _dt(c.signed_on)
    amendments = []
    for ch in tl.signed:
        if ch.signed_on is None or ch.signed_on > as_of:
            continue
        amendments.append({
            "id": ch.id, "date": _dt(ch.signed_on),
            "rationale": f"{ch.rationale.zh}：{ch.reason}",
            "description": f"{ch.action.describe()}，自 {ch.effective.isoformat()} 起生效",
        })
    if amendments:
        tags.append("contractAmendment")
        con["amendments"] = amendments
    transactions, milestones = _implementation(c, statements, buyer, supplier, as_of)
    if transactions or milestones:
        tags.append("implementation")
        impl: dict[str, Any] = {}
        if transactions:
            impl["transactions"] = transactions
        if milestones:
            impl["milestones"] = milestones
        con["implementation"] = impl
    release["contracts"] = [con]
    return {
        "uri": uri or f"urn:outsourcing:{oc}:{as_of.isoformat()}",
        "version": OCDS_VERSION,
        "publishedDate": _dt(as_of),
        "publisher": {"name": publisher or c.purchaser.name},
        "releases": [release],
    }


def _implementation(c: Contract, statements: Iterable[Statement], buyer: dict[str, str],
                    supplier: dict[str, str], as_of: date,
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    tx: list[dict[str, Any]] = []
    ms: list[dict[str, Any]] = []
    for st in statements:
        if st.contract_id != c.id:
            raise ModelError(f"a statement of contract {st.contract_id} is not for {c.id}",
                             field="statements", value=st.contract_id, term="结算单",
                             code="ocds.statement_mismatch", zh="结算单与合同不符")
        when = st.paid_on or st.due_on
        if st.payable > Money.ZERO and when is not None and when <= as_of:
            tx.append({"id": f"{c.id}-{st.period}", "date": _dt(when),
                       "value": _value(st.payable), "payer": buyer, "payee": supplier})
        for x in st.lines:
            if x.score is None:
                continue
            ms.append({
                "id": f"{c.id}-{st.period}-{x.line_id}", "type": "assessment",
                "title": f"{st.period} {x.service_zh}考核",
                "description": f"{x.site} {x.service_zh} 考核得分 {x.score}"
                               + ("，发出预警通知" if x.warning_notice else ""),
                "dueDate": _dt(st.span.end),
                "status": "notMet" if x.warning_notice else "met",
                **({} if x.warning_notice else {"dateMet": _dt(st.accepted_on or st.span.end)}),
            })
    return tx, ms


def _encode(obj: Any, out: list[str]) -> None:
    if isinstance(obj, Decimal):
        if not obj.is_finite():
            raise SerializationError("not a finite number", field="amount", value=str(obj),
                                     code="ocds.not_finite", zh="金额不是有限数值")
        text = format(obj, "f")
        out.append(text)
    elif isinstance(obj, Mapping):
        out.append("{")
        for i, (k, v) in enumerate(obj.items()):
            out.append(("," if i else "") + json.dumps(str(k), ensure_ascii=False) + ":")
            _encode(v, out)
        out.append("}")
    elif isinstance(obj, list | tuple):
        out.append("[")
        for i, v in enumerate(obj):
            if i:
                out.append(",")
            _encode(v, out)
        out.append("]")
    elif isinstance(obj, float):
        raise SerializationError("a float in a release package; amounts are exact",
                                 field="amount", value=obj, code="ocds.float",
                                 zh="发布包中不得出现浮点数金额")
    else:
        out.append(json.dumps(obj, ensure_ascii=False))


def dumps(package: Mapping[str, Any]) -> str:
    """The package as JSON text: Chinese kept as it is, every amount an exact number."""
    out: list[str] = []
    _encode(package, out)
    return "".join(out)


def loads(text: str) -> dict[str, Any]:
    """A package read back from JSON, numbers as exact decimals."""
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data


_SCHEMA = files(__package__) / "schema"


@cache
def _validator() -> Any:
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    package = json.loads((_SCHEMA / "release-package-schema.json").read_text("utf-8"))
    release = json.loads((_SCHEMA / "release-schema.json").read_text("utf-8"))
    registry: Registry[Any] = Registry().with_resource(
        RELEASE_SCHEMA_URL, Resource.from_contents(release, default_specification=DRAFT4))
    return Draft4Validator(package, registry=registry,
                           format_checker=Draft4Validator.FORMAT_CHECKER)


def validation_errors(package: Mapping[str, Any]) -> list[str]:
    """Every way ``package`` breaks the OCDS 1.1.5 release package schema (none: valid)."""
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(package)'}: {e.message}"
            for e in sorted(_validator().iter_errors(package), key=lambda e: list(
                map(str, e.absolute_path)))]


def validate(package: Mapping[str, Any]) -> None:
    """Raise :class:`~outsourcing.errors.SerializationError` when ``package`` is not a valid
    OCDS 1.1.5 release package (checked offline against the shipped schema)."""
    errors = validation_errors(package)
    if errors:
        raise SerializationError(
            f"not a valid OCDS 1.1.5 release package: {'; '.join(errors[:5])}"
            + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""),
            field="package", value=len(errors), citation="Open Contracting Data Standard 1.1.5",
            term="开放合同数据标准", code="ocds.invalid",
            zh=f"不符合 OCDS 1.1.5 发布包模式（{len(errors)} 处）")


@cache
def codelist(name: str) -> frozenset[str]:
    """The codes of a codelist shipped with the schema (``contractStatus``…)."""
    path = _SCHEMA / "codelists" / f"{name}.csv"
    if not path.is_file():
        raise ModelError("no such codelist", field="codelist", value=name, term="代码表",
                         code="ocds.unknown_codelist", zh=f"没有代码表 {name}")
    rows = csv.DictReader(path.read_text("utf-8").splitlines())
    return frozenset(r["Code"] for r in rows)
