"""示例市 (My City, ``NX-MYC``, under 宁夏回族自治区).

One jurisdiction, one parameter file (a supplementary-contract cap tightened to 5%) and one
check.  Registered in ``pyproject.toml``::

    [project.entry-points.outsourcing]
    my-city = "my_city_plugin.city"
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from outsourcing import Contract, Finding, Jurisdiction, RuleBook, Severity, hookimpl

CODE = "NX-MYC"

MY_CITY = Jurisdiction(
    code=CODE,
    name_zh="示例市",
    name_en="My City",
    parent="NX",
    parameter_dirs=(Path(__file__).parent / "data" / CODE,),
    level="city",
    source="示例市机关事务管理局（示例）",
)


@hookimpl
def outsourcing_jurisdictions() -> Sequence[Jurisdiction]:
    return [MY_CITY]


@hookimpl
def outsourcing_check_contract(contract: Contract, rulebook: RuleBook) -> Sequence[Finding]:
    """示例市 wants every contract's signing day recorded (合同签订日期)."""
    if not rulebook.applies_to(CODE) or contract.signed_on is not None:
        return []
    return [Finding("my_city.signing_date_missing",
                    f"contract {contract.id} has no signing day; 示例市 records it for the "
                    f"30-day signing rule", severity=Severity.WARNING, field="signed_on",
                    citation="政府采购法 第四十六条", term="合同签订日期")]
