"""Payments (付款), what is due (应付款项) and the findings (发现的问题)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, get, post
from litestar.params import JSONBody

from ...registry import Due, PaymentRecord
from .bodies import PaymentIn, ReversalIn
from .codec import Lib
from .contracts import finding_json
from .params import (
    ContractId,
    ContractQuery,
    EveryQuery,
    OnQuery,
    PeriodQuery,
    UnitQuery,
    on_date,
    period_at,
)
from .scope import CurrentPrincipal, StoreDependency, need, see, visible_contracts

__all__ = ["DueApi", "PaymentsApi"]

class PaymentsApi(Controller):
    """付款：记录、冲正、列表。"""

    path = "/contracts/{contract_id:str}/payments"
    tags = ("付款",)

    @get("/", summary="合同的付款记录", sync_to_thread=True, return_dto=Lib[PaymentRecord],
         description="合同的付款记录（负数为追回或冲正）；period 只列该期间。")
    def list_payments(self, store: StoreDependency, principal: CurrentPrincipal,
                      contract_id: ContractId, period: PeriodQuery = None) -> list[PaymentRecord]:
        see(store, principal, contract_id)
        return store.payments(contract_id, None if not period else period_at(period))

    @post("/", summary="记录付款", sync_to_thread=True, dto=Lib[PaymentIn],
          return_dto=Lib[PaymentRecord],
          description="记录已结算期间的付款（负数为追回）：累计付款须在零与现行结算单应付金额"
                      "之间；付款日期不早于期间末日、不晚于今天；同一期间凭证号不得重复。"
                      "财务记录；超过本单位门槛的，结算人不得付款（双人审核）。")
    def record(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId,
               data: JSONBody[PaymentIn]) -> PaymentRecord:
        see(store, principal, contract_id)
        need(store, principal, "finance", action="record_payment",
             obj=f"payments:{contract_id}/{data.period}")
        return store.record_payment(contract_id, data.period, data.amount, data.paid_on,
                                 by=principal.actor, reference=data.reference)

    @post("/reversals", summary="冲正付款", sync_to_thread=True, dto=Lib[ReversalIn],
          return_dto=Lib[PaymentRecord],
          description="按凭证号（或 #序号）冲正一笔误记的付款，写明理由；amount 默认为全额。")
    def reverse(self, store: StoreDependency, principal: CurrentPrincipal, contract_id: ContractId,
                data: JSONBody[ReversalIn]) -> PaymentRecord:
        see(store, principal, contract_id)
        need(store, principal, "finance", action="reverse_payment",
             obj=f"payments:{contract_id}/{data.period}")
        return store.reverse_payment(contract_id, data.period, data.reverses, by=principal.actor,
                                  reason=data.reason, amount=data.amount)


class DueApi(Controller):
    """应付款项与发现的问题。"""

    path = "/"
    tags = ("付款",)

    @get("/due", summary="应付、逾期款项及逾期利息", sync_to_thread=True, return_dto=Lib[Due],
         description="截至 on（默认今天）可见合同的应付、已付、未付款项，逾期天数与逾期利息"
                     "（保障中小企业款项支付条例 第十五条）；every=true 也列出已付清的期间。")
    def due(self, store: StoreDependency, principal: CurrentPrincipal, on: OnQuery = None,
            contract: ContractQuery = None, unit: UnitQuery = None, every: EveryQuery = False
           ) -> list[Due]:
        day = on_date(on) or date.today()
        if contract:
            see(store, principal, contract)
        seen = visible_contracts(store, principal, unit)
        return [d for d in store.due(day, contract_id=contract or None, every=every)
                if d.contract_id in seen]

    @get("/findings", summary="发现的问题", sync_to_thread=True,
         description="可见合同现行结算单发现的问题（如上期未考核、付款期限过长），"
                     "可按合同、期间筛选。")
    def findings(self, store: StoreDependency, principal: CurrentPrincipal,
                 contract: ContractQuery = None, period: PeriodQuery = None, unit: UnitQuery = None
                ) -> list[dict[str, Any]]:
        if contract:
            see(store, principal, contract)
        seen = visible_contracts(store, principal, unit)
        p = None if not period else period_at(period)
        ids = [contract] if contract else sorted(seen)
        out = []
        for cid in ids:
            for s in store.statements(cid):
                if p is None or s.period == p:
                    out += [{"contract_id": cid, "period": str(s.period), **finding_json(f)}
                            for f in store.findings(cid, s.period)]
        return out
