"""The API's path and query parameters (参数), each with its Chinese description in the
OpenAPI document, and the dates and periods read as the library reads them: a bad one is
the library's error naming the field (422), never the framework's."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar.params import PathParameter, QueryParameter

from ...dates import Period, as_date

__all__ = ["ChangeId", "ContractId", "ContractQuery", "CorrectionQuery", "EveryQuery",
           "HistoryQuery", "LimitQuery", "OnQuery", "PeriodPath", "PeriodQuery", "ServiceQuery",
           "SinceQuery", "SiteQuery", "StatusQuery", "SupplierQuery", "UnitQuery",
           "VersionQuery", "on_date", "period_at"]

ContractId = Annotated[str, PathParameter(description="合同编号")]
ChangeId = Annotated[str, PathParameter(description="变更编号")]
PeriodPath = Annotated[str, PathParameter(
    description="期间：月 2022-10、季度 2022-Q4 或年度 2022")]
PeriodQuery = Annotated[str | None, QueryParameter(
    description="期间：月 2022-10、季度 2022-Q4 或年度 2022（默认全部期间）")]
UnitQuery = Annotated[str | None, QueryParameter(
    description="单位编号：只列该单位及其下级单位（默认本人可见的全部单位）")]
OnQuery = Annotated[str | None, QueryParameter(description="日期 YYYY-MM-DD（默认今天）")]
HistoryQuery = Annotated[bool, QueryParameter(description="true：列出全部版本（由旧到新）")]
VersionQuery = Annotated[int | None, QueryParameter(description="版本号（默认现行版本）")]
ServiceQuery = Annotated[str | None, QueryParameter(
    description="服务类别代码（如 property、cleaning）")]
StatusQuery = Annotated[str | None, QueryParameter(
    description="状态：pending 未开始、in_force 履行中、ended 已到期、terminated 已解除")]
SupplierQuery = Annotated[str | None, QueryParameter(description="供应商编号")]
SiteQuery = Annotated[str | None, QueryParameter(description="办公区")]
ContractQuery = Annotated[str | None, QueryParameter(description="合同编号")]
EveryQuery = Annotated[bool, QueryParameter(description="true：也列出已付清的期间")]
CorrectionQuery = Annotated[str | None, QueryParameter(
    description="更正已录入的内容时，写明更正理由")]
SinceQuery = Annotated[str, QueryParameter(description="上次返回的 next（首次为 0）")]
LimitQuery = Annotated[int, QueryParameter(description="每页至多条数（1 至 1000）")]


def on_date(text: str | None, field: str = "on") -> date | None:
    """A day from the query (``?on=2022-12-31``); None when not given."""
    return None if text is None or text == "" else as_date(text, field=field)


def period_at(text: str) -> Period:
    """A period from the path (``2022-10``, ``2022-Q4``, ``2022``)."""
    return Period.parse(text)
