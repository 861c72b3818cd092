"""Ningxia's jurisdictions for the outsourcing library (宁夏回族自治区及所属市县).

Each jurisdiction is its own module and its own entry point in the ``outsourcing`` group,
exactly as a third party would register one; the rules are data files under ``data/``.
"""

from pathlib import Path

DATA = Path(__file__).parent / "data"
