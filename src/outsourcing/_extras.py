"""Optional parts of the package (extras) and the clear error when one is missing.

The core — the model, rules, changes, settlement, procurement, scenario files and plugins —
needs only the packages ``pip install outsourcing`` brings. Each surface needs an *extra*:

========== ======================================= =========================================
extra      surface                                 packages
========== ======================================= =========================================
desk       ``outsourcing.desk`` (workbooks, charts, openpyxl, rich, matplotlib, fonttools,
           printable statements, the terminal)      pylopdf-fonts-zh-cn
store      ``outsourcing.registry`` on SQLite      SQLAlchemy, alembic
postgres   the registry on PostgreSQL              psycopg (and the store extra)
ocds       ``outsourcing.ocds``                    jsonschema, referencing, ocdsmerge,
                                                   ocdsextensionregistry
serve      ``outsourcing.service`` (the HTTP API    litestar, uvicorn, jinja2, argon2-cffi,
           and web desk) and the accounts          cryptography, python-multipart
========== ======================================= =========================================

A surface calls :func:`require` before it imports its packages, so a missing one is a
:class:`MissingExtra` naming the extra to install, never a bare ``ModuleNotFoundError`` from
deep inside. :func:`missing_extra` turns a ``ModuleNotFoundError`` met later (a package
imported inside a function) into the same error.
"""

from __future__ import annotations

import importlib.util

from .errors import OutsourcingError

__all__ = ["EXTRA_OF", "MissingExtra", "missing_extra", "require"]

#: the top-level module of each optional package → the extra that installs it
EXTRA_OF: dict[str, str] = {
    "openpyxl": "desk",
    "rich": "desk",
    "matplotlib": "desk",
    "fontTools": "desk",
    "pylopdf_fonts_zh_cn": "desk",
    "sqlalchemy": "store",
    "alembic": "store",
    "psycopg": "postgres",
    "jsonschema": "ocds",
    "referencing": "ocds",
    "ocdsmerge": "ocds",
    "ocdsextensionregistry": "ocds",
    "litestar": "serve",
    "uvicorn": "serve",
    "jinja2": "serve",
    "argon2": "serve",
    "cryptography": "serve",
    "multipart": "serve",
}


class MissingExtra(OutsourcingError, ImportError):
    """A surface of the package was used without its extra installed (缺少可选组件)."""

    default_code = "install.missing_extra"
    default_is_specific = True


def _error(extra: str, module: str) -> MissingExtra:
    return MissingExtra(
        f"{module!r} is not installed: install the {extra!r} extra "
        f"(pip install 'outsourcing[{extra}]')",
        field="extra", value=extra, term="可选组件", code="install.missing_extra",
        params={"extra": extra, "module": module})


def require(extra: str, *modules: str) -> None:
    """Refuse, naming the extra, when any of ``modules`` cannot be imported."""
    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise _error(extra, module)


def missing_extra(exc: ModuleNotFoundError) -> MissingExtra | None:
    """The :class:`MissingExtra` behind ``exc`` when the module missing belongs to an extra."""
    root = (exc.name or "").split(".")[0]
    extra = EXTRA_OF.get(root)
    return None if extra is None else _error(extra, root)
