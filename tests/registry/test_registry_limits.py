"""The same limits on both databases (issue 22): ids and names are checked by the library
before the database — length, NFC, control and invisible characters — so no driver error
(``DataError``, ``IntegrityError``, ``OperationalError``) ever reaches a user, and a refusal
is recorded even for an actor id that is not a valid one."""

from __future__ import annotations

import attrs
import pytest
from registry_cases import contract, staffed

from outsourcing._validators import MAX_ID_CHARS, MAX_NAME_CHARS, clean_text, identifier
from outsourcing.errors import AccessDenied, ModelError, RegistryError


@pytest.mark.parametrize("bad", ["x" * (MAX_ID_CHARS + 1), "a\x00b", "a\u200bb", "a\u202eb",
                                 " lead", "tail ", "", "  ", "a\nb", "\ufeffa"])
def test_an_id_over_the_limit_or_with_a_control_or_invisible_character_is_refused(
        bad: str) -> None:
    with pytest.raises(ModelError) as e:
        identifier(bad, field="id", term="编号")
    assert e.value.code == "model.bad_id"
    assert "编号" in e.value.message_zh


def test_an_id_is_nfc_normalised_and_the_limit_is_exactly_the_documented_one() -> None:
    assert identifier("Cafe\u0301", field="id", term="编号") == "Caf\u00e9"
    assert identifier("x" * MAX_ID_CHARS, field="id", term="编号") == "x" * MAX_ID_CHARS
    assert clean_text("王\u3000审批", field="n", term="姓名", kind="name") == "王\u3000审批"
    with pytest.raises(ModelError):
        clean_text("n" * (MAX_NAME_CHARS + 1), field="n", term="姓名", kind="name")
    assert clean_text("第一行\n第二行", field="r", term="理由", kind="note") == "第一行\n第二行"


@pytest.mark.parametrize("bad", ["C" * (MAX_ID_CHARS + 1), "NX\x00-1", "NX\u200b-1"])
def test_a_bad_contract_id_is_a_registry_error_on_both_databases(db_url: str, bad: str
                                                                 ) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    for call in (lambda: r.statement(bad, "2022-01"), lambda: r.contract(bad),
                 lambda: r.settle(bad, "2022-01", by="sun"),
                 lambda: r.assessments(bad, "2022-01"),
                 lambda: r.due(__import__("datetime").date(2022, 3, 1), contract_id=bad)):
        with pytest.raises(RegistryError) as e:
            call()
        assert e.value.code == "registry.bad_id"
    with pytest.raises(RegistryError) as e:
        r.add_contract(attrs.evolve(contract(), id=bad), by="zhao")
    assert e.value.code == "registry.bad_id"
    assert r.verify().ok


@pytest.mark.parametrize("bad", ["a" * 500, "evil\x00", "zw\u200bj"])
def test_an_invalid_actor_id_is_refused_and_the_refusal_is_recorded_bounded(
        db_url: str, bad: str) -> None:
    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    with pytest.raises(AccessDenied) as e:
        r.settle("NX-2022-001", "2022-01", by=bad)
    assert e.value.code == "registry.denied.unknown_actor"
    last = r.audit_trail()[-1]
    assert last.action == "denied:settle"
    assert last.actor.startswith("?") and len(last.actor) == 17
    assert r.verify().ok


def test_an_unknown_but_valid_actor_is_recorded_by_its_id(db_url: str) -> None:
    r = staffed(db_url)
    with pytest.raises(AccessDenied):
        r.settle("NX-2022-001", "2022-01", by="nobody")
    assert r.audit_trail()[-1].actor == "nobody"


def test_actor_ids_and_names_have_the_same_limits_on_both_databases(db_url: str) -> None:
    r = staffed(db_url)
    longest = "a" * MAX_ID_CHARS
    assert r.add_actor(longest, "名" * MAX_NAME_CHARS, ["finance"], by="wang").id == longest
    assert r.confirm_actor(longest, by="li").id == longest
    for aid, name in (("a" * (MAX_ID_CHARS + 1), "x"), ("ok", "名" * (MAX_NAME_CHARS + 1)),
                      ("nul\x00", "x"), ("ok2", "bad\x07name")):
        with pytest.raises(RegistryError) as e:
            r.add_actor(aid, name, ["finance"], by="wang")
        assert e.value.code in ("registry.bad_id", "registry.bad_name")
    # an id typed in another normal form finds the same actor
    r.add_actor("zhou\u00e9", "周", ["finance"], by="wang")
    r.confirm_actor("zhoue\u0301", by="li")
    assert r.actor("zhoue\u0301").id == "zhou\u00e9"
    assert r.verify().ok


def test_a_contract_whose_ids_are_not_in_nfc_form_is_refused(db_url: str) -> None:
    r = staffed(db_url)
    with pytest.raises(RegistryError) as e:
        r.add_contract(attrs.evolve(contract(), id="NXe\u0301-1"), by="zhao")
    assert e.value.code == "registry.bad_id_nfc" and "NFC" in e.value.message_zh


def test_the_desk_refuses_an_overlong_or_nul_id_with_exit_2_on_both_databases(
        db_url: str) -> None:
    import contextlib
    import io

    from outsourcing.cli import main

    r = staffed(db_url)
    r.add_contract(contract(), by="zhao")
    for args in (["statement", "show", "C" * (MAX_ID_CHARS + 1), "2022-01"],
                 ["settle", "2022-01", "--contract", "NX-2022-001", "--as", "su\x00n"],
                 ["pay", "NX\x00", "2022-01", "1.00", "--as", "sun"]):
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main([*args, "--db", db_url])
        assert code == 2, args
        shown = err.getvalue()
        assert shown.startswith("outsourcing: 错误：") and "Traceback" not in shown
    assert r.audit_trail()[-1].action == "denied:settle" and r.verify().ok
