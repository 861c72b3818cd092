"""``outsourcing rules --levels`` shows every level's value and which one applies, so a
bureau sees the national value a city tightened."""

from __future__ import annotations

from datetime import date

import pytest

import outsourcing as o
from outsourcing.cli import main


def test_levels_lists_national_first_and_the_last_with_a_value_applies(
        registry: o.PluginHost) -> None:
    rb = registry.rulebook("NX-SZS")
    levels = rb.levels("qualification.elevator_maintenance", date(2022, 1, 1))
    assert [p.jurisdiction for p, _ in levels] == ["CN", "NX-SZS"]
    assert levels[-1][0] is rb.resolve("qualification.elevator_maintenance",
                                       date(2022, 1, 1)).parameter


def test_rules_levels_prints_every_level_and_marks_the_one_that_applies(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "NX-SZS", "--on", "2022-01-01", "--levels"]) == 0
    out = capsys.readouterr().out.split("\n")
    at = out.index(next(x for x in out if x.startswith("qualification.elevator_maintenance =")))
    block = [x for x in out[at + 1:at + 6] if x.startswith("    层级 ")]
    assert [x.split(":")[0] for x in block] == ["    层级 CN", "    层级 NX-SZS"]
    assert block[-1].endswith("← 适用") and not block[0].endswith("← 适用")
    assert "B级" in block[-1]
    assert main(["rules", "NX-SZS", "--on", "2022-01-01"]) == 0
    assert "层级" not in capsys.readouterr().out
