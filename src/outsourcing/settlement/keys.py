"""What a compiled contract is keyed by (编译结果的版本与键): its format number, the rules in
force and the documents it was compiled from.

- :data:`FORMAT` — the compiled form's format number; a stored compiled form of another
  format is compiled again.
- :func:`rules_fingerprint` — a hash of a rulebook's every dated parameter (id, level,
  unit, limit, every value with its dates and citation) and of the plugins that built it
  (names and distribution versions): a new dated value or a plugin upgrade changes it.
- :func:`compiled_key` — the key of a compiled contract: the hash of the format, the library
  version, the rules' fingerprint and the documents (the contract with its own terms, its
  decided changes in order).  A store computes it from the documents it keeps and compares
  it with the key of the compiled form it kept: equal keys, the same compiled contract.
- :func:`settle_rules` — the part of a rulebook settling a period still reads after
  compiling (the statutory payment term and late interest, dated), without the plugin host:
  what a compiled contract keeps of its rulebook, so that it pickles.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from .._version import __version__
from ..rules import RuleBook

__all__ = ["FORMAT", "SETTLE_PARAMETERS", "compiled_key", "default_documents", "kept_rules",
           "rules_fingerprint", "settle_rules"]

FORMAT = 1
"""The compiled form's format number (bumped whenever what a compiled contract holds, or
how it settles, changes)."""

SETTLE_PARAMETERS = ("payment.sme_days", "payment.sme_days_max",
                     "payment.late_interest_daily")
"""The dated parameters settling a period reads after compiling (the payment clock)."""


def _library_version() -> str:
    return str(__version__)


@lru_cache(maxsize=64)
def rules_fingerprint(rulebook: RuleBook) -> str:
    """A hash (SHA-256, hex) of the rules in force in ``rulebook`` and the plugins that built
    it; computed once per rulebook (a rulebook does not change once built)."""
    h = hashlib.sha256()
    h.update(("|".join(j.code for j in rulebook.chain)).encode())
    for p in rulebook.parameters():
        for q in rulebook.layers(p.id):
            h.update(f"\x00{q.id}\x01{q.jurisdiction}\x01{q.unit}\x01{q.kind}\x01"
                     f"{q.limit}".encode())
            for v in q.values:
                h.update(f"\x02{v.start}\x01{v.end}\x01{_canonical(v.value)}\x01"
                         f"{v.citation}".encode())
    for name, version in _plugins(rulebook.host):
        h.update(f"\x03{name}\x01{version}".encode())
    return h.hexdigest()


def _canonical(value: Any) -> str:
    """A value's text independent of how its mapping was ordered."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{k!r}:{_canonical(v)}"
                              for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))
                              ) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    return repr(value)


def _plugins(host: Any) -> list[tuple[str, str]]:
    """The host's plugins by name, with the version of the distribution of each (where it
    was installed as one)."""
    if host is None:
        return []
    out = {(name, "") for name in getattr(host, "plugin_names", ())}
    pm = getattr(host, "pm", None)
    if pm is not None:
        for plugin, dist in pm.list_plugin_distinfo():
            out.discard((pm.get_name(plugin) or "", ""))
            out.add((pm.get_name(plugin) or repr(plugin),
                     f"{dist.project_name}=={dist.version}"))
    return sorted(out)


def compiled_key(documents: Iterable[str | bytes], rulebook: RuleBook) -> str:
    """The key of a contract compiled from ``documents`` under ``rulebook``: SHA-256 (hex)
    of :data:`FORMAT`, the library version, :func:`rules_fingerprint` and each document in
    order (each length-prefixed, so no two lists of documents run together)."""
    h = hashlib.sha256(f"outsourcing.compiled/{FORMAT}/{_library_version()}/"
                       f"{rules_fingerprint(rulebook)}".encode())
    for d in documents:
        b = d.encode() if isinstance(d, str) else bytes(d)
        h.update(b"\x00%d\x00" % len(b))
        h.update(b)
    return h.hexdigest()


def default_documents(source: Any, terms: Any) -> list[str]:
    """The documents a compiled contract's key hashes when the caller names none: the
    canonical JSON of the base contract, of each decided change of a timeline (or, for
    another source, its schedules and lines) and of the contract's own terms."""
    from ..serialize import to_json, unstructure

    contract = getattr(source, "contract", source)
    docs = [to_json(contract, indent=None)]
    changes = getattr(source, "changes", None)
    if changes is not None:
        docs += [to_json(c, indent=None) for c in changes]
    elif source is not contract:
        docs.append(json.dumps(
            {lid: [[str(span.start), str(span.end), str(m)] for span, m in sched]
             for lid, sched in source.line_schedules().items()}, sort_keys=True))
        docs.append(json.dumps({k: unstructure(x) for k, x in source.all_lines().items()},
                               sort_keys=True, ensure_ascii=False, default=str))
    adopt = [terms.adopt] if isinstance(terms.adopt, str) else sorted(terms.adopt)
    docs.append(json.dumps({
        "rules": {k: unstructure(v) for k, v in (terms.rules or {}).items()},
        "kpis": {k: [unstructure(s) for s in v] for k, v in (terms.kpis or {}).items()},
        "contract_rules": unstructure(terms.contract_rules), "adopt": adopt,
        "on": None if terms.on is None else terms.on.isoformat()},
        sort_keys=True, ensure_ascii=False, default=str))
    return docs


@lru_cache(maxsize=64)
def settle_rules(rulebook: RuleBook) -> RuleBook:
    """The part of ``rulebook`` settling reads after compiling (:data:`SETTLE_PARAMETERS`),
    without the plugin host; one per rulebook."""
    return kept_rules(rulebook.subset(SETTLE_PARAMETERS))


_KEPT: dict[str, RuleBook] = {}
"""One kept rulebook per fingerprint in the process: contracts read back from a pickle
share it (and so share the payment terms worked out with it)."""


def kept_rules(rulebook: RuleBook) -> RuleBook:
    """The process's rulebook equal to ``rulebook`` (by fingerprint), or ``rulebook``."""
    fp = rules_fingerprint(rulebook)
    found = _KEPT.get(fp)
    if found is None:
        if len(_KEPT) >= 256:
            _KEPT.clear()
        found = _KEPT[fp] = rulebook
    return found
