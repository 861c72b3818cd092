"""Plugins: hook specifications and the registry that loads them (插件).

A plugin is any module or object with functions marked ``@hookimpl``, registered through
the ``outsourcing`` entry-point group (``[project.entry-points.outsourcing]``).  Each
jurisdiction is a plugin; the library's own national rules are the ``core`` plugin, loaded
the same way.

Hooks are coarse: each is called once per registry, jurisdiction or contract — never once per
month or per line in a settlement loop.  A plugin that raises becomes a :class:`PluginError`
naming the plugin and the hook.

Which plugins load: all installed ones, or those named in ``OUTSOURCING_PLUGINS``
(comma-separated entry-point names) or in ``load(plugins=[...])``; ``core`` always loads.
``OUTSOURCING_TRACE=1`` prints every hook call to standard error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from . import builtin
from .catalogue import Catalogue, ProcurementItem, ServiceKind
from .errors import JurisdictionError, ModelError, OutsourcingError, PluginError
from .findings import Finding
from .hookspecs import PROJECT, HookSpecs, hookimpl, hookspec
from .rules import Jurisdiction, RuleBook, chain_of
from .sites import Site

if TYPE_CHECKING:
    from .model import Contract, ServiceLine

__all__ = [
    "ENTRY_POINT_GROUP",
    "ENV_PLUGINS",
    "ENV_TRACE",
    "HookSpecs",
    "Registry",
    "hookimpl",
    "hookspec",
    "load",
]

ENTRY_POINT_GROUP = "outsourcing"
ENV_PLUGINS = "OUTSOURCING_PLUGINS"
ENV_TRACE = "OUTSOURCING_TRACE"

def _plugin_name(pm: pluggy.PluginManager, plugin: object) -> str:
    return pm.get_name(plugin) or repr(plugin)


class Registry:
    """Loaded plugins, the jurisdictions and service catalogue they declare, and rulebooks.

    Build one with :func:`load`, once per process; rulebooks are built once per
    jurisdiction and cached.
    """

    def __init__(self, pm: pluggy.PluginManager, *, trace: bool = False) -> None:
        self.pm = pm
        self.trace = trace
        self.plugin_names: tuple[str, ...] = tuple(
            _plugin_name(pm, p) for p in pm.get_plugins())
        self._jurisdictions: dict[str, Jurisdiction] = {}
        self._declared_by: dict[str, str] = {}
        for plugin, items in self._collect("outsourcing_jurisdictions"):
            for j in items:
                if not isinstance(j, Jurisdiction):
                    raise PluginError(f"returned {j!r}, not a Jurisdiction", plugin=plugin,
                                      hook="outsourcing_jurisdictions")
                if j.code in self._jurisdictions:
                    raise PluginError(
                        f"jurisdiction {j.code} is already declared by "
                        f"{self._declared_by[j.code]}", plugin=plugin,
                        hook="outsourcing_jurisdictions")
                self._jurisdictions[j.code] = j
                self._declared_by[j.code] = plugin
        kinds: list[ServiceKind] = []
        for plugin, items in self._collect("outsourcing_service_kinds"):
            for k in items:
                if not isinstance(k, ServiceKind):
                    raise PluginError(f"returned {k!r}, not a ServiceKind", plugin=plugin,
                                      hook="outsourcing_service_kinds")
                kinds.append(k)
        procured: list[ProcurementItem] = []
        for plugin, entries in self._collect("outsourcing_procurement_items"):
            for it in entries:
                if not isinstance(it, ProcurementItem):
                    raise PluginError(f"returned {it!r}, not a ProcurementItem", plugin=plugin,
                                      hook="outsourcing_procurement_items")
                procured.append(attrs.evolve(it, source=plugin))
        self.catalogue = Catalogue(kinds, procured)
        for it in procured:
            if it.service not in self.catalogue:
                raise PluginError(f"a 品目 for the unknown service {it.service}",
                                  plugin=it.source, hook="outsourcing_procurement_items")
        self._rulebooks: dict[str, RuleBook] = {}
        self._sites: dict[str, Site] | None = None

    # hook calling -----------------------------------------------------------------------
    def _impls(self, hook: str) -> list[pluggy.HookImpl]:
        caller = getattr(self.pm.hook, hook)
        return list(reversed(caller.get_hookimpls()))  # pluggy's own order: last registered first

    def _call_one(self, impl: pluggy.HookImpl, hook: str, kwargs: dict[str, Any]) -> Any:
        if self.trace:
            sys.stderr.write(f"outsourcing: {impl.plugin_name}.{hook}"
                             f"({', '.join(sorted(kwargs))})\n")
        try:
            args = {k: kwargs[k] for k in impl.argnames}
            return impl.function(**args)
        except OutsourcingError as exc:
            if isinstance(exc, PluginError):
                raise
            raise PluginError(str(exc), plugin=impl.plugin_name, hook=hook) from exc
        except Exception as exc:
            raise PluginError(f"{type(exc).__name__}: {exc}", plugin=impl.plugin_name,
                              hook=hook) from exc

    def _collect(self, hook: str, **kwargs: Any) -> list[tuple[str, Sequence[Any]]]:
        out: list[tuple[str, Sequence[Any]]] = []
        for impl in self._impls(hook):
            res = self._call_one(impl, hook, kwargs)
            if res is None:
                continue
            if not isinstance(res, list | tuple):
                raise PluginError(f"returned {type(res).__name__}, not a list", plugin=
                                  impl.plugin_name, hook=hook)
            out.append((impl.plugin_name, res))
        return out

    def _first(self, hook: str, **kwargs: Any) -> Any:
        return self._first_by(hook, **kwargs)[1]

    def _first_by(self, hook: str, **kwargs: Any) -> tuple[str | None, Any]:
        """The first non-None answer and the plugin that gave it."""
        for impl in self._impls(hook):
            res = self._call_one(impl, hook, kwargs)
            if res is not None:
                return impl.plugin_name, res
        return None, None

    def _findings(self, hook: str, **kwargs: Any) -> list[Finding]:
        out: list[Finding] = []
        for plugin, items in self._collect(hook, **kwargs):
            for f in items:
                if not isinstance(f, Finding):
                    raise PluginError(f"returned {f!r}, not a Finding", plugin=plugin, hook=hook)
                out.append(f if f.source != "core" or plugin == "core" else
                           _with_source(f, plugin))
        return out

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
                f"{rb.code}", field="jurisdiction", value=contract.jurisdiction, term="辖区")
        self.check_known(contract)
        return self._findings("outsourcing_check_contract", contract=contract, rulebook=rb)

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
                code="jurisdiction.unknown", zh="未知的辖区代码")
        for i, line in enumerate(contract.lines if lines is None else lines):
            if line.service not in self.catalogue:
                raise ModelError(
                    f"unknown service in line {line.id!r}; known: "
                    f"{', '.join(sorted(k.code for k in self.catalogue))}",
                    field=f"lines[{i}].service", value=line.service, term="服务类别",
                    code="model.service.unknown", zh="未知的服务类别代码")

    def check_change(self, contract: Contract, change: Any, rulebook: RuleBook) -> list[Finding]:
        """Findings for a proposed change from every plugin."""
        return self._findings("outsourcing_check_change", contract=contract, change=change,
                              rulebook=rulebook)

    def payment_rule(self, contract: Contract, line: ServiceLine, rulebook: RuleBook) -> Any:
        """The payment rule the first answering plugin chooses for a line, or None."""
        from .payment import PaymentRule

        plugin, rule = self._first_by("outsourcing_payment_rule", contract=contract, line=line,
                                      rulebook=rulebook)
        if rule is not None and not isinstance(rule, PaymentRule):
            raise PluginError(
                f"returned a {type(rule).__name__} for line {line.id}, not a PaymentRule",
                plugin=plugin or "?", hook="outsourcing_payment_rule",
                field=f"rules[{line.id}]", value=rule, term="支付规则",
                code="plugin.payment_rule.type", zh="插件返回的支付规则类型无效")
        return rule

    def sites(self, code: str | None = None) -> tuple[Site, ...]:
        """The office areas the plugins declare (办公区), for ``code`` and the
        jurisdictions under it (every one when ``code`` is None); collected once."""
        if self._sites is None:
            found: dict[str, Site] = {}
            by: dict[str, str] = {}
            for plugin, items in self._collect("outsourcing_sites"):
                for s in items:
                    if not isinstance(s, Site):
                        raise PluginError(f"returned {s!r}, not a Site", plugin=plugin,
                                          hook="outsourcing_sites")
                    if s.id in found:
                        raise PluginError(f"site {s.id} is already declared by {by[s.id]}",
                                          plugin=plugin, hook="outsourcing_sites")
                    if s.jurisdiction not in self._jurisdictions:
                        raise PluginError(f"site {s.id} is in unknown jurisdiction "
                                          f"{s.jurisdiction!r}", plugin=plugin,
                                          hook="outsourcing_sites")
                    found[s.id] = s
                    by[s.id] = plugin
            self._sites = found
        if code is None:
            return tuple(self._sites.values())
        chain_of(code, self._jurisdictions)  # an unknown code is a JurisdictionError
        return tuple(s for s in self._sites.values()
                     if code in (j.code for j in chain_of(s.jurisdiction, self._jurisdictions)))

    def __repr__(self) -> str:
        return f"Registry(plugins={list(self.plugin_names)})"


def _with_source(f: Finding, plugin: str) -> Finding:
    import attrs

    return attrs.evolve(f, source=plugin)


def _wanted(plugins: Iterable[str] | None) -> set[str] | None:
    if plugins is not None:
        return {p.strip() for p in plugins if p.strip()} | {"core"}
    env = os.environ.get(ENV_PLUGINS, "").strip()
    if env:
        return {p.strip() for p in env.split(",") if p.strip()} | {"core"}
    return None


def _register(pm: pluggy.PluginManager, obj: object, name: str) -> None:
    try:
        pm.register(obj, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(str(exc), plugin=name, hook="(registration)") from exc
    except ValueError as exc:
        raise PluginError(str(exc), plugin=name, hook="(registration)") from exc


def load(
    plugins: Iterable[str] | None = None,
    *,
    extra: Iterable[tuple[str, object]] = (),
    trace: bool | None = None,
) -> Registry:
    """Load plugins from the ``outsourcing`` entry-point group and return a registry.

    ``plugins`` limits which entry points load (by name; ``core`` always loads); without
    it, ``OUTSOURCING_PLUGINS`` does, and without that every installed plugin loads.
    ``extra`` registers ``(name, plugin)`` pairs directly (tests, embedded rules).
    An entry point that fails to import is a :class:`PluginError` naming it.
    """
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(HookSpecs)
    wanted = _wanted(plugins)
    found: set[str] = set()
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if wanted is not None and ep.name not in wanted:
            continue
        if pm.has_plugin(ep.name):
            continue
        try:
            obj = ep.load()
        except Exception as exc:
            raise PluginError(f"cannot import {ep.value}: {type(exc).__name__}: {exc}",
                              plugin=ep.name, hook="(entry point)") from exc
        _register(pm, obj, ep.name)
        found.add(ep.name)
    if "core" not in found and not pm.has_plugin("core"):
        _register(pm, builtin, "core")
        found.add("core")
    for name, obj in extra:
        _register(pm, obj, name)
        found.add(name)
    if wanted is not None:
        missing = wanted - found
        if missing:
            raise PluginError(f"not installed: {', '.join(sorted(missing))}",
                              plugin=",".join(sorted(missing)), hook="(entry point)")
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(str(exc), plugin=pm.get_name(exc.plugin) or repr(exc.plugin),
                          hook="(validation)") from exc
    if trace is None:
        trace = os.environ.get(ENV_TRACE, "") not in ("", "0")
    return Registry(pm, trace=trace)
