"""Settling and the statements (结算与结算单): settle one contract's period or a unit's
contracts, and read a statement as JSON, as the printable page, as a workbook, with its
versions (更正结算单)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, get, post
from litestar.params import JSONBody
from litestar.response import Response

from ...dates import Period
from ...errors import RegistryError
from ...registry import BatchResult, Failure, StatementVersion, Store, StoredStatement
from ...registry.month import settle_one
from ...statement import Statement
from .bodies import SettleUnitIn
from .codec import Lib
from .files import XLSX, ApiError, attachment, written
from .params import ContractId, HistoryQuery, PeriodPath, UnitQuery, VersionQuery, period_at
from .reading import statement_bytes
from .scope import CurrentPrincipal, Principal, StoreDependency, need, see, visible_contracts

__all__ = ["SettleApi", "StatementsApi"]


def _version(store: Store, contract_id: str, period: Period, version: int | None
             ) -> StatementVersion:
    """The stored version asked for (default: the one in force); none stored, or no such
    version, is the library's ``registry.no_statement`` (404)."""
    return store.statement_version(contract_id, period, version=version)


def _settled(store: Store, contract_id: str, period: Period, principal: Principal
             ) -> dict[str, Any]:
    r = store.settle(contract_id, period, by=principal.actor)
    v = _version(store, contract_id, period, r.version)
    s: Statement = r.statement
    return {"contract_id": contract_id, "period": str(period), "version": r.version,
            "written": r.written, "correction": r.correction, "payable": str(s.payable),
            "difference": str(r.difference), "due_on": None if s.due_on is None
            else s.due_on.isoformat(), "title": v.title_zh, "lines_zh": v.lines_zh(),
            "findings": len(s.findings),
            "url": f"/api/v1/contracts/{contract_id}/statements/{period}"}


class StatementsApi(Controller):
    """结算与结算单：结算、查看（JSON、打印页、Excel）、版本。"""

    path = "/contracts/{contract_id:str}"
    tags = ("结算与结算单",)

    @post("/settle/{period:str}", summary="结算一份合同的某一期间", sync_to_thread=True,
          status_code=200,
          description="从登记库结算该期间：登记内容未变则返回已存的结算单、不重复记录"
                      "（written=false）；登记内容有变则存更正结算单（新版本）。须先结算上一期。"
                      "经办人或财务结算。")
    def settle(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId,
               period: PeriodPath) -> dict[str, Any]:
        see(store, principal, contract_id)
        p = period_at(period)
        need(store, principal, "finance", "officer", action="settle",
             obj=f"statements:{contract_id}/{p}")
        return _settled(store, contract_id, p, principal)

    @get("/statements", summary="合同的结算单", sync_to_thread=True,
         return_dto=Lib[StoredStatement],
         description="合同各期现行的结算单（应付金额、差额、到期日、结算人）；"
                     "history=true 列出全部版本。")
    def list_statements(self, store: StoreDependency, principal: CurrentPrincipal,
                        contract_id: ContractId, history: HistoryQuery = False
                       ) -> list[StoredStatement]:
        see(store, principal, contract_id)
        return store.statements(contract_id, history=history)

    @get("/statements/{period:str}", summary="结算单（JSON）", sync_to_thread=True,
         description="一期的结算单：每个数字及其计算依据、发现的问题（中文）、结算单版本"
                     "（registry_version）。version 指定版本，默认现行版本。")
    def show(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId,
             period: PeriodPath, version: VersionQuery = None) -> Response[bytes]:
        body = statement_bytes(store, principal, contract_id, period_at(period), version)
        return Response(body, media_type=MediaType.JSON)

    @get("/statements/{period:str}/print", summary="结算单打印页（HTML）", sync_to_thread=True,
         media_type=MediaType.HTML,
         description="可打印的结算单网页（中文，内嵌字体，无外部资源）。")
    def printable(self, store: StoreDependency, principal: CurrentPrincipal,
                  contract_id: ContractId, period: PeriodPath, version: VersionQuery = None) -> str:
        from ...desk.printable import statement_html

        see(store, principal, contract_id)
        p = period_at(period)
        v = _version(store, contract_id, p, version)
        return statement_html(store.statement(contract_id, p, version=v.version), version=v)

    @get("/statements/{period:str}/xlsx", summary="结算单（Excel）", sync_to_thread=True,
         media_type=XLSX, description="结算单的 Excel 文件（汇总表与合同明细表）。")
    def workbook(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId,
                 period: PeriodPath, version: VersionQuery = None) -> Response[bytes]:
        from ...desk.xlsx_statement import export_statements

        see(store, principal, contract_id)
        p = period_at(period)
        v = _version(store, contract_id, p, version)
        s = store.statement(contract_id, p, version=v.version)
        name = f"结算单-{contract_id}-{p}.xlsx"
        return attachment(written(lambda f: export_statements([s], f, [v]), name), name)

    @get("/statements/{period:str}/history", summary="结算单的全部版本", sync_to_thread=True,
         return_dto=Lib[StatementVersion],
         description="该期结算单的全部版本（由旧到新）：更正的原应付金额、差额与原因、"
                     "审计链位置。")
    def history(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId,
                period: PeriodPath) -> list[StatementVersion]:
        see(store, principal, contract_id)
        return store.statement_history(contract_id, period_at(period))


class SettleApi(Controller):
    """按单位结算与导出。"""

    path = "/"
    tags = ("结算与结算单",)

    @post("/settle", summary="结算一个单位（含下级单位）的全部合同", sync_to_thread=True,
          dto=Lib[SettleUnitIn], return_dto=Lib[BatchResult], status_code=200,
          description="结算该期间履行中的、本单位（或 unit 指定的下级单位）及其下级单位的全部"
                      "合同，每份合同各自一个事务；未能结算的列出原因，其余照常结算。")
    def settle_unit(self, store: StoreDependency, principal: CurrentPrincipal,
                    data: JSONBody[SettleUnitIn]) -> BatchResult:
        p = data.period
        need(store, principal, "finance", "officer", action="settle",
             obj=f"statements:*/{p}")
        seen = visible_contracts(store, principal, data.unit)
        ids = [c.id for c in store.contracts(on=p.range.start)
               if c.id in seen
               and c.term_start <= p.range.end and c.term_end >= p.range.start]
        outcomes = [settle_one(store, cid, str(p), principal.actor) for cid in sorted(ids)]

        def ids_of(kind: str) -> tuple[str, ...]:
            return tuple(x.contract_id for x in outcomes if x.kind == kind)

        failed: tuple[Failure, ...] = tuple(x.failure for x in outcomes if x.failure)
        return BatchResult(p, ids_of("written"), ids_of("unchanged"), ids_of("corrected"),
                           failed)

    @get("/statements/{period:str}/xlsx", summary="导出某期全部结算单（Excel）",
         sync_to_thread=True, media_type=XLSX,
         description="本单位（或 unit 指定的下级单位）可见的该期全部结算单，导出为一个 Excel。")
    def export(self, store: StoreDependency, principal: CurrentPrincipal, period: PeriodPath,
               unit: UnitQuery = None) -> Response[bytes]:
        from ...desk.xlsx_statement import export_statements

        p = period_at(period)
        seen = visible_contracts(store, principal, unit)
        statements, versions = [], []
        for c in store.contracts(on=p.range.end):
            if c.id not in seen:
                continue
            try:
                v = _version(store, c.id, p, None)
            except RegistryError as exc:
                if exc.code != "registry.no_statement":
                    raise
                continue
            statements.append(store.statement(c.id, p, version=v.version))
            versions.append(v)
        if not statements:
            raise ApiError("no statements for this period", field="period", value=str(p),
                           code="api.no_statements", term="结算单", params={"period": str(p)})
        name = f"结算单-{p}.xlsx"
        return attachment(written(lambda f: export_statements(statements, f, versions), name),
                          name)
