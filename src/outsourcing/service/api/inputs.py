"""The month's inputs (当期录入): assessments (考核), actual usage (实际用量), acceptance (验收)
and final scores (期满考核得分) — as JSON or as the desk's workbooks, with the workbook
templates to download.  Each write is one transaction of the store; the same values again
write nothing; other values need the reason for a correction (更正)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import BodyKwarg, JSONBody

from ...performance import Assessment
from ...registry import Acceptance, Accepted, Imported, UsageRecorded
from ...usage import Usage
from .bodies import AcceptanceIn, AssessmentsIn, FinalScoreIn, UsageIn
from .codec import Lib
from .files import XLSX, ApiError, attachment, uploaded, written
from .params import ContractId, CorrectionQuery, HistoryQuery, PeriodPath, period_at
from .scope import CurrentPrincipal, StoreDependency, need, see

__all__ = ["InputsApi"]

Upload = Annotated[UploadFile, BodyKwarg(media_type=RequestEncodingType.MULTI_PART,
                                         title="工作簿",
                                         description="填好的工作簿（.xlsx），表单字段 file")]


def _same_period(items: Sequence[Assessment | Usage], period: str, what: str) -> None:
    p = period_at(period)
    for n, x in enumerate(items):
        if x.period != p:
            raise ApiError("the period differs from the path's", field=f"{what}[{n}].period",
                           value=str(x.period), code="api.period_mismatch", term="期间",
                           params={"path": str(p), "body": str(x.period)})


class InputsApi(Controller):
    """考核、实际用量、验收、期满考核得分。"""

    path = "/contracts/{contract_id:str}"
    tags = ("考核与验收",)

    @get("/assessments/{period:str}", summary="某期的考核记录", sync_to_thread=True,
         return_dto=Lib[Assessment],
         description="该期各服务项目现行的考核记录；history=true 列出全部版本（由旧到新）。")
    def assessments(self, store: StoreDependency, principal: CurrentPrincipal,
                    contract_id: ContractId, period: PeriodPath, history: HistoryQuery = False
                   ) -> list[Assessment]:
        see(store, principal, contract_id)
        return store.assessments(contract_id, period_at(period), history=history)

    @post("/assessments/{period:str}", summary="录入考核（JSON）", sync_to_thread=True,
          dto=Lib[AssessmentsIn], return_dto=Lib[Imported], status_code=200,
          description="录入该期各服务项目的考核记录，一次事务：内容相同的不重复记录；内容不同的"
                      "须在 correction 写明更正理由。考核人（assessor）录入。")
    def record_assessments(self, store: StoreDependency, principal: CurrentPrincipal,
                           contract_id: ContractId, period: PeriodPath,
                           data: JSONBody[AssessmentsIn]) -> Imported:
        see(store, principal, contract_id)
        need(store, principal, "assessor", action="record_assessment",
             obj=f"assessments:{contract_id}")
        _same_period(data.assessments, period, "assessments")
        return store.import_assessments(contract_id, data.assessments, by=principal.actor,
                                     correction=data.correction)

    @post("/assessments/{period:str}/workbook", summary="导入考核表（上传）",
          sync_to_thread=True, return_dto=Lib[Imported], status_code=200,
          description="上传填好的考核表（.xlsx，表单字段 file），整本一次记录；correction "
                      "为更正理由（查询参数）。")
    def import_workbook(self, store: StoreDependency, principal: CurrentPrincipal,
                        contract_id: ContractId, period: PeriodPath, data: Upload,
                        correction: CorrectionQuery = None) -> Imported:
        from ...desk.xlsx_assess import import_assessments

        see(store, principal, contract_id)
        need(store, principal, "assessor", action="record_assessment",
             obj=f"assessments:{contract_id}")
        p = period_at(period)
        tl = store.timeline(contract_id)
        _, kpis = store.terms(contract_id)
        with uploaded(data) as path:
            found = import_assessments(path, tl, p,
                                       store.plugins.rulebook(tl.contract.jurisdiction),
                                       kpis=kpis or None)
        return store.import_assessments(contract_id, found, by=principal.actor,
                                        correction=correction)

    @get("/assessments/{period:str}/template.xlsx", summary="下载考核表", sync_to_thread=True,
         media_type=XLSX, description="该期的考核表（Excel）：各服务项目、应考核的指标。")
    def assessment_template(self, store: StoreDependency, principal: CurrentPrincipal,
                            contract_id: ContractId, period: PeriodPath) -> Any:
        from ...desk.xlsx_assess import assessment_template

        see(store, principal, contract_id)
        p = period_at(period)
        tl = store.timeline(contract_id)
        _, kpis = store.terms(contract_id)
        rb = store.plugins.rulebook(tl.contract.jurisdiction)
        name = f"考核表-{contract_id}-{p}.xlsx"
        return attachment(written(lambda f: assessment_template(tl, p, rb, f,
                                                                kpis=kpis or None), name), name)

    @get("/usage/{period:str}", summary="某期的实际用量", sync_to_thread=True,
         return_dto=Lib[Usage], description="该期录入的实际用量；history=true 列出全部版本。")
    def usage(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId,
              period: PeriodPath, history: HistoryQuery = False) -> list[Usage]:
        see(store, principal, contract_id)
        return store.usage(contract_id, period_at(period), history=history)

    @post("/usage/{period:str}", summary="录入实际用量（JSON）", sync_to_thread=True,
          dto=Lib[UsageIn], return_dto=Lib[UsageRecorded], status_code=200,
          description="录入该期按实结算的服务项目的实际用量（数量或材料费），一次事务；"
                      "更改已录入的数值须写明 correction。经办人录入。")
    def record_usage(self, store: StoreDependency, principal: CurrentPrincipal,
                     contract_id: ContractId, period: PeriodPath, data: JSONBody[UsageIn]
                    ) -> list[UsageRecorded]:
        see(store, principal, contract_id)
        need(store, principal, "officer", "assessor", action="record_usage",
             obj=f"usage:{contract_id}")
        _same_period(data.usage, period, "usage")
        return store.record_usage(contract_id, data.usage, by=principal.actor,
                                  reason=data.correction)

    @post("/usage/{period:str}/workbook", summary="导入实际用量登记表（上传）",
          sync_to_thread=True, return_dto=Lib[UsageRecorded], status_code=200,
          description="上传填好的实际用量登记表（.xlsx，表单字段 file），整本一次记录。")
    def import_usage(self, store: StoreDependency, principal: CurrentPrincipal,
                     contract_id: ContractId, period: PeriodPath, data: Upload,
                     correction: CorrectionQuery = None) -> list[UsageRecorded]:
        from ...desk.xlsx_usage import read_usage_workbook

        see(store, principal, contract_id)
        need(store, principal, "officer", "assessor", action="record_usage",
             obj=f"usage:{contract_id}")
        p = period_at(period)
        lines = store.prepared(contract_id).usage_lines(p)
        with uploaded(data) as path:
            found = read_usage_workbook(path, contract_id, p, lines)
        return store.record_usage(contract_id, found, by=principal.actor, reason=correction or "")

    @get("/usage/{period:str}/template.xlsx", summary="下载实际用量登记表",
         sync_to_thread=True, media_type=XLSX,
         description="该期的实际用量登记表（Excel），已录入的数值预先填好。")
    def usage_template(self, store: StoreDependency, principal: CurrentPrincipal,
                       contract_id: ContractId, period: PeriodPath) -> Any:
        from ...desk.xlsx_usage import usage_template

        see(store, principal, contract_id)
        p = period_at(period)
        pc = store.prepared(contract_id)
        recorded = {u.line: u for u in store.usage(contract_id, p)}
        name = f"实际用量-{contract_id}-{p}.xlsx"
        return attachment(written(lambda f: usage_template(
            contract_id, pc.contract.title, p, pc.usage_lines(p), f, recorded), name), name)

    @get("/acceptance/{period:str}", summary="某期的验收记录", sync_to_thread=True,
         return_dto=Lib[Acceptance], description="该期现行的验收记录；history=true 列出全部版本。")
    def acceptance(self, store: StoreDependency, principal: CurrentPrincipal,
                   contract_id: ContractId, period: PeriodPath, history: HistoryQuery = False
                  ) -> list[Acceptance]:
        see(store, principal, contract_id)
        return store.acceptances(contract_id, period_at(period), history=history)

    @post("/acceptance/{period:str}", summary="记录验收", sync_to_thread=True,
          dto=Lib[AcceptanceIn], return_dto=Lib[Accepted], status_code=200,
          description="记录该期的验收（验收日期是付款期限的起算日，保障中小企业款项支付条例 "
                      "第九条）；内容不同的再次记录须写明 reason。经办人或考核人记录。")
    def accept(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId,
               period: PeriodPath, data: JSONBody[AcceptanceIn]) -> Accepted:
        see(store, principal, contract_id)
        need(store, principal, "officer", "assessor", action="accept",
             obj=f"acceptances:{contract_id}/{period}")
        return store.accept(contract_id, period_at(period), data.accepted_on, by=principal.actor,
                         accepted_by=data.accepted_by, acceptance_due=data.acceptance_due,
                         reason=data.reason)

    @post("/final-scores", summary="录入期满考核得分", sync_to_thread=True,
          dto=Lib[FinalScoreIn], return_dto=None, status_code=200,
          description="录入服务项目的年度或期满考核得分（0 至 100），暂扣款按此释放。考核人录入。")
    def final_score(self, store: StoreDependency, principal: CurrentPrincipal,
                    contract_id: ContractId, data: JSONBody[FinalScoreIn]) -> dict[str, Any]:
        see(store, principal, contract_id)
        need(store, principal, "assessor", action="record_final_score",
             obj=f"final_scores:{contract_id}/{data.line}")
        version, wrote = store.record_final_score(contract_id, data.line, data.score,
                                               by=principal.actor, reason=data.reason)
        return {"line": data.line, "version": version, "written": wrote}

    @get("/final-scores", summary="期满考核得分", sync_to_thread=True,
         description="各服务项目现行的年度或期满考核得分。")
    def final_scores(self, store: StoreDependency, principal: CurrentPrincipal,
                     contract_id: ContractId) -> dict[str, str]:
        see(store, principal, contract_id)
        return {line: str(score) for line, score in store.final_scores(contract_id).items()}
