"""The pluggy manager the plugin host uses: each plugin registered as itself, seen by pluggy
through a thin adapter that names the plugin (插件管理器).

pluggy calls every hook (``pm.hook.<name>()``): wrappers (``@hookimpl(wrapper=True)``),
``firstresult``, ``tryfirst``/``trylast`` and its call monitoring all work as pluggy
documents them.  The adapter adds two things to each of a plugin's hook functions and
changes nothing else:

* a failure becomes a :class:`~outsourcing.errors.PluginError` naming the plugin and the
  hook (a wrapper's failure names the wrapper's plugin);
* what a plugin returns is recorded with its name: a finding, a service kind or a 品目 whose
  ``source`` is the default ``core`` takes the plugin's name, and every object a plugin
  returns is noted in :attr:`OutsourcingPluginManager.answered_by` (by identity, for the
  host to say which plugin declared a jurisdiction or a site, or chose a payment rule).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator
from typing import Any

import attrs
import pluggy

from .catalogue import ProcurementItem, ServiceKind
from .errors import OutsourcingError, PluginError, RuleLoadError
from .findings import Finding
from .hookspecs import PROJECT, HookSpecs
from .rules import Jurisdiction
from .sites import Site
from .unit_tree import Unit

__all__ = ["LIST_HOOKS", "RECORDED", "OutsourcingPluginManager"]

LIST_HOOKS: dict[str, type] = {
    "outsourcing_jurisdictions": Jurisdiction,
    "outsourcing_service_kinds": ServiceKind,
    "outsourcing_procurement_items": ProcurementItem,
    "outsourcing_check_contract": Finding,
    "outsourcing_check_change": Finding,
    "outsourcing_sites": Site,
    "outsourcing_units": Unit,
}
"""The hooks whose every answer is a list (or None), and the type of its items; the
others answer one object."""

RECORDED = frozenset({
    "outsourcing_jurisdictions", "outsourcing_service_kinds", "outsourcing_procurement_items",
    "outsourcing_sites", "outsourcing_payment_rule", "outsourcing_units",
})
"""The hooks whose answers are noted in ``answered_by`` (those the host asks once, or once
per line when a contract is prepared; never the checks, which run for every contract)."""


def _failure(exc: Exception, plugin: str, hook: str) -> OutsourcingError:
    """A plugin's failure as the error to raise: a PluginError naming it, except for a rule
    file that cannot be read — that error names the file and the field, not the plugin
    that happened to read it."""
    if isinstance(exc, PluginError | RuleLoadError):
        return exc
    if isinstance(exc, OutsourcingError):
        return PluginError(str(exc), plugin=plugin, hook=hook, code="plugin.failed")
    return PluginError(f"{type(exc).__name__}: {exc}", plugin=plugin, hook=hook,
                       code="plugin.failed")


def _stamped(item: object, plugin: str) -> object:
    """``item`` recording the plugin that declared it, where it has a field for that."""
    if isinstance(item, ServiceKind | ProcurementItem):
        return item if item.source == plugin else attrs.evolve(item, source=plugin)
    if isinstance(item, Finding) and item.source == "core" and plugin != "core":
        return attrs.evolve(item, source=plugin)
    return item


class _Adapter:
    """A registered plugin as pluggy sees it: the plugin's hook functions, each wrapped (see
    the module's docstring); any other attribute is the plugin's own."""

    def __init__(self, plugin: object, name: str, pm: OutsourcingPluginManager) -> None:
        self.__dict__["_plugin"] = plugin
        for attr in dir(plugin):
            opts = pluggy.PluginManager.parse_hookimpl_opts(pm, plugin, attr)
            if opts is None:
                continue
            hook = opts.get("specname") or attr
            fn = getattr(plugin, attr)
            wrapping = bool(opts.get("wrapper") or opts.get("hookwrapper"))
            self.__dict__[attr] = (_wrapper(fn, name, hook) if wrapping
                                   else _call(fn, name, hook, pm.answered_by))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_plugin"], name)

    def __repr__(self) -> str:
        return repr(self.__dict__["_plugin"])


def _call(fn: Callable[..., Any], plugin: str, hook: str,
          answered_by: dict[int, str]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            res = fn(*args, **kwargs)
        except Exception as exc:
            raise _failure(exc, plugin, hook) from exc
        if res is None:
            return None
        if hook in LIST_HOOKS:
            if not isinstance(res, list | tuple):
                raise PluginError(f"returned {type(res).__name__}, not a list", plugin=plugin,
                                  hook=hook, code="plugin.answer.not_a_list")
            kind = LIST_HOOKS[hook]
            for x in res:
                if not isinstance(x, kind):
                    raise PluginError(f"returned {x!r}, not a {kind.__name__}",
                                      plugin=plugin, hook=hook, code="plugin.answer.wrong_type",
                                      params={"expected": kind.__name__})
            res = [_stamped(x, plugin) for x in res]
            if hook in RECORDED:
                for x in res:
                    answered_by[id(x)] = plugin
            return res
        if hook in RECORDED:
            answered_by[id(res)] = plugin
        return res

    return call


def _wrapper(fn: Callable[..., Any], plugin: str, hook: str) -> Callable[..., Any]:
    """A wrapper hook (``wrapper=True``) relayed to pluggy: it yields once, receives what
    the plugins inside it answered and returns its own answer, whose new findings, kinds
    and 品目 record the wrapper's plugin."""

    @functools.wraps(fn)
    def wrap(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        inner = fn(*args, **kwargs)
        received: Any = None
        try:
            first = next(inner)
            try:
                received = yield first
            except GeneratorExit:
                inner.close()
                raise
            except BaseException as exc:  # what failed inside: the wrapper may handle it
                inner.throw(exc)
            else:
                inner.send(received)
            raise PluginError("a wrapper yields once", plugin=plugin, hook=hook,
                              code="plugin.wrapper.yields_twice")
        except StopIteration as stop:
            return _own(stop.value, received, plugin, hook)
        except GeneratorExit:
            raise
        except Exception as exc:
            raise _failure(exc, plugin, hook) from exc

    return wrap


def _own(value: Any, received: Any, plugin: str, hook: str) -> Any:
    """A wrapper's answer to a list hook, with what it added recording its plugin."""
    if hook not in LIST_HOOKS or not isinstance(value, list):
        return value
    seen = {id(x) for answer in (received if isinstance(received, list) else ())
            if isinstance(answer, list | tuple) for x in answer}
    return [[x if id(x) in seen else _stamped(x, plugin) for x in answer]
            if isinstance(answer, list | tuple) else answer for answer in value]


class OutsourcingPluginManager(pluggy.PluginManager):
    """pluggy's manager for the ``outsourcing`` project, with :data:`HookSpecs` added and
    each plugin registered through the adapter."""

    def __init__(self) -> None:
        super().__init__(PROJECT)
        self.add_hookspecs(HookSpecs)
        self.answered_by: dict[int, str] = {}
        """Which plugin returned an object, by ``id()``; the host reads it right after a
        call, while the objects are alive, and clears it."""

    def register(self, plugin: object, name: str | None = None) -> str | None:
        if any(isinstance(p, _Adapter) and p.__dict__["_plugin"] is plugin
               for p in self.get_plugins()):
            raise ValueError(f"Plugin already registered under a different name: "
                             f"{name}={plugin!r}")
        plugin_name = name or self.get_canonical_name(plugin)
        return super().register(_Adapter(plugin, plugin_name, self), plugin_name)

    def original(self, name: str) -> object:
        """The object registered as ``name`` (a module, an instance), not its adapter."""
        found = self.get_plugin(name)
        return found.__dict__["_plugin"] if isinstance(found, _Adapter) else found

    def who(self, objs: list[Any]) -> list[str]:
        """The plugin that returned each of ``objs`` in the last call (``?`` for an object
        a wrapper made); forgets what it has noted."""
        out = [self.answered_by.get(id(x), "?") for x in objs]
        self.answered_by.clear()
        return out
