"""``/api/v1/contracts``: record (JSON or workbook), check, show and list contracts (合同)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import BodyKwarg, JSONBody
from litestar.response import Response

from ...errors import RegistryError
from ...findings import Finding, Severity
from ...model import Contract
from ...registry import ContractInfo, Store
from ...terms import ContractTerms
from .codec import Lib, plain
from .files import XLSX, ApiError, attachment, uploaded, written
from .params import (
    ContractId,
    OnQuery,
    ServiceQuery,
    SiteQuery,
    StatusQuery,
    SupplierQuery,
    UnitQuery,
    on_date,
)
from .scope import CurrentPrincipal, Principal, StoreDependency, need, see, visible_contracts

__all__ = ["ContractsApi", "finding_json"]

STATUSES = ("pending", "in_force", "ended", "terminated")
Upload = Annotated[UploadFile, BodyKwarg(media_type=RequestEncodingType.MULTI_PART,
                                         title="工作簿",
                                         description="合同登记表（.xlsx），表单字段 file")]


def finding_json(f: Finding) -> dict[str, Any]:
    """A finding as the desk's ``--json`` gives it: the code for programs, the Chinese
    sentence for people, the rule and its citation."""
    return {"code": f.code, "severity": f.severity.value, "message_zh": f.message_zh,
            "message": f.message, "field": f.field, "rule_id": f.rule_id,
            "citation": f.citation}


def _services(store: Store) -> dict[str, str]:
    return {k.name_zh: k.code for k in store.plugins.catalogue}


def _read_workbook(store: Store, upload: UploadFile) -> ContractTerms:
    from ...desk.xlsx_contract import read_contract_terms

    with uploaded(upload) as path:
        return read_contract_terms(path, services=_services(store))


def _check(store: Store, contract: Contract) -> list[Finding]:
    return list(contract.check(store.plugins.rulebook(contract.jurisdiction)))


def _unit(principal: Principal, unit: str | None) -> str:
    """The unit a new contract belongs to: ``unit`` when the caller sees it, else the
    caller's own unit."""
    if unit:
        if unit not in principal.visible:
            raise RegistryError("no such unit", field="unit", value=unit[:120], term="单位",
                                code="registry.unknown_unit")
        return unit
    if principal.unit is None:
        raise ApiError("say which unit the contract belongs to: ?unit=", field="unit",
                       code="api.unit_needed", term="单位")
    return principal.unit


def _record(store: StoreDependency, principal: CurrentPrincipal, terms: ContractTerms,
            unit: str | None) -> dict[str, Any]:
    c = terms.contract
    need(store, principal, "officer", action="add_contract", obj=f"contracts:{c.id}")
    where = _unit(principal, unit)
    findings = _check(store, c)
    if any(f.severity is Severity.ERROR for f in findings):
        raise ApiError("the contract breaks a rule and is not recorded", field="contract",
                       value=c.id, code="api.contract_breaks_rules", term="合同",
                       params={"id": c.id, "findings": "；".join(
                           f.message_zh for f in findings if f.severity is Severity.ERROR)})
    store.add_contract(c, by=principal.actor, rules=terms.rules, kpis=terms.kpis,
                       contract_rules=terms.contract_rules, adopt=terms.adopt,
                       plan=terms.plan, unit=where)
    return {"id": c.id, "unit": where, "url": f"/api/v1/contracts/{c.id}",
            "findings": [finding_json(f) for f in findings]}


class ContractsApi(Controller):
    """合同：登记、检查、查看、列表。"""

    path = "/contracts"
    tags = ("合同",)

    @get("/", summary="合同列表", sync_to_thread=True, return_dto=Lib[ContractInfo],
         description="按单位（含下级单位）、服务类别、状态、供应商、办公区筛选本单位可见的合同；"
                     "状态依 on 日期（默认今天）：pending 未开始、in_force 履行中、ended 已到期、"
                     "terminated 已解除。")
    def list_contracts(self, store: StoreDependency, principal: CurrentPrincipal,
                       unit: UnitQuery = None, service: ServiceQuery = None,
                       status: StatusQuery = None, supplier: SupplierQuery = None,
                       site: SiteQuery = None, on: OnQuery = None) -> list[ContractInfo]:
        if status is not None and status not in STATUSES:
            raise ApiError(f"status must be one of {', '.join(STATUSES)}", field="status",
                           value=status, code="api.bad_status", term="合同状态",
                           params={"allowed": "、".join(STATUSES)})
        seen = visible_contracts(store, principal, unit)
        rows = store.contracts(supplier=supplier or None, service=service or None,
                               site=site or None, status=status, on=on_date(on))
        return [r for r in rows if r.id in seen]

    @post("/", summary="登记合同（JSON）", sync_to_thread=True, dto=Lib[ContractTerms],
          return_dto=None,
          description="检查并登记一份合同：请求体为合同的 JSON（库的 Contract 格式），或登记库的"
                      "合同文档格式 {\"contract\": …, \"rules\": …, \"kpis\": …}。违反规定的"
                      "合同不予登记（422，列明问题）。unit 为合同所属单位（默认本人所在单位）。"
                      "经办人（officer）可登记。")
    def add_json(self, store: StoreDependency, principal: CurrentPrincipal,
                 data: JSONBody[ContractTerms], unit: UnitQuery = None) -> dict[str, Any]:
        return _record(store, principal, data, unit)

    @post("/workbook", summary="登记合同（上传合同登记表）", sync_to_thread=True,
          description="上传填好的合同登记表（.xlsx，表单字段 file），检查并登记。")
    def add_workbook(self, store: StoreDependency, principal: CurrentPrincipal, data: Upload,
                     unit: UnitQuery = None) -> dict[str, Any]:
        return _record(store, principal, _read_workbook(store, data), unit)

    @post("/check", summary="检查合同（JSON，不登记）", sync_to_thread=True,
          dto=Lib[ContractTerms], return_dto=None, status_code=200,
          description="按规则检查一份合同，列出发现的问题，不登记。")
    def check_json(self, store: StoreDependency, principal: CurrentPrincipal,
                   data: JSONBody[ContractTerms]) -> list[dict[str, Any]]:
        return [finding_json(f) for f in _check(store, data.contract)]

    @post("/check/workbook", summary="检查合同登记表（不登记）", sync_to_thread=True,
          status_code=200, description="上传合同登记表（.xlsx），按规则检查，不登记。")
    def check_workbook(self, store: StoreDependency, principal: CurrentPrincipal, data: Upload
                      ) -> list[dict[str, Any]]:
        return [finding_json(f) for f in _check(store, _read_workbook(store, data).contract)]

    @get("/template.xlsx", summary="下载空白合同登记表", sync_to_thread=True,
         media_type=XLSX, description="空白的合同登记表（Excel），含服务类别下拉列表。")
    def template(self, store: StoreDependency, principal: CurrentPrincipal) -> Response[bytes]:
        from ...desk.xlsx_contract_write import write_contract_template

        services = [(k.code, k.name_zh) for k in store.plugins.catalogue]
        return attachment(written(lambda p: write_contract_template(p, services=services),
                                  "合同登记表.xlsx"), "合同登记表.xlsx")

    @get("/{contract_id:str}", summary="查看合同", sync_to_thread=True,
         description="合同、全部服务项目（含变更增加的）、变更记录（提出人、签批人）、"
                     "履行期限与补充合同额度（政府采购法 第四十九条）。")
    def show(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId
            ) -> dict[str, Any]:
        from ...changes import cap_report

        see(store, principal, contract_id)
        tl = store.timeline(contract_id)
        report = cap_report(tl, store.plugins.rulebook(tl.contract.jurisdiction), None)
        return {"contract": plain(tl.contract), "term_end": tl.term.end.isoformat(),
                "lines": [plain(x) for x in tl.all_lines().values()],
                "changes": [plain(r) for r in store.changes(contract_id)],
                "headroom": plain(report),
                "links": _links(contract_id)}

    @get("/{contract_id:str}/terms", summary="合同文档（含约定条款）", sync_to_thread=True,
         description="登记时的合同文档：合同及其约定的支付规则、考核指标、合同条款、付款计划。"
                     "可原样用于 POST /contracts。")
    def terms(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId
             ) -> dict[str, Any]:
        see(store, principal, contract_id)
        return store.contract_terms(contract_id).to_dict()

    @get("/{contract_id:str}/check", summary="检查登记的合同", sync_to_thread=True,
         description="按规则检查登记的合同，列出发现的问题。")
    def check_recorded(self, store: StoreDependency, principal: CurrentPrincipal,
                       contract_id: ContractId) -> list[dict[str, Any]]:
        see(store, principal, contract_id)
        return [finding_json(f) for f in _check(store, store.contract(contract_id))]


def _links(cid: str) -> dict[str, str]:
    base = f"/api/v1/contracts/{cid}"
    return {"self": base, "changes": f"{base}/changes", "statements": f"{base}/statements",
            "payments": f"{base}/payments", "headroom": f"{base}/headroom",
            "findings": f"/api/v1/findings?contract={cid}"}
