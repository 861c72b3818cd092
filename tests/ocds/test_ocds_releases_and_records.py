"""OCDS 1.1.5: a release at each event, records compiled by ocdsmerge, snapshots true as of
their day, declared extensions, Chinese identifiers and 品目, validated offline by our own
jsonschema check and by libcoveocds."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ocds_cove import assert_clean, cove
from portfolio_cases import disinfection_contract, property_contract, property_timeline
from procurement_cases import property_bids, property_tender
from stdnum.cn import uscc

import outsourcing as o
from outsourcing import ocds
from outsourcing.catalogue import ProcurementItem
from outsourcing.changes import AddLine, Change, ChangeStatus, Resume, Suspend, Timeline
from outsourcing.dates import PeriodKind
from outsourcing.hookspecs import hookimpl
from outsourcing.procurement import award, evaluate

PUBLISHED = datetime(2023, 4, 1, 9, 30, tzinfo=ocds.CHINA)
BUYER_CODE = "11640000MB1576321L"


@pytest.fixture(scope="module")
def rb(registry: o.PluginHost) -> o.RuleBook:
    return registry.rulebook("NX")


def _uscc(first17: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    return first17 + uscc.calc_check_digit(first17)


def _release(pkg: dict[str, Any]) -> dict[str, Any]:
    (rel,) = pkg["releases"]
    return rel  # type: ignore[no-any-return]


def _year_statements(tl: Timeline, rb: o.RuleBook) -> list[o.Statement]:
    months = o.Period.of_year(2022).months()
    assessments = [o.Assessment(lid, m, "考核小组", m.end + timedelta(days=5),
                                metrics=[o.Metric("rounds_done_rate", "100")]
                                if lid == "disinfection" else [],
                                surveys=[] if lid == "disinfection" else
                                [o.Survey("satisfaction", 100, 97)])
                   for m in months for lid in ("property", "gym", "conference", "disinfection")
                   if any(r.overlap(m.range) for r, _ in tl.line_schedules()[lid])]
    return o.settle_term(tl, assessments, rb)


def _paid(statements: list[o.Statement], upto: int) -> list[ocds.Payment]:
    """The first ``upto`` months paid, each 20 days after its period."""
    return [ocds.Payment(f"ZF-{s.period}", str(s.period), s.payable,
                         s.span.end + timedelta(days=20))
            for s in statements[:upto] if s.payable > o.Money.ZERO]


def _compare(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Field by field, but the release's own id, date and tag."""
    skip = {"id", "date", "tag"}
    assert {k: v for k, v in a.items() if k not in skip} == {
        k: v for k, v in b.items() if k not in skip}


def _versioned_errors(record_package: dict[str, Any]) -> list[str]:
    schema = ocds.versioned_release_schema()
    v = jsonschema.Draft4Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for r in record_package["records"]
            for e in v.iter_errors(__import__("json").loads(ocds.dumps(r["versionedRelease"])))]


# --- the October 2022 property contract ---------------------------------------------------

def test_a_release_at_each_event_dated_and_tagged_as_the_event(rb: o.RuleBook) -> None:
    tl = property_timeline(rb, resume_gym=True)
    statements = _year_statements(tl, rb)
    h = ocds.history(tl, prefix="ocds-nxjg01", statements=statements,
                     payments=_paid(statements, 11))
    rs = h.releases(until=date(2023, 3, 31))
    kinds = [(r["id"].removeprefix("ocds-nxjg01-NXJG-2022-WY-001-"), r["date"][:10], r["tag"])
             for r in rs]
    assert kinds[0] == ("contract", "2021-12-20", ["award", "contract"])
    assert ("amendment-BC-2022-03", "2022-10-12", ["contractAmendment"]) in kinds
    assert ("milestones-2022-01", "2022-02-05", ["implementation"]) in kinds
    assert ("payment-ZF-2022-01", "2022-02-20", ["implementation"]) in kinds
    assert kinds[-1] == ("payment-ZF-2022-11", "2022-12-20", ["implementation"]) or (
        ("termination", "2022-12-31", ["contractTermination"]) in kinds)
    assert [r["date"] for r in rs] == sorted(r["date"] for r in rs)
    assert len({r["id"] for r in rs}) == len(rs)
    # stable: the same history publishes the same releases
    assert ocds.history(tl, prefix="ocds-nxjg01", statements=statements,
                        payments=_paid(statements, 11)).releases(until=date(2023, 3, 31)) == rs
    pkg = ocds.package(rs, publisher="宁夏回族自治区机关事务管理局", uri="urn:x",
                       published=PUBLISHED)
    assert ocds.validation_errors(pkg) == []
    amend = next(r for r in rs if r["id"].endswith("amendment-BC-2022-03"))
    (con,) = amend["contracts"]
    assert con["value"]["amount"] == Timeline(
        tl.contract, changes=[c for c in tl.signed if c.id <= "BC-2022-03"]).amount.yuan
    assert "disinfection" in [x["id"] for x in con["items"]]


def test_records_are_compiled_and_versioned_by_ocdsmerge_and_validate(rb: o.RuleBook) -> None:
    tl = property_timeline(rb, resume_gym=True)
    statements = _year_statements(tl, rb)
    rs = ocds.history(tl, prefix="ocds-nxjg01", statements=statements,
                      payments=_paid(statements, 12)).releases(until=date(2023, 3, 31))
    rp = ocds.record_package(rs, publisher="宁夏回族自治区机关事务管理局", uri="urn:x",
                             published=PUBLISHED)
    assert ocds.validation_errors(rp) == []
    assert _versioned_errors(rp) == []
    (rec,) = rp["records"]
    values = [v["value"] for v in rec["versionedRelease"]["contracts"][0]["value"]["amount"]]
    assert values[0] == property_contract().original_amount.yuan
    assert values[-1] == tl.amount.yuan and len(set(values)) > 1  # the value changed


def test_the_snapshot_is_true_as_of_its_day(rb: o.RuleBook) -> None:
    tl = property_timeline(rb, resume_gym=True)
    statements = _year_statements(tl, rb)
    pkg = ocds.release_package(tl, as_of=date(2022, 1, 15), statements=statements,
                               published=PUBLISHED)
    con = _release(pkg)["contracts"][0]
    assert [x["id"] for x in con["items"]] == ["property", "gym", "conference"]
    assert con["value"]["amount"] == property_contract().original_amount.yuan
    assert "amendments" not in con and "implementation" not in con
    assert con["status"] == "active"
    later = _release(ocds.release_package(tl, as_of=date(2022, 11, 15), statements=statements,
                                          published=PUBLISHED))["contracts"][0]
    for m in later["implementation"]["milestones"]:
        assert m.get("dateMet", "") <= "2022-11-15T23:59:59+08:00"
    assert "disinfection" in [x["id"] for x in later["items"]]
    assert "transactions" not in later["implementation"]  # nothing paid


def test_transactions_only_for_payments_made(rb: o.RuleBook) -> None:
    tl = property_timeline(rb)
    statements = _year_statements(tl, rb)
    assert all(s.due_on is None or s.payable > o.Money.ZERO for s in statements)
    none = _release(ocds.release_package(tl, as_of=date(2023, 3, 31), statements=statements,
                                         published=PUBLISHED))
    assert "transactions" not in none["contracts"][0]["implementation"]
    paid = [*_paid(statements, 3),
            ocds.Payment("ZH-1", "2022-01", o.Money("-100.00"), date(2022, 5, 1))]
    rel = _release(ocds.release_package(tl, as_of=date(2022, 4, 30), statements=statements,
                                        payments=paid, published=PUBLISHED))
    txs = rel["contracts"][0]["implementation"]["transactions"]
    assert [t["id"] for t in txs] == ["ZF-2022-01", "ZF-2022-02", "ZF-2022-03"]
    assert sum(t["value"]["amount"] for t in txs) == o.Money.sum(
        s.payable for s in statements[:3]).yuan
    rec = _release(ocds.release_package(tl, as_of=date(2022, 5, 1), statements=statements,
                                        payments=paid, published=PUBLISHED))
    back = rec["contracts"][0]["implementation"]["transactions"][-1]
    assert back["payer"]["name"] == "宁夏某物业服务有限公司"  # a recovery: the supplier pays back
    assert back["value"]["amount"] == Decimal("100.00")


def test_prose_is_chinese_and_dates_are_china_time(rb: o.RuleBook) -> None:
    tl = property_timeline(rb, resume_gym=True)
    rel = _release(ocds.release_package(tl, as_of=date(2022, 12, 31), published=PUBLISHED,
                                        license="https://creativecommons.org/licenses/by/4.0/",
                                        publication_policy="https://jgswj.nx.gov.cn/ocds"))
    con = rel["contracts"][0]
    texts = [con["title"], con["description"], *(a["description"] for a in con["amendments"]),
             *(a["rationale"] for a in con["amendments"]),
             *(x["description"] for x in con["items"]),
             *(x["classification"]["description"] for x in con["items"]),
             *(x["unit"]["name"] for x in con["items"])]
    for t in texts:
        assert not re.search(r"[A-Za-z]{2,}", t), t
    assert con["amendments"][0]["description"] == (
        "中止服务项目「自治区政府办公区 健身中心管理」，至恢复履行，自 2022-10-08 起生效")
    assert con["period"]["endDate"] == "2022-12-31T23:59:59+08:00"
    assert con["period"]["startDate"] == "2022-01-01T00:00:00+08:00"
    pkg = ocds.release_package(tl, as_of=date(2022, 12, 31), published=PUBLISHED,
                               license="https://creativecommons.org/licenses/by/4.0/",
                               publication_policy="https://jgswj.nx.gov.cn/ocds")
    assert pkg["publishedDate"] == "2023-04-01T09:30:00+08:00"
    assert pkg["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert pkg["publicationPolicy"] == "https://jgswj.nx.gov.cn/ocds"
    assert ocds.validation_errors(pkg) == []
    now = ocds.release_package(tl, as_of=date(2022, 12, 31))["publishedDate"]
    assert now[:4] >= "2026" and now.endswith("+08:00")  # the time of publication
    with pytest.raises(o.ModelError) as e:
        ocds.release_package(tl, as_of=date(2022, 12, 31), published=datetime(2023, 1, 1))
    assert e.value.code == "ocds.published"


# --- regressions -----------------------------------------------------------------------------

def test_contracts_priced_per_year_per_term_and_per_square_metre_publish(rb: o.RuleBook) -> None:
    c = attrs.evolve(property_contract(), lines=[
        o.ServiceLine("yearly", "property", "甲办公区", o.AnnualFee("1440000.00"), "年服务费"),
        o.ServiceLine("area", "cleaning", "乙办公区", o.AreaRate("12000", "3.50"), "按面积保洁"),
        o.ServiceLine("area_y", "greening", "乙办公区",
                      o.AreaRate("5000", "24.00", per="year"), "绿化养护"),
        o.ServiceLine("total", "elevator_maintenance", "甲办公区",
                      o.TermTotal("286500.05", o.DateRange(date(2022, 1, 1), date(2022, 12, 31))),
                      "电梯维保合同总价"),
    ], budget=None)
    pkg = ocds.release_package(c, as_of=date(2022, 6, 30), published=PUBLISHED)
    assert ocds.validation_errors(pkg) == []
    units = {x["id"]: (x["quantity"], x["unit"]["name"], x["unit"]["value"]["amount"])
             for x in _release(pkg)["contracts"][0]["items"]}
    assert units == {
        "yearly": (Decimal(1), "年（年服务费）", Decimal("1440000.00")),
        "area": (Decimal(12000), "平方米·月", Decimal("3.50")),
        "area_y": (Decimal(5000), "平方米·年", Decimal("24.00")),
        "total": (Decimal(1), "期（合同总价）", Decimal("286500.05")),
    }
    assert_clean(cove(pkg))


@pytest.mark.parametrize("size, scale", [("large", "large"), ("medium", "medium"),
                                         ("small", "small"), ("micro", "micro")])
def test_enterprise_size_maps_to_the_party_scale_extension(size: str, scale: str) -> None:
    c = attrs.evolve(disinfection_contract(),
                     supplier=o.Supplier("S-1", "某公司", size))
    pkg = ocds.release_package(c, as_of=date(2022, 10, 1), published=PUBLISHED)
    assert pkg["extensions"] == list(ocds.EXTENSIONS.values())
    (sup,) = [p for p in _release(pkg)["parties"] if "supplier" in p["roles"]]
    assert sup["details"]["scale"] == scale
    assert scale in ocds.codelist("partyScale")
    assert ocds.validation_errors(pkg) == []


def test_identifiers_are_cn_usci_and_the_buyer_needs_one() -> None:
    code = _uscc("91640100MA76ABCD1")
    c = attrs.evolve(disinfection_contract(),
                     supplier=o.Supplier("S-1", "某公司", "small", credit_code=code))
    rel = _release(ocds.release_package(c, as_of=date(2022, 10, 1), published=PUBLISHED))
    buyer, sup = rel["parties"][:2]
    assert buyer["identifier"] == {"scheme": "CN-USCI", "id": BUYER_CODE,
                                   "legalName": "宁夏回族自治区机关事务管理局"}
    assert rel["buyer"]["id"] == buyer["id"] == f"CN-USCI-{BUYER_CODE}"
    assert sup["identifier"]["scheme"] == "CN-USCI" and sup["identifier"]["id"] == code
    nobody = attrs.evolve(c, purchaser=o.Purchaser("P", "某局"))
    with pytest.raises(o.ModelError) as e:
        ocds.release_package(nobody, as_of=date(2022, 10, 1))
    assert e.value.code == "ocds.buyer_identifier"
    assert "统一社会信用代码" in e.value.message_zh


def test_a_wrong_check_character_is_refused_before_publication() -> None:
    with pytest.raises(o.ModelError) as e:
        o.Supplier("S-1", "某公司", "small", credit_code=_uscc("91640100MA76ABCD1")[:-1] + "2")
    assert e.value.code == "model.credit_code.checksum"


def test_an_unsigned_contract_with_payments_is_refused_not_silently_dropped() -> None:
    c = attrs.evolve(disinfection_contract(), signed_on=None)
    assert ocds.history(c).releases(until=date(2023, 1, 1)) == []
    paid = [ocds.Payment("ZF-1", "2022-10", o.Money("1.00"), date(2022, 11, 1))]
    with pytest.raises(o.ModelError) as e:
        ocds.history(c, payments=paid)
    assert e.value.code == "ocds.unsigned" and "签订日期" in e.value.message_zh


def test_two_statements_of_one_period_or_two_payments_with_one_id_are_refused(
        rb: o.RuleBook) -> None:
    tl = property_timeline(rb)
    statements = _year_statements(tl, rb)
    with pytest.raises(o.ModelError) as e:
        ocds.history(tl, statements=[statements[0], statements[0]])
    assert e.value.code == "ocds.statement_duplicate"
    twice = [ocds.Payment("ZF-1", "2022-01", o.Money("1.00"), date(2022, 3, 1))] * 2
    with pytest.raises(o.ModelError) as e:
        ocds.history(tl, payments=twice)
    assert e.value.code == "ocds.payment_duplicate"


def test_validate_refuses_a_float_amount() -> None:
    pkg = ocds.release_package(disinfection_contract(), as_of=date(2022, 10, 1),
                               published=PUBLISHED)
    _release(pkg)["contracts"][0]["value"]["amount"] = 84000.0
    with pytest.raises(o.SerializationError) as e:
        ocds.validate(pkg)
    assert e.value.code == "ocds.float"
    assert "releases/0/contracts/0/value/amount" in str(e.value)


def test_items_are_classified_by_the_procurement_catalogue(rb: o.RuleBook) -> None:
    rel = _release(ocds.release_package(property_timeline(rb), as_of=date(2022, 12, 31),
                                        published=PUBLISHED))
    cls = {x["id"]: x["classification"] for x in rel["contracts"][0]["items"]}
    assert cls["disinfection"] == {"scheme": ocds.ITEM_SCHEME, "id": "C21040000",
                                   "description": "物业管理服务"}  # 消毒 → 保洁 → 物业


def test_a_plugin_maps_a_service_to_its_item_through_the_hook() -> None:
    class Bureau:
        @hookimpl
        def outsourcing_procurement_items(self) -> list[ProcurementItem]:
            return [ProcurementItem("gym_management", "C21040000", "物业管理服务",
                                    confirmed=True),
                    ProcurementItem("canteen", "C22010000", "餐饮服务", confirmed=True)]

    reg = o.load(extra=[("bureau", Bureau())])
    assert reg.catalogue.procurement_item("canteen").source == "bureau"
    assert reg.catalogue.procurement_item("canteen").confirmed
    assert reg.catalogue.procurement_item("disinfection").code == "C21040000"

    class Wrong:
        @hookimpl
        def outsourcing_procurement_items(self) -> list[ProcurementItem]:
            return [ProcurementItem("no_such_service", "C99000000", "无")]

    with pytest.raises(o.PluginError):
        o.load(extra=[("wrong", Wrong())])


# --- the examples, through libcoveocds run offline ------------------------------------------

def test_libcoveocds_finds_no_error_in_the_examples_releases_and_records(rb: o.RuleBook
                                                                         ) -> None:
    tl = property_timeline(rb, resume_gym=True)
    statements = _year_statements(tl, rb)
    t = property_tender(date(2022, 8, 1))
    aw = award(evaluate(t, property_bids(), rb), rb, contract_id="NXJG-2022-WY-002",
               notified_on=date(2022, 8, 5), signed_on=date(2022, 8, 20))
    histories = [
        ocds.history(tl, prefix="ocds-nxjg01", statements=statements,
                     payments=_paid(statements, 12)),
        ocds.history(aw.contract, prefix="ocds-nxjg01", award=aw),
        ocds.history(disinfection_contract(), prefix="ocds-nxjg01"),
    ]
    rs = [r for h in histories for r in h.releases(until=date(2023, 3, 31))]
    for pkg in (ocds.package(rs, publisher="宁夏回族自治区机关事务管理局", uri="urn:x",
                             published=PUBLISHED),
                ocds.record_package(rs, publisher="宁夏回族自治区机关事务管理局", uri="urn:x",
                                    published=PUBLISHED)):
        assert ocds.validation_errors(pkg) == []
        assert_clean(cove(pkg))
    assert _versioned_errors(ocds.record_package(rs, publisher="局", uri="urn:x")) == []


def test_libcoveocds_finds_no_error_in_the_office_area_examples_four_contracts(
        rb: o.RuleBook) -> None:
    import runpy
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "october_2022_office_area.py"
    ns = runpy.run_path(str(example), run_name="example")
    timelines = [ns["property_timeline"](rb), *ns["other_contracts"]()]
    rs = [r for t in timelines
          for r in ocds.history(t, prefix="ocds-nxjg01").releases(until=date(2023, 3, 31))]
    assert len({r["ocid"] for r in rs}) == 4
    for pkg in (ocds.package(rs, publisher="宁夏回族自治区机关事务管理局", uri="urn:x",
                             published=PUBLISHED),
                ocds.record_package(rs, publisher="宁夏回族自治区机关事务管理局", uri="urn:x",
                                    published=PUBLISHED)):
        assert ocds.validation_errors(pkg) == []
        assert_clean(cove(pkg))


def test_award_from_procurement_publishes_tender_award_and_contract(rb: o.RuleBook) -> None:
    t = property_tender(date(2022, 8, 1))
    aw = award(evaluate(t, property_bids(), rb), rb, contract_id="NXJG-2022-WY-002",
               notified_on=date(2022, 8, 5), signed_on=date(2022, 8, 20))
    rs = ocds.history(aw.contract, award=aw).releases(until=date(2022, 9, 1))
    assert [(r["tag"], r["date"][:10]) for r in rs] == [
        (["planning", "tender"], t.evaluated_on.isoformat()), (["award"], "2022-08-05"),
        (["contract"], "2022-08-20")]
    rel = _release(ocds.release_package(aw.contract, as_of=date(2022, 9, 1), award=aw,
                                        published=PUBLISHED))
    assert rel["planning"]["budget"]["amount"]["amount"] == Decimal("3200000.00")
    tender = rel["tender"]
    assert (tender["procurementMethod"], tender["procurementMethodDetails"]) == ("open", "公开招标")
    assert tender["numberOfTenderers"] == 3
    assert rel["awards"][0]["id"] == rel["contracts"][0]["awardID"] == "NXZC-2022-WY-01-award"
    assert rel["contracts"][0]["status"] == "active"
    with pytest.raises(o.ModelError) as e:
        ocds.release_package(aw.contract, as_of=date(2022, 7, 1), award=aw)
    assert e.value.code == "ocds.nothing_published"


def test_an_invalid_package_is_refused_naming_the_path() -> None:
    pkg = ocds.release_package(disinfection_contract(), as_of=date(2022, 10, 1))
    _release(pkg)["contracts"][0]["status"] = "finished"
    with pytest.raises(o.SerializationError) as err:
        ocds.validate(pkg)
    assert err.value.code == "ocds.invalid"
    assert "releases/0/contracts/0/status" in str(err.value)


def test_exported_codes_are_in_the_shipped_codelists(rb: o.RuleBook) -> None:
    rel = _release(ocds.release_package(property_timeline(rb), as_of=date(2022, 11, 1)))
    assert set(rel["tag"]) <= ocds.codelist("releaseTag")
    assert rel["contracts"][0]["status"] in ocds.codelist("contractStatus")
    roles = {r for p in rel["parties"] for r in p["roles"]}
    assert roles <= ocds.codelist("partyRole")


def test_only_the_standards_own_files_ship_and_the_extension_is_our_patch() -> None:
    from importlib.resources import files

    root = files("outsourcing.ocds") / "schema"
    shipped = {p.name for p in root.iterdir() if p.is_file()} | {
        f"codelists/{p.name}" for p in (root / "codelists").iterdir()}
    assert shipped == {"LICENSE", "release-schema.json", "release-package-schema.json",
                       *(f"codelists/{n}.csv" for n in ("contractStatus", "milestoneStatus",
                                                        "milestoneType", "partyRole",
                                                        "releaseTag"))}
    assert "1__1__5" in (root / "release-schema.json").read_text("utf-8")
    scale = ocds.release_schema()["definitions"]["Organization"]["properties"]["details"][
        "properties"]["scale"]
    assert scale["codelist"] == "partyScale.csv" and scale["openCodelist"] is False
    assert scale["enum"] == ["micro", "sme", "small", "medium", "large", None]
    assert "scale" not in str(ocds.standard_release_schema()["definitions"]["Organization"])


def test_a_closed_codelist_is_its_fields_enum() -> None:
    from importlib.resources import files

    root = files("outsourcing.ocds") / "schema" / "codelists"
    closed = ocds.closed_codelists(ocds.standard_release_schema())
    # the standard's own closed codelist files list exactly the codes of the schema's enums
    for name in ("contractStatus", "milestoneStatus", "releaseTag"):
        codes = {line.split(",")[0] for line in
                 (root / f"{name}.csv").read_text("utf-8").splitlines()[1:]}
        assert set(closed[f"{name}.csv"]) == codes == ocds.codelist(name)
    assert ocds.codelist("method") == {"open", "selective", "limited", "direct"}
    assert "CNY" in ocds.codelist("currency") and "RMB" not in ocds.codelist("currency")
    assert ocds.codelist("partyScale") == {"micro", "sme", "small", "medium", "large"}
    assert "partyScale.csv" not in closed  # the extension's, not the standard's
    with pytest.raises(o.ModelError) as err:  # open, and not shipped
        ocds.codelist("awardCriteria")
    assert err.value.code == "ocds.unknown_codelist"


def test_the_record_package_schema_takes_linked_or_embedded_releases() -> None:
    rs = ocds.history(disinfection_contract(), prefix="ocds-nxjg01").releases(
        until=date(2023, 1, 31))
    rp = ocds.record_package(rs, publisher="局", uri="urn:x", published=PUBLISHED)
    assert ocds.validation_errors(rp) == []
    (rec,) = rp["records"]
    rec["releases"] = [{"url": f"https://example.org/p.json#{r['id']}", "date": r["date"],
                        "tag": r["tag"]} for r in rs]
    assert ocds.validation_errors(rp) == []
    rec["releases"][0]["tag"] = ["signed"]
    assert any(e.startswith("records/0/releases") for e in ocds.validation_errors(rp))
    del rec["ocid"]
    assert any("'ocid' is a required property" in e for e in ocds.validation_errors(rp))
    assert ocds.validation_errors({**rp, "records": []}) != []  # minItems 1


def test_libcoveocds_checks_closed_codes_against_the_generated_codelists() -> None:
    pkg = ocds.release_package(disinfection_contract(), as_of=date(2022, 10, 1))
    rel = _release(pkg)
    rel["contracts"][0]["status"] = "finished"
    next(p for p in rel["parties"] if "supplier" in p["roles"])["details"]["scale"] = "giant"
    report = cove(pkg)
    closed = report["additional_closed_codelist_values"]
    assert closed["releases/contracts/status"]["values"] == ["finished"]
    assert closed["releases/parties/details/scale"]["values"] == ["giant"]
    assert closed["releases/parties/details/scale"]["extension_codelist"] is True


# --- 200 random contracts ----------------------------------------------------------------

SERVICES = ["property", "cleaning", "security", "gym_management", "conference",
            "elevator_maintenance", "fire_maintenance", "canteen", "greening"]


def random_timeline(rng: random.Random, i: int) -> Timeline:
    start = date(2021, 1, 1) + timedelta(days=rng.randrange(0, 700))
    end = start + timedelta(days=rng.randrange(30, 1000))
    lines = []
    for k in range(rng.randrange(1, 5)):
        kind = rng.choice(["fixed", "unit", "lpm"])
        fee = f"{rng.randrange(100, 300000)}.{rng.randrange(100):02d}"
        pricing: o.FixedMonthly | o.UnitRate | o.LabourPlusMaterials
        if kind == "fixed":
            pricing = o.FixedMonthly(fee, str(rng.randrange(1, 9)))
        elif kind == "unit":
            pricing = o.UnitRate(fee, str(rng.randrange(1, 50)), "次")
        else:
            pricing = o.LabourPlusMaterials(fee, f"{rng.randrange(0, 50000)}")
        lines.append(o.ServiceLine(f"L{k}", rng.choice(SERVICES), rng.choice("ABC") + "办公区",
                                   pricing, rng.choice(["", "日常服务", "含夜间值守"])))
    c = o.Contract(
        f"R-{i:03d}", f"随机合同{i}", "NX", o.Purchaser(f"P{i % 7}", f"某机关事务管理局{i % 7}",
                                         _uscc(f"11640000MB000000{i % 7}")),
        o.Supplier(f"S{i}", f"某服务公司{i}", rng.choice(list(o.EnterpriseSize)),
                   credit_code=rng.choice(["", _uscc(f"91640100MA7{i:06d}")])),
        o.DateRange(start, end), lines,
        signed_on=rng.choice([None, start - timedelta(days=rng.randrange(1, 30))]))
    changes: list[Change] = []
    if rng.random() < 0.6 and c.term.days > 10:
        eff = start + timedelta(days=rng.randrange(1, c.term.days - 5))
        lid = lines[0].id
        changes.append(Change("C1", Suspend(lid), "force_majeure", "暂停服务", eff, "局"))
        if rng.random() < 0.5:
            changes.append(Change("C2", Resume(lid), "force_majeure", "恢复服务",
                                  eff + timedelta(days=rng.randrange(1, 4)), "局"))
        if rng.random() < 0.5:
            changes.append(Change("C3", AddLine(o.ServiceLine(
                "X", "disinfection", "A办公区", o.FixedMonthly("1000.00"), "增加消杀")),
                "force_majeure", "增加消杀", eff, "局"))
    signed = [attrs.evolve(ch, status=ChangeStatus.SIGNED, signed_on=ch.effective,
                           approved_by="局务会议") for ch in changes]
    return Timeline(c, signed)


def random_statements(rng: random.Random, tl: Timeline, rb: o.RuleBook) -> list[o.Statement]:
    """Up to four months settled, each running line scored on the certified staff rate."""
    from outsourcing.portfolio import CERTIFIED_STAFF_KPI

    first = o.Period.containing(tl.contract.term.start, PeriodKind.MONTH)
    months = [first]
    while len(months) < 4 and months[-1].next().start <= tl.term.end:
        months.append(months[-1].next())
    sched = tl.line_schedules()
    assessments = [o.Assessment(lid, m, "考核小组", m.end + timedelta(days=3), metrics=[
        o.Metric("certified_staff_rate", str(rng.randrange(60, 101)))])
        for m in months for lid, pieces in sched.items()
        if any(r.overlap(m.range) for r, _ in pieces)]
    return o.settle_term(tl, assessments, rb, upto=months[-1],
                         kpis={lid: [CERTIFIED_STAFF_KPI] for lid in sched})


def _random_payments(rng: random.Random, statements: list[o.Statement]) -> list[ocds.Payment]:
    return [ocds.Payment(f"ZF-{s.period}", str(s.period), s.payable,
                         s.span.end + timedelta(days=rng.randrange(1, 60)))
            for s in statements if s.payable > o.Money.ZERO and rng.random() < 0.7]


def test_200_random_contracts_export_valid_packages(rb: o.RuleBook) -> None:
    rng = random.Random(20221021)
    with_payments = published = 0
    for i in range(200):
        tl = random_timeline(rng, i)
        statements = random_statements(rng, tl, rb) if i % 10 == 0 else []
        as_of = tl.contract.term.start + timedelta(days=rng.randrange(0, 1200))
        payments = _random_payments(rng, statements)
        if tl.contract.signed_on is None:
            if tl.signed or statements or payments:
                with pytest.raises(o.ModelError):
                    ocds.history(tl, statements=statements, payments=payments)
            else:
                assert ocds.history(tl).releases(until=as_of) == []
            continue
        h = ocds.history(tl, prefix="ocds-test01", statements=statements, payments=payments)
        published += 1
        pkg = ocds.package([h.snapshot(as_of)], publisher="局", uri="urn:x",
                           published=PUBLISHED)
        assert ocds.validation_errors(pkg) == [], tl.contract.id
        assert ocds.loads(ocds.dumps(pkg)) == pkg
        impl = _release(pkg)["contracts"][0].get("implementation", {})
        with_payments += bool(impl.get("transactions"))
        if i % 10 == 0:
            rp = ocds.record_package(h.releases(until=as_of), publisher="局", uri="urn:x",
                                     published=PUBLISHED)
            assert ocds.validation_errors(rp) == [], tl.contract.id
    assert published >= 80 and with_payments >= 5


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), day=st.integers(-30, 800))
def test_a_snapshot_equals_the_record_compiled_from_the_releases_up_to_its_day(
        rb: o.RuleBook, seed: int, day: int) -> None:
    rng = random.Random(seed)
    tl = random_timeline(rng, seed % 1000)
    if tl.contract.signed_on is None:
        tl = Timeline(attrs.evolve(tl.contract, signed_on=tl.contract.term.start),
                      tl.changes)
    statements = random_statements(rng, tl, rb) if seed % 3 == 0 else []
    h = ocds.history(tl, prefix="ocds-test01", statements=statements,
                     payments=_random_payments(rng, statements))
    as_of = tl.contract.term.start + timedelta(days=day)
    rs = h.releases(until=as_of)
    if not rs:
        with pytest.raises(o.ModelError):
            h.snapshot(as_of)
        return
    (record,) = ocds.records(rs)
    _compare(h.snapshot(as_of), record["compiledRelease"])
