"""The service's commands (服务命令): ``unit load`` records the plugin's tree, ``account`` and
``token`` go through the store's rules (an approver, not for themself), a token is printed
once and only its hash kept; ``serve`` refuses to start without a secret (``--dev`` only on
127.0.0.1) and, started, answers over HTTP with the store's accounts."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from desk_runner import Ran, run
from service_cases import appoint, found

from outsourcing.registry import Store

PW = "口令-for-the-desk-7"


@pytest.fixture(autouse=True)
def _cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTSOURCING_ARGON2_PROFILE", "CHEAPEST")


@pytest.fixture()
def office(tmp_path: Path) -> Path:
    """A registry file (desk.db) with the founding pair and an officer."""
    store = found(Store.open(tmp_path / "desk.db"))
    appoint(store, "zhao", "赵经办", ["officer", "finance"])
    store.close()
    return tmp_path


def _with_stdin(monkeypatch: pytest.MonkeyPatch, folder: Path, text: str, *args: str) -> Ran:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    return run(folder, *args)


def test_unit_load_records_the_plugins_tree_once(office: Path) -> None:
    r = run(office, "unit", "load", "NX", "--as", "wang")
    assert r.code == 0, r.err
    assert "已登记 29 个单位" in r.out
    assert "已登记 0 个单位" in run(office, "unit", "load", "NX", "--as", "li").out
    tree = json.loads(run(office, "unit", "list", "--json").out)
    assert tree[0] == {"id": "NX", "name": "宁夏回族自治区", "parent": None, "level": "region",
                       "jurisdiction": "NX"}
    assert "    NX-SZS-DWK\t大武口区（县（区））" in run(office, "unit", "list").out
    bad = run(office, "unit", "load", "NX", "--as", "zhao")
    assert bad.code == 2 and "registry.denied.role" in bad.err


def test_accounts_are_made_by_another_approver_with_a_password_from_stdin(
        office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(office, "unit", "add", "NX", "宁夏", "--level", "region", "--as", "wang"
               ).code == 0
    r = _with_stdin(monkeypatch, office, PW + "\n", "account", "add", "zhao", "--actor", "zhao",
                    "--unit", "NX", "--as", "wang")
    assert r.code == 0, r.err
    assert "已开设账户 zhao" in r.out
    short = _with_stdin(monkeypatch, office, "short\n", "account", "add", "li", "--actor",
                        "li", "--unit", "NX", "--as", "wang")
    assert short.code == 2 and "registry.password_length" in short.err
    own = _with_stdin(monkeypatch, office, PW + "\n", "account", "add", "li", "--actor", "li",
                      "--unit", "NX", "--as", "li")
    assert own.code == 2 and "registry.denied.own_account" in own.err
    listed = json.loads(run(office, "account", "list", "--json").out)
    assert [(a["login"], a["actor"], a["unit"], a["disabled"]) for a in listed] == [
        ("zhao", "zhao", "NX", False)]
    assert run(office, "account", "disable", "zhao", "--as", "li").code == 0
    assert json.loads(run(office, "account", "list", "--json").out)[0]["disabled"] is True
    store = Store.open(office / "desk.db")
    assert PW not in str(store.audit_trail()) and store.verify().ok
    store.close()


def test_a_token_is_printed_once_and_revoked_by_id(office: Path) -> None:
    assert run(office, "unit", "add", "NX", "宁夏", "--level", "region", "--as", "wang"
               ).code == 0
    r = run(office, "token", "issue", "财务系统", "--actor", "zhao", "--role", "finance",
            "--unit", "NX", "--as", "wang")
    assert r.code == 0, r.err
    secret = r.out.strip()
    token_id = secret.partition(".")[0]
    assert token_id.startswith("tok-") and "只显示这一次" in r.err
    listed = run(office, "token", "list", "--json").out
    assert secret.partition(".")[2] not in listed
    assert json.loads(listed)[0]["roles"] == ["finance"]
    wrong = run(office, "token", "issue", "x", "--actor", "zhao", "--role", "approver",
                "--unit", "NX", "--as", "wang")
    assert wrong.code == 2 and "registry.token_roles" in wrong.err
    assert run(office, "token", "revoke", token_id, "--reason", "系统下线", "--as", "li"
               ).code == 0
    assert json.loads(run(office, "token", "list", "--json").out)[0]["revoked"] is True


def test_serve_refuses_to_start_without_a_secret(office: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OUTSOURCING_SECRET", raising=False)
    monkeypatch.delenv("OUTSOURCING_SECRET_FILE", raising=False)
    r = run(office, "serve")
    assert r.code == 2 and "service.secret_missing" in r.err and "OUTSOURCING_SECRET" in r.err
    short = office / "short.key"
    short.write_text("too-short", encoding="utf-8")
    assert "service.secret_missing" in run(office, "serve", "--secret-file", str(short)).err
    public = run(office, "serve", "--dev", "--host", "0.0.0.0")
    assert public.code == 2 and "service.dev_not_local" in public.err
    missing = run(office, "serve", "--dev", db="nowhere.db")
    assert missing.code == 2 and "desk.db.missing" in missing.err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_over_http_with_the_stores_accounts(office: Path) -> None:
    store = Store.open(office / "desk.db")
    store.add_unit("NX", "宁夏", level="region", by="wang")
    store.add_account("zhao", actor="zhao", password=PW, unit="NX", by="wang")
    store.close()
    key = office / "secret.key"
    key.write_text("k" * 48, encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "OUTSOURCING_DB": str(office / "desk.db"),
           "OUTSOURCING_ARGON2_PROFILE": "CHEAPEST"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "outsourcing", "serve", "--port", str(port), "--workers", "2",
         "--secret-file", str(key), "--log-level", "warning"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(f"{base}/signin", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        page = httpx.get(f"{base}/signin")
        assert page.status_code == 200 and "登录" in page.text
        assert "secure" in page.headers["set-cookie"].lower()  # not --dev: Secure cookies
        me = httpx.get(f"{base}/api/v1/me")
        assert me.status_code == 401 and me.json()["code"] == "service.sign_in_required"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()
