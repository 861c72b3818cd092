"""The view across contracts (合同全景): coverage, emergency roster, certified staff,
renewals and handover.

These sit above the verbs: they read contracts and :class:`~outsourcing.changes.Timeline`s
(and the :mod:`outsourcing.sites` office areas) and nothing below imports them.  Each works
on any collection of contracts; the registry, when there is one, passes what it holds.
"""

from __future__ import annotations

from .coverage import CoverageReport, DoubleCoverage, Gap, as_timelines, coverage, in_force_count

__all__ = [
    "CoverageReport",
    "DoubleCoverage",
    "Gap",
    "as_timelines",
    "coverage",
    "in_force_count",
]
