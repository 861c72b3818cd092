"""``/api/v1/contracts/{id}/changes`` and the headroom: propose, sign, reject (合同变更), and the
supplementary-contract headroom under 政府采购法 第四十九条 (补充合同额度)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, get, post
from litestar.params import JSONBody

from ...changes import Change, cap_report
from ...changes.report import CapReport
from ...registry import ChangeRecord
from .bodies import RejectIn, SignIn
from .codec import Lib
from .params import ChangeId, ContractId, OnQuery, UnitQuery, on_date
from .scope import CurrentPrincipal, StoreDependency, need, see, visible_contracts

__all__ = ["ChangesApi", "HeadroomApi"]


class ChangesApi(Controller):
    """合同变更：提出、签订、驳回、补充合同额度。"""

    path = "/contracts/{contract_id:str}"
    tags = ("合同变更",)

    @get("/changes", summary="合同的变更记录", sync_to_thread=True,
         return_dto=Lib[ChangeRecord],
         description="按提出顺序列出合同的全部变更：状态（pending 待签、signed 已签订、"
                     "rejected 已驳回）、提出人与时间、签批人与时间。")
    def list_changes(self, store: StoreDependency, principal: CurrentPrincipal,
                     contract_id: ContractId) -> list[ChangeRecord]:
        see(store, principal, contract_id)
        return store.changes(contract_id)

    @post("/changes", summary="提出变更", sync_to_thread=True, dto=Lib[Change],
          return_dto=None,
          description="提出一项合同变更（待签），请求体为库的 Change JSON（action 以 kind 区分"
                      "变更事项）。经办人或该合同供应商的人员可提出。")
    def propose(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId,
                data: JSONBody[Change]) -> dict[str, Any]:
        see(store, principal, contract_id)
        need(store, principal, "officer", "supplier", action="propose_change",
             obj=f"changes:{contract_id}/{data.id}")
        store.propose_change(contract_id, data, by=principal.actor)
        return {"id": data.id, "status": "pending",
                "url": f"/api/v1/contracts/{contract_id}/changes"}

    @post("/changes/{change_id:str}/sign", summary="签订变更", sync_to_thread=True,
          dto=Lib[SignIn], return_dto=Lib[Change], status_code=200,
          description="按规则检查待签的变更（政府采购法 第四十九条、第五十条），通过后签订；"
                      "不通过则驳回理由以问题详情返回，变更仍为待签。审批人签订，"
                      "提出人不得签订自己提出的变更。")
    def sign(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId,
             change_id: ChangeId, data: JSONBody[SignIn]) -> Change:
        see(store, principal, contract_id)
        need(store, principal, "approver", action="sign_change",
             obj=f"changes:{contract_id}/{change_id}")
        return store.sign_change(contract_id, change_id, by=principal.actor,
                                 signed_on=data.signed_on or date.today())

    @post("/changes/{change_id:str}/reject", summary="驳回变更", sync_to_thread=True,
          dto=Lib[RejectIn], return_dto=Lib[Change], status_code=200,
          description="驳回待签的变更并写明理由。审批人驳回。")
    def reject(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId,
               change_id: ChangeId, data: JSONBody[RejectIn]) -> Change:
        see(store, principal, contract_id)
        need(store, principal, "approver", action="reject_change",
             obj=f"changes:{contract_id}/{change_id}")
        return store.reject_change(contract_id, change_id, data.reason, by=principal.actor)

    @get("/headroom", summary="补充合同额度", sync_to_thread=True, return_dto=Lib[CapReport],
         description="补充合同额度：补充合同的采购金额不得超过原合同采购金额的百分之十"
                     "（政府采购法 第四十九条）；已用、剩余及每项增加与节减。")
    def headroom(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId,
                 on: OnQuery = None) -> CapReport:
        see(store, principal, contract_id)
        tl = store.timeline(contract_id)
        return cap_report(tl, store.plugins.rulebook(tl.contract.jurisdiction), on_date(on))


class HeadroomApi(Controller):
    """可见合同的补充合同额度。"""

    path = "/headroom"
    tags = ("合同变更",)

    @get("/", summary="各合同的补充合同额度", sync_to_thread=True, return_dto=Lib[CapReport],
         description="本单位（含下级单位）可见的每份合同的补充合同额度（政府采购法 第四十九条）。")
    def all_headroom(self, store: StoreDependency, principal: CurrentPrincipal,
                     unit: UnitQuery = None, on: OnQuery = None) -> list[CapReport]:
        seen = visible_contracts(store, principal, unit)
        day = on_date(on)
        out = []
        for info in store.contracts(on=day):
            if info.id in seen:
                tl = store.timeline(info.id)
                out.append(cap_report(tl, store.plugins.rulebook(info.jurisdiction), day))
        return out
