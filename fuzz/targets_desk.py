"""Fuzz targets: the desk's surfaces — the command line against a registry, a timeline's
JSON and the OCDS export (业务台模糊测试).

- ``cli_registry``: ``outsourcing.cli.main`` in this process against a copy of a small
  registry (a temporary SQLite file: four actors, a contract, a settled month), each input a
  command line built from the desk's own commands and mutated — a token replaced by a hostile
  one (a wrong day, month 13, Arabic-Indic digits, an overlong or NUL id, a huge number,
  ``--help``), a token dropped, an unknown option added — with the files it names (a
  contract's JSON, mutated or nested deep; a workbook) written beside it.  A crash is an exit
  status other than 0, 1 and 2, ``internal error`` or a traceback printed, or an exception
  escaping ``main``.
- ``timeline_json``: a contract with signed and pending changes in the library's JSON,
  mutated; what reads is settled for a month.
- ``ocds_export``: a generated contract (hostile text in its names) and its statement
  published as an OCDS release package, which must validate against the schema and read
  back.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from attempts import ROOT, attempt
from generators import contracts
from hypothesis import strategies as st
from mutations import mostly, mutated

import outsourcing as o
from outsourcing.dates import PeriodKind
from outsourcing.serialize import from_json, to_json

sys.path.insert(0, str(ROOT / "tests"))

__all__ = ["TARGETS"]


class CommandCrashed(Exception):
    """The command line ended outside its exit statuses, or printed an internal error."""


# --- the registry every command line starts from ------------------------------------------------
def _share_plugins() -> None:
    """Every module's ``load`` of the plugins returns the run's one plugin host: what is
    fuzzed is how the commands handle their input, not the loading of the plugins."""
    from targets import registry

    import outsourcing.cli  # noqa: F401  (imports the commands' modules)
    from outsourcing import plugins

    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("outsourcing") and getattr(
                module, "load", None) is plugins.load:
            module.load = registry  # type: ignore[attr-defined]


def _run(folder: Path, db: Path, argv: list[str]) -> tuple[int, str]:
    from outsourcing.cli import main

    _share_plugins()  # modules imported by the last command too

    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    saved = {k: os.environ.get(k) for k in ("OUTSOURCING_DB", "OUTSOURCING_ACTOR")}
    os.environ["OUTSOURCING_DB"] = str(db)
    os.environ.pop("OUTSOURCING_ACTOR", None)
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.chdir(here)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return code, out.getvalue() + err.getvalue()


def _seed_registry(folder: Path) -> Path:
    """``desk.db``: wang and li approvers, zhao officer and assessor, sun finance; the
    October example contract recorded and its October settled."""
    from desk_cases import contract

    db = folder / "desk.db"
    (folder / "c.json").write_text(to_json(contract()), encoding="utf-8")
    steps = [["init", "--actor", "wang", "--name", "王审批"]]
    for aid, name, roles in (("li", "李审批", ["approver"]),
                             ("zhao", "赵经办", ["officer", "assessor"]),
                             ("sun", "孙财务", ["finance"])):
        steps.append(["actor", "add", aid, name, *[x for r in roles for x in ("--role", r)],
                      "--as", "wang"])
        steps.append(["actor", "confirm", aid, "--as", "li"])
    steps += [["contract", "add", "c.json", "--as", "zhao"],
              ["assess", "template", "NXJG-2022-WY-001", "2022-10", "-o", "a.xlsx"],
              ["settle", "2022-10", "--all", "--as", "zhao"]]
    for argv in steps:
        code, text = _run(folder, db, argv)
        if code not in (0, 1):
            raise RuntimeError(f"seeding the registry: {argv}: exit {code}: {text[:300]}")
    return db


COMMANDS: list[list[str]] = [
    ["contract", "list"], ["contract", "list", "--json"],
    ["contract", "show", "NXJG-2022-WY-001"],
    ["contract", "show", "NXJG-2022-WY-001", "--json"],
    ["contract", "add", "{json}", "--as", "zhao"], ["contract", "check", "{json}"],
    ["contract", "template", "-o", "t.xlsx"],
    ["contract", "export", "NXJG-2022-WY-001", "-o", "e.xlsx"],
    ["change", "propose", "NXJG-2022-WY-001", "{json}", "--as", "zhao"],
    ["change", "headroom", "NXJG-2022-WY-001"],
    ["assess", "template", "NXJG-2022-WY-001", "2022-10", "-o", "a2.xlsx"],
    ["assess", "import", "NXJG-2022-WY-001", "2022-10", "a.xlsx", "--as", "zhao"],
    ["settle", "2022-10", "--all", "--as", "zhao"],
    ["settle", "2022-11", "--contract", "NXJG-2022-WY-001", "--as", "zhao"],
    ["settle", "{json}", "--period", "2022-10"],
    ["accept", "NXJG-2022-WY-001", "2022-10", "--on", "2022-11-05", "--as", "wang"],
    ["pay", "NXJG-2022-WY-001", "2022-10", "1000.00", "--on", "2022-12-01", "--as", "sun"],
    ["due", "--on", "2022-12-31"], ["due", "--json", "--every"],
    ["statement", "show", "NXJG-2022-WY-001", "2022-10"],
    ["statement", "show", "NXJG-2022-WY-001", "2022-10", "--version", "1"],
    ["statement", "history", "NXJG-2022-WY-001", "2022-10", "--json"],
    ["statement", "export", "2022-10", "--xlsx", "s.xlsx"],
    ["usage", "show", "NXJG-2022-WY-001", "2022-10"],
    ["audit", "verify"], ["actor", "list"], ["rules", "NX"], ["rules", "CN", "--on", "2022-10-01"],
    ["ocds", "--contract", "NXJG-2022-WY-001", "--to", "2022-10-31", "-o", "o.json"],
    ["--help"], ["contract", "--help"], ["change", "--help"], ["settle", "--help"],
    ["accept", "--help"], ["statement", "show", "--help"],
]
TOKENS = ["2022-02-30", "2022-13", "2022-00", "٢٠٢٢-10", "２０２２-10", "2022-Q5", "", " ",
          "\x00", "x" * 5000, "-1", "1e999999", "99999999999999999999", "NaN", "--help",
          "-h", "--json", "--as", "nobody", "--db", "NXJG-2022-WY-002", "../..", "/", ".",
          "a.xlsx", "c.json", "deep.json", "gbk.json", "utf16.json", "binary.json",
          "missing.json", "--version", "--lang", "en", "--unknown", "-o", "/proc/x.xlsx"]


@st.composite
def command_lines(draw: st.DrawFn) -> tuple[list[str], Any]:
    """A command line of the desk's, mutated, with the JSON file it may name."""
    argv = list(draw(st.sampled_from(COMMANDS)))
    for _ in range(draw(st.integers(0, 2))):
        op = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        if op == "replace" and argv:
            argv[draw(st.integers(0, len(argv) - 1))] = draw(st.sampled_from(TOKENS))
        elif op == "drop" and argv:
            argv.pop(draw(st.integers(0, len(argv) - 1)))
        else:
            argv.insert(draw(st.integers(0, len(argv))), draw(st.sampled_from(TOKENS)))
    doc = draw(st.one_of(contracts(), contracts().flatmap(mutated)))
    return argv, doc


_BASE: dict[str, Path] = {}
_SHM = Path("/dev/shm")


def _memory() -> Path:
    """Where the registries are copied: memory when the system offers it (SQLite's commits
    wait for the disk otherwise, and what is measured is the command, not the disk)."""
    import atexit
    import tempfile

    from targets import _TMP

    if "memory" not in _BASE:
        where = tempfile.mkdtemp(prefix="outsourcing-fuzz-",
                                 dir=_SHM if _SHM.is_dir() and os.access(_SHM, os.W_OK)
                                 else _TMP)
        atexit.register(shutil.rmtree, where, True)
        _BASE["memory"] = Path(where)
    return _BASE["memory"]


def _base() -> Path:
    if "folder" not in _BASE:
        folder = _memory() / "cli-registry"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        _seed_registry(folder)
        _BASE["folder"] = folder
    return _BASE["folder"]


def _files(folder: Path, doc: Any) -> None:
    text = json.dumps(doc, ensure_ascii=False, default=str)
    (folder / "doc.json").write_text(text, encoding="utf-8", errors="surrogatepass")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (folder / "gbk.json").write_bytes(text.encode("gb18030", "replace"))
    (folder / "utf16.json").write_bytes(text.encode("utf-16", "surrogatepass"))
    (folder / "binary.json").write_bytes(bytes(range(256)))


def t_cli_registry(argv: list[str], doc: Any) -> None:
    base = _base()
    folder = _memory() / f"cli-{os.getpid()}"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(base, folder)
    argv = [("doc.json" if a == "{json}" else a) for a in argv]
    _files(folder, doc)

    def run() -> None:
        code, text = _run(folder, folder / "desk.db", argv)
        if code not in (0, 1, 2):
            raise CommandCrashed(f"exit {code}: {text[-300:]}")
        if "internal error" in text or "Traceback" in text:
            raise CommandCrashed(text[-300:])

    attempt("cli_registry", run, lambda: repr(argv)[:300])


# --- a timeline's JSON ----------------------------------------------------------------------------
def _timeline_seeds() -> list[Any]:
    from desk_cases import contract
    from targets import registry

    rb = registry().rulebook("NX")
    c = contract()

    def change(cid: str, action: Any, effective: date, signed: date | None) -> o.Change:
        return o.Change(cid, action, "force_majeure", "疫情防控", effective, "机关事务管理局",
                        signed_on=signed, approved_by="局务会议" if signed else "")

    tl = o.Timeline(c).sign(change("C1", o.Suspend("elevator"), date(2022, 10, 8),
                                   date(2022, 10, 9)), rb, today=date(2022, 10, 10))
    tl = tl.propose(change("C2", o.Resume("elevator"), date(2022, 12, 1), None))
    return [json.loads(to_json(tl)), json.loads(to_json(o.Timeline(c)))]


def t_timeline_json(data: Any) -> None:
    from targets import registry

    text = json.dumps(data, ensure_ascii=False, default=str)

    def run() -> None:
        tl = from_json(text, o.Timeline)
        assert from_json(to_json(tl), o.Timeline) == tl, "JSON round trip changed it"
        rb = registry().rulebook(tl.contract.jurisdiction)
        period = o.Period.containing(tl.term.start, PeriodKind.QUARTER if
                                     tl.contract.schedule.value == "quarterly"
                                     else PeriodKind.MONTH)
        o.settle(tl, period, [], rb)

    attempt("timeline_json", run, lambda: text[:300])


# --- the OCDS export ------------------------------------------------------------------------------
NAMES = ["物业管理服务", "=HYPERLINK(\"x\")", "a" * 2000, "\u202e反转", "O'Brien & Sons <x>",
         "\ud7ff", " ", "𠀀𠀁"]


@st.composite
def ocds_inputs(draw: st.DrawFn) -> tuple[Any, str, str, date]:
    data = draw(contracts())
    names = mostly(st.sampled_from(NAMES[:1]), st.sampled_from(NAMES))
    data["title"] = draw(names)
    data["supplier"]["name"] = draw(names)
    data["purchaser"]["name"] = draw(names)
    data["purchaser"]["credit_code"] = "11640000MB1576321L"
    start = date.fromisoformat(data["term"]["start"])
    data["signed_on"] = (start - timedelta(days=draw(st.integers(0, 60)))).isoformat()
    as_of = draw(mostly(st.dates(start, start + timedelta(days=5 * 366)),
                        st.dates(date(1990, 1, 1), date(2060, 12, 31))))
    prefix = draw(mostly(st.just("ocds-213czf"), st.sampled_from(
        ["ocds-", "", "x" * 300, "ocds-a1b2c3", "ocds-213czf/\u0000"])))
    return data, data["title"], prefix, as_of


def t_ocds(data: Any, title: str, prefix: str, as_of: date) -> None:
    from outsourcing import ocds
    from outsourcing.serialize import structure

    def run() -> None:
        c = structure(data, o.Contract)
        pkg = ocds.release_package(c, as_of=as_of, prefix=prefix)
        errors = ocds.validation_errors(pkg)
        assert errors == [], f"the export does not validate: {errors[:2]}"
        text = ocds.dumps(pkg)
        assert ocds.dumps(ocds.loads(text)) == text, "the package does not read back"

    attempt("ocds_export", run, lambda: f"{title[:40]!r} {prefix[:20]!r} {as_of}")


TIMELINES = _timeline_seeds()

TARGETS: dict[str, tuple[st.SearchStrategy[Any], Callable[..., None]]] = {
    "cli_registry": (command_lines(), t_cli_registry),
    "timeline_json": (st.sampled_from(TIMELINES).flatmap(mutated).map(lambda d: (d,)),
                      t_timeline_json),
    "ocds_export": (ocds_inputs(), t_ocds),
}
"""Target name → (a strategy of argument tuples, the function called with them)."""

