"""Plugins: the host that loads them and calls their hooks (插件).

A plugin is any module or object with functions marked ``@hookimpl``, registered through
the ``outsourcing`` entry-point group (``[project.entry-points.outsourcing]``).  Each
jurisdiction is a plugin; the library's own national rules are the ``core`` plugin, loaded
the same way.

Hooks are coarse: each is called once per host, jurisdiction or contract — never once per
month or per line in a settlement loop — and always through pluggy (``pm.hook.<name>()``), so
``@hookimpl(wrapper=True)``, ``firstresult``, ``tryfirst``/``trylast`` and pluggy's call
monitoring work as pluggy documents them.  A plugin that raises becomes a
:class:`PluginError` naming the plugin and the hook; whatever a plugin declares records
which plugin declared it (:mod:`outsourcing._plugin_manager`).

Which plugins load: all installed ones, or those named in ``OUTSOURCING_PLUGINS``
(comma-separated entry-point names) or in ``load(plugins=[...])``; ``core`` always loads.
``OUTSOURCING_TRACE=1`` prints every hook call to standard error (through pluggy's
``add_hookcall_monitoring``).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

import pluggy

from . import builtin
from ._plugin_manager import OutsourcingPluginManager
from .catalogue import Catalogue, ProcurementItem, ServiceKind
from .errors import JurisdictionError, ModelError, PluginError
from .findings import Finding
from .hookspecs import HookSpecs, hookimpl, hookspec
from .rules import Jurisdiction, RuleBook, chain_of
from .sites import Site
from .unit_tree import Unit, check_tree, subtree

if TYPE_CHECKING:
    from .changes import Change
    from .model import Contract, ServiceLine
    from .payment import PaymentRule

__all__ = [
    "ENTRY_POINT_GROUP",
    "ENV_PLUGINS",
    "ENV_TRACE",
    "HookSpecs",
    "PluginHost",
    "hookimpl",
    "hookspec",
    "load",
]

ENTRY_POINT_GROUP = "outsourcing"
ENV_PLUGINS = "OUTSOURCING_PLUGINS"
ENV_TRACE = "OUTSOURCING_TRACE"

def _flat(answers: list[Sequence[Any]] | None) -> list[Any]:
    return [x for answer in answers or () for x in answer]


class PluginHost:
    """Loaded plugins, the jurisdictions and service catalogue they declare, and rulebooks
    (插件宿主).

    Build one with :func:`load`, once per process; rulebooks are built once per
    jurisdiction and cached.  Every hook is called through pluggy (``pm.hook``), once per
    host, jurisdiction or contract.
    """

    def __init__(self, pm: OutsourcingPluginManager, *, trace: bool = False) -> None:
        self.pm = pm
        self.trace = trace
        if trace:
            pm.add_hookcall_monitoring(_trace_before, _trace_after)
        self.plugin_names: tuple[str, ...] = tuple(
            pm.get_name(p) or repr(p) for p in pm.get_plugins())
        self._jurisdictions: dict[str, Jurisdiction] = {}
        self._declared_by: dict[str, str] = {}
        hook = "outsourcing_jurisdictions"
        found = _flat(pm.hook.outsourcing_jurisdictions())
        for j, plugin in zip(found, pm.who(found), strict=True):
            if not isinstance(j, Jurisdiction):
                raise _wrong_type(j, Jurisdiction, plugin, hook)
            if j.code in self._jurisdictions:
                raise PluginError(
                    f"jurisdiction {j.code} is already declared by "
                    f"{self._declared_by[j.code]}", plugin=plugin, hook=hook,
                    code="plugin.jurisdiction.declared_twice",
                    params={"other": self._declared_by[j.code]})
            self._jurisdictions[j.code] = j
            self._declared_by[j.code] = plugin
        kinds = _flat(pm.hook.outsourcing_service_kinds())
        for k, plugin in zip(kinds, pm.who(kinds), strict=True):
            if not isinstance(k, ServiceKind):
                raise _wrong_type(k, ServiceKind, plugin, "outsourcing_service_kinds")
        procured = _flat(pm.hook.outsourcing_procurement_items())
        for it, plugin in zip(procured, pm.who(procured), strict=True):
            if not isinstance(it, ProcurementItem):
                raise _wrong_type(it, ProcurementItem, plugin, "outsourcing_procurement_items")
        self.catalogue = Catalogue(kinds, procured)
        for it in procured:
            if it.service not in self.catalogue:
                raise PluginError(f"a 品目 for the unknown service {it.service}",
                                  plugin=it.source, hook="outsourcing_procurement_items",
                                  code="plugin.item.unknown_service", field="service",
                                  value=it.service)
        self._rulebooks: dict[str, RuleBook] = {}
        self._sites: dict[str, Site] | None = None
        self._units: dict[str, Unit] | None = None

    # public API -------------------------------------------------------------------------
    @property
    def jurisdictions(self) -> dict[str, Jurisdiction]:
        return dict(self._jurisdictions)

    def declared_by(self, code: str) -> str:
        """The plugin that declared a jurisdiction."""
        return self._declared_by[code]

    def jurisdiction(self, code: str) -> Jurisdiction:
        return chain_of(code, self._jurisdictions)[-1]

    def rulebook(self, code: str) -> RuleBook:
        """The rules in force for ``code`` and its parents, built once and cached."""
        if code not in self._rulebooks:
            self._rulebooks[code] = RuleBook.build(chain_of(code, self._jurisdictions), self)
        return self._rulebooks[code]

    def check_contract(self, contract: Contract, rulebook: RuleBook | None = None) -> list[Finding]:
        """Findings for a contract from the core checks and every plugin."""
        rb = rulebook or self.rulebook(contract.jurisdiction)
        if not rb.applies_to(contract.jurisdiction):
            raise JurisdictionError(
                f"contract {contract.id} is under {contract.jurisdiction}, rulebook is for "
                f"{rb.code}", field="jurisdiction", value=contract.jurisdiction, term="辖区",
                code="jurisdiction.wrong_rulebook", params={"rulebook": rb.code})
        self.check_known(contract)
        return _findings(self.pm.hook.outsourcing_check_contract(contract=contract,
                                                                 rulebook=rb),
                         "outsourcing_check_contract")

    def check_known(self, contract: Contract, lines: Iterable[ServiceLine] | None = None
                    ) -> None:
        """Refuse a contract whose jurisdiction or a line's service code this registry does
        not know (the catalogue and jurisdictions of every loaded plugin): the first use of a
        contract with a registry — check, settle, a scenario — validates what a plugin may
        add, so an unknown code is never paid on a generic score sheet."""
        if contract.jurisdiction not in self._jurisdictions:
            raise JurisdictionError(
                f"unknown jurisdiction; known: {', '.join(sorted(self._jurisdictions))}",
                field="jurisdiction", value=contract.jurisdiction, term="辖区",
                code="jurisdiction.unknown")
        for i, line in enumerate(contract.lines if lines is None else lines):
            if line.service not in self.catalogue:
                raise ModelError(
                    f"unknown service in line {line.id!r}; known: "
                    f"{', '.join(sorted(k.code for k in self.catalogue))}",
                    field=f"lines[{i}].service", value=line.service, term="服务类别",
                    code="model.service.unknown",
                    params={"known": "、".join(sorted(k.code for k in self.catalogue))})

    def check_change(self, contract: Contract, change: Change, rulebook: RuleBook
                     ) -> list[Finding]:
        """Findings for a proposed change from every plugin."""
        return _findings(self.pm.hook.outsourcing_check_change(
            contract=contract, change=change, rulebook=rulebook), "outsourcing_check_change")

    def payment_rule(self, contract: Contract, line: ServiceLine, rulebook: RuleBook
                     ) -> PaymentRule | None:
        """The payment rule the first answering plugin chooses for a line, or None
        (``firstresult``: pluggy stops at the first answer)."""
        from .payment import PaymentRule

        if not self.pm.hook.outsourcing_payment_rule.get_hookimpls():
            return None  # no plugin chooses payment rules: no hook call per line
        rule = self.pm.hook.outsourcing_payment_rule(contract=contract, line=line,
                                                     rulebook=rulebook)
        (plugin,) = self.pm.who([rule])
        if rule is not None and not isinstance(rule, PaymentRule):
            raise PluginError(
                f"returned a {type(rule).__name__} for line {line.id}, not a PaymentRule",
                plugin=plugin, hook="outsourcing_payment_rule",
                field=f"rules[{line.id}]", value=rule, term="支付规则",
                code="plugin.payment_rule.type")
        return rule

    def sites(self, code: str | None = None) -> tuple[Site, ...]:
        """The office areas the plugins declare (办公区), for ``code`` and the
        jurisdictions under it (every one when ``code`` is None); collected once."""
        if self._sites is None:
            found: dict[str, Site] = {}
            by: dict[str, str] = {}
            declared = _flat(self.pm.hook.outsourcing_sites())
            for s, plugin in zip(declared, self.pm.who(declared), strict=True):
                if not isinstance(s, Site):
                    raise _wrong_type(s, Site, plugin, "outsourcing_sites")
                if s.id in found:
                    raise PluginError(f"site {s.id} is already declared by {by[s.id]}",
                                      plugin=plugin, hook="outsourcing_sites",
                                      code="plugin.site.declared_twice", field="id",
                                      value=s.id, params={"other": by[s.id]})
                if s.jurisdiction not in self._jurisdictions:
                    raise PluginError(f"site {s.id} is in unknown jurisdiction "
                                      f"{s.jurisdiction!r}", plugin=plugin,
                                      hook="outsourcing_sites", field="jurisdiction",
                                      value=s.jurisdiction,
                                      code="plugin.site.unknown_jurisdiction")
                found[s.id] = s
                by[s.id] = plugin
            self._sites = found
        if code is None:
            return tuple(self._sites.values())
        chain_of(code, self._jurisdictions)  # an unknown code is a JurisdictionError
        return tuple(s for s in self._sites.values()
                     if code in (j.code for j in chain_of(s.jurisdiction, self._jurisdictions)))

    def units(self, root: str | None = None) -> tuple[Unit, ...]:
        """The units the plugins declare (单位), parents first: the tree under ``root`` (the
        root included), or every unit; collected once.  A unit id declared twice, or a
        parent nobody declares, is a :class:`PluginError`."""
        if self._units is None:
            found: dict[str, Unit] = {}
            declared = _flat(self.pm.hook.outsourcing_units())
            for u, plugin in zip(declared, self.pm.who(declared), strict=True):
                if not isinstance(u, Unit):
                    raise _wrong_type(u, Unit, plugin, "outsourcing_units")
                if u.id in found:
                    raise PluginError(f"unit {u.id} is declared twice", plugin=plugin,
                                      hook="outsourcing_units", field="id", value=u.id,
                                      code="plugin.unit.declared_twice")
                found[u.id] = u
            for u in found.values():
                if u.parent is not None and u.parent not in found:
                    raise PluginError(f"the parent of unit {u.id} is not declared",
                                      plugin="?", hook="outsourcing_units", field="parent",
                                      value=u.parent, code="plugin.unit.unknown_parent",
                                      params={"unit": u.id})
            self._units = found
        if root is None:
            return tuple(self._units.values())
        if root not in self._units:
            raise PluginError(f"no plugin declares the unit {root}", plugin="?",
                              hook="outsourcing_units", field="root", value=root,
                              code="plugin.unit.unknown_root")
        ids = subtree(list(self._units.values()), root)
        top = self._units[root]
        above = {} if top.parent is None else {top.parent: self._units[top.parent]}
        return tuple(check_tree([u for u in self._units.values() if u.id in ids], above))

    def __repr__(self) -> str:
        return f"PluginHost(plugins={list(self.plugin_names)})"


def _findings(answers: list[Sequence[Any]], hook: str) -> list[Finding]:
    """The findings of every plugin (each already carries its plugin's name)."""
    out = _flat(answers)
    for f in out:
        if not isinstance(f, Finding):
            raise _wrong_type(f, Finding, "?", hook)
    return out


def _wrong_type(obj: object, kind: type, plugin: str, hook: str) -> PluginError:
    return PluginError(f"returned {obj!r}, not a {kind.__name__}", plugin=plugin, hook=hook,
                       code="plugin.answer.wrong_type", params={"expected": kind.__name__})


def _trace_before(hook: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
                  ) -> None:
    for impl in reversed(impls):  # pluggy's call order: last registered first
        sys.stderr.write(f"outsourcing: {impl.plugin_name}.{hook}"
                         f"({', '.join(sorted(kwargs))})\n")


def _trace_after(outcome: pluggy.Result[Any], hook: str, impls: Sequence[pluggy.HookImpl],
                 kwargs: Mapping[str, Any]) -> None:
    return None


def _wanted(plugins: Iterable[str] | None) -> set[str] | None:
    if plugins is not None:
        return {p.strip() for p in plugins if p.strip()} | {"core"}
    env = os.environ.get(ENV_PLUGINS, "").strip()
    if env:
        return {p.strip() for p in env.split(",") if p.strip()} | {"core"}
    return None


def _register(pm: OutsourcingPluginManager, obj: object, name: str) -> None:
    try:
        pm.register(obj, name=name)
    except (pluggy.PluginValidationError, ValueError) as exc:
        raise PluginError(str(exc), plugin=name, hook="(registration)",
                          code="plugin.registration") from exc


def _load_entry_point(pm: OutsourcingPluginManager, name: str) -> int:
    try:
        return pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP, name=name)
    except PluginError:
        raise
    except (pluggy.PluginValidationError, ValueError) as exc:
        raise PluginError(str(exc), plugin=name, hook="(registration)",
                          code="plugin.registration") from exc
    except Exception as exc:  # a plugin's module runs arbitrary code when imported
        value = next((ep.value for ep in entry_points(group=ENTRY_POINT_GROUP, name=name)), name)
        raise PluginError(f"cannot import {value}: {type(exc).__name__}: {exc}",
                          plugin=name, hook="(entry point)", code="plugin.cannot_import",
                          params={"entry_point": value}) from exc


def load(
    plugins: Iterable[str] | None = None,
    *,
    extra: Iterable[tuple[str, object]] = (),
    trace: bool | None = None,
) -> PluginHost:
    """Load plugins from the ``outsourcing`` entry-point group and return their host.

    ``plugins`` limits which entry points load (by name; ``core`` always loads); without
    it, ``OUTSOURCING_PLUGINS`` does, and without that every installed plugin loads.
    Entry points load through pluggy (``load_setuptools_entrypoints``), one name at a
    time in the order of their names, so the order hooks answer in never depends on the
    order packages were installed.  ``extra`` registers ``(name, plugin)`` pairs directly
    (tests, embedded rules).  An entry point that fails to import is a
    :class:`PluginError` naming it.
    """
    pm = OutsourcingPluginManager()
    wanted = _wanted(plugins)
    names = sorted({ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)})
    found = {n for n in names if (wanted is None or n in wanted) and _load_entry_point(pm, n)}
    if not pm.has_plugin("core"):
        _register(pm, builtin, "core")
        found.add("core")
    for name, obj in extra:
        _register(pm, obj, name)
        found.add(name)
    if wanted is not None:
        missing = wanted - found
        if missing:
            raise PluginError(f"not installed: {', '.join(sorted(missing))}",
                              plugin=",".join(sorted(missing)), hook="(entry point)",
                              code="plugin.not_installed")
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(str(exc), plugin=pm.get_name(exc.plugin) or repr(exc.plugin),
                          hook="(validation)", code="plugin.validation") from exc
    if trace is None:
        trace = os.environ.get(ENV_TRACE, "") not in ("", "0")
    return PluginHost(pm, trace=trace)


def __getattr__(name: str) -> Any:
    """``Registry``: the old name of :class:`PluginHost`, kept for one release."""
    if name == "Registry":
        warnings.warn("outsourcing.plugins.Registry is deprecated: use PluginHost (the "
                      "database store is outsourcing.Store)", DeprecationWarning, stacklevel=2)
        return PluginHost
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
