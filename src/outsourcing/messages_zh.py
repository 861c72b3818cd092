"""The Chinese messages for people, keyed by the stable codes (中文提示目录).

Every :class:`~outsourcing.findings.Finding` and every
:class:`~outsourcing.errors.OutsourcingError` carries a stable dotted ``code`` for programs.
A person reads the Chinese sentence this catalogue gives for the code, followed by the
Chinese term and the citation.  One catalogue, not a sentence at every call site:
:data:`MESSAGES` holds the entries below and each area's entries (``outsourcing/_messages/
<area>.py``, one file per area so parallel work does not collide); a plugin's codes are
added with :func:`register`.  ``tests/house/test_messages_from_one_catalogue.py`` fails on a
sentence written at a raise site, on a generic code and on a code with no entry.

How to raise
------------
1. Give a **specific** dotted code that tells this error apart from every other:
   ``period.month_out_of_range``, ``money.too_many_places`` — never a class's generic code
   (``money``, ``date``, ``model``, ``rule``, ``settlement``, ``registry`` …), which says
   only that *something* is wrong.  The first part names the thing, the rest what is wrong.
2. Name the ``field`` (the input's path, ``lines[2].pricing.monthly_fee``) and the ``value``
   found; the English ``message`` (for developers) says the same.
3. Write the Chinese sentence in the catalogue under the code (your area's file in
   ``outsourcing/_messages/``): what is wrong *and* what is allowed, e.g.
   ``"月份 {month} 不存在：月份须为 1 至 12"``.  Cite law by name and article through
   ``citation=``, not in the sentence.
4. Pass what the sentence's ``{placeholders}`` need as ``params`` (``field`` and ``value``
   are always available); ``str.format`` specs work (``{rate:f}``)::

       raise DateError(f"month {month} is not 1..12", field="period", value=text,
                       code="period.month_out_of_range", params={"month": month})

   The error renders ``period='2022-13'：月份 13 不存在：月份须为 1 至 12``
   (:attr:`~outsourcing.errors.OutsourcingError.message_zh`).
5. Never write ``zh="…"`` at a raise site; ``zh=exc.zh`` only passes on a wrapped error's
   sentence.  A finding (or anything else that stores its sentence) takes
   ``zh=say(code, **params)``.

Citations shown to people name the law and its article, or a published source by its title
and issue; :func:`citation_for_people` removes anything that looks like a file name or a line
number, should a citation ever carry one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from ._messages import AREAS

__all__ = [
    "CITATIONS_ZH",
    "MESSAGES",
    "VALUES_ZH",
    "citation_for_people",
    "has_cjk",
    "lookup",
    "mostly_chinese",
    "register",
    "say",
]

MESSAGES: dict[str, str] = {
    # --- errors: one per error class (the class's default code) ------------------------
    "error": "输入有误",
    "money": "金额有误：金额须为精确到分的人民币数额（不得使用浮点数）",
    "date": "日期或期间有误",
    "model": "合同数据有误",
    "rule": "规则参数不存在，或在所查日期未生效",
    "rule.load": "规则参数文件无法载入，或地方规则放宽了法定限制",
    "rule.loosens_legal_limit": "合同或下级规则放宽了法定限值（法定限值只能收紧）",
    "payment.tier_table_bands": "分档支付表须列明各档，或写明采用示例默认分档表",
    "payment.tier_table_not_in_force": "合同采用的示例默认分档表在该日期不存在",
    "jurisdiction": "辖区代码未知，或上级辖区链条不完整",
    "plugin": "辖区插件运行出错",
    "serialization": "数据格式有误，无法读成合同对象",
    "change": "合同变更数据有误（变更理由、状态等取值不在规定范围内）",
    "change.rejected": "合同变更被驳回，合同保持原状",
    "jurisdiction.unknown": "辖区代码未知：所用插件中没有这个辖区",
    "plugin.payment_rule.type": "辖区插件返回的支付规则不是 PaymentRule，无法用于结算",
    "rewards.min_score": "奖励规则的最低得分有误（须为 0 到 100 之间的数）",
    "rewards.share": "奖励分配比例有误（须为 0 到 1 之间的精确小数）",
    "change.conflict": "合同变更与已有变更冲突",
    "settlement": "结算资料不全或有误，无法出具结算单",
    "procurement": "采购文件、投标或评审数据有误",
    "scenario": "场景文件有误",
    "registry": "登记库操作有误",
    # --- findings: contracts ----------------------------------------------------------
    "term.over_maximum": "合同履行期限超过法定最长年限",
    "term.over_one_year_without_conditions":
        "合同履行期限超过一年，但未载明预算、绩效评价及续签条件",
    "qualification.missing": "供应商缺少该服务项目所需的资质",
    "qualification.expires_during_term": "供应商资质在合同履行期内到期",
    "scope.service_not_bought": "本辖区不采购该类服务（超出购买服务范围）",
    "budget.exceeded": "合同原金额超过预算",
    "holdback.final_assessment_missing": "暂扣款释放前缺少年度或期满考核，暂扣款暂不释放",
    "payment.illustrative_default":
        "合同未约定该付款条款，结算暂用示例默认值（地方惯例，非法定）；请在合同中约定或明确采纳",
    "usage.missing": "按实结算的服务项目当期实际用量未录入，该部分暂缓支付（不按计划或预算支付）",
    "payment.term_too_long": "约定的付款期限超过中小企业款项支付的法定期限",
    "payment.no_agreed_term": "供应商不是中小企业，合同未约定付款期限与逾期利息，无法确定到期日",
    "payment.interest_below_lpr": "约定的逾期利率低于合同订立时一年期贷款市场报价利率",
    # --- findings: changes ------------------------------------------------------------
    "change.unsigned": "合同变更缺少签订日期",
    "change.unapproved": "合同变更缺少审批人",
    "change.signed_in_future": "合同变更的签订日期晚于今天",
    "change.signed_out_of_order": "合同变更的签订日期早于上一次变更或合同本身的签订日期",
    "change.effective_outside_term": "合同变更的生效日期不在合同履行期限内",
    "change.backdated_too_far": "合同变更追溯生效的天数超过允许的限度",
    "change.unknown_service": "新增服务项目的服务类别未知",
    "change.different_subject_matter": "新增服务与原合同标的不同，应另行采购，不得以补充合同追加",
    "change.price_change_not_allowed": "调价须以税费变化、情势变更或合同约定的调价条款为依据",
    "change.price_increase_over_cap": "调价幅度超过允许的上限",
    "changes.supplementary_cap_exceeded": "补充合同累计金额将超过原合同采购金额的百分之十",
    "change.unknown_line": "服务项目不存在或已不在合同中",
    "change.no_effect": "该变更不改变任何内容",
    "change.no_quantity": "该服务项目按人工加材料计价，没有数量可改，请改其价格",
    "change.duplicate_line": "服务项目编号在本合同中已被使用",
    "change.last_line": "这是合同中最后一个在履行的服务项目，应解除合同而非删除项目",
    "change.suspension_outside_term": "中止期间须在生效日与合同期满之间",
    "change.overlapping_suspension": "中止期间与已有的中止重叠",
    "change.empty_suspension": "恢复日期即中止首日，中止期间为空",
    "change.resume_without_suspension": "该服务项目当时未中止，无需恢复履行",
    "change.term_before_effective": "变更后的期满日须至少包含生效日前一日",
    "change.empty_term": "在合同首日终止将使履行期限为空",
    # --- findings: settlement ---------------------------------------------------------
    "settlement.no_previous_statement": "未提供上期结算单：暂扣款余额与未达标记录从零起算",
    "settlement.no_acceptance_date": "本期无验收日期，无法确定付款到期日",
    "settlement.materials_over_budget": "本期材料费超过预算",
    "payment.site_aggregate_missing": "多点位考核须写明汇总方式（最低、平均或加权），不设默认",
    "statement.terms_mismatch": "用于解释结算单的合同条款不属于该合同",
    "assessment.incomplete": "部分考核指标本期未测，该服务项目费用暂缓支付",
    "assessment.missing": "服务项目本期在履行但未考核，其费用暂缓支付",
    "performance.replacement_threshold": "连续未达标，已达到更换社会化单位或解除合同的阈值",
    # --- findings: procurement and frameworks -----------------------------------------
    "tender.too_few_valid_bids": "实质性响应的投标不足法定家数，本次采购失败，应重新组织",
    "tender.should_be_reserved_for_sme": "预算在限额以内，应专门面向中小企业采购",
    "tender.bid_bond_over_limit": "投标保证金超过采购项目预算金额的法定比例",
    "award.signed_late": "合同签订晚于中标通知书发出后的法定期限",
    "estimate.rate_outside_practice": "费用测算采用的费率超出常见范围（示例参考）",
    "framework.term_too_long": "框架协议期限超过允许的最长年限",
    # --- the desk: workbooks, command line, store --------------------------------------
    "desk.usage": "命令用法有误",
    "desk.file_missing": "文件不存在",
    "desk.file_unwritable": "无法写入该文件或文件夹",
    "desk.workbook.unreadable": "无法读取该Excel工作簿",
    "desk.workbook.sheet_missing": "工作簿缺少规定的工作表（工作表可能被改名或删除）",
    "desk.workbook.header": "工作表表头与模板不符",
    "desk.workbook.not_a_number": "单元格应填数字，却填了文字",
    "desk.workbook.not_a_date": "单元格应填日期",
    "desk.workbook.over_maximum": "得分超过该评分项的分值",
    "desk.workbook.date_outside_period": "日期不在考核期间内",
    "desk.workbook.unknown_incident": "事件类型不在本合同约定的清单中",
    "desk.workbook.unknown_kpi": "考核指标不在本服务项目的指标清单中",
    "desk.workbook.missing_value": "必填单元格为空",
    "desk.workbook.wrong_template": "工作簿不是该合同该期间的考核模板",
    "desk.workbook.bad_cell": "单元格内容有误",
}
for _area in AREAS:
    MESSAGES.update(_area)
"""Code → the Chinese sentence for people (with every area's entries)."""

CITATIONS_ZH: dict[str, str] = {
    "UK PFI payment mechanism (SoPC4/PF2) — 16 warning notices in 12 months":
        "英国PFI付款机制（SoPC4/PF2）：12个月内累计16次预警通知",
    "UK PFI payment mechanism (SoPC4/PF2) — deductions capped at 10% in aggregate":
        "英国PFI付款机制（SoPC4/PF2）：扣款合计以当期费用的10%为上限",
    "UK PFI payment mechanism (SoPC4/PF2) — repeat failures multiplied ×1.5":
        "英国PFI付款机制（SoPC4/PF2）：重复发生的问题扣款×1.5",
    "UK PFI payment mechanism (SoPC4/PF2) — deductions capped at 20% per service":
        "英国PFI付款机制（SoPC4/PF2）：单项扣款以该项费用的20%为上限",
    "UK PFI payment mechanism (SoPC4/PF2) — warning notices in 3 consecutive months":
        "英国PFI付款机制（SoPC4/PF2）：连续3个月收到预警通知",
}
"""Published sources cited in English, as a Chinese reader sees them (title kept)."""

VALUES_ZH: dict[str, str] = {
    "higher": "越高越好", "lower": "越低越好", "proportional": "按比例计分",
    "pass_fail": "达标得满分", "actual": "按实际天数", "days_30": "按每月30天",
    "yes": "是", "no": "否", "True": "是", "False": "否",
}
"""Words that appear as values in a figure's inputs, in Chinese."""

_PREFIXES: tuple[tuple[str, str], ...] = (
    ("change.", "合同变更不符合规定"),
    ("changes.", "合同变更不符合规定"),
    ("settlement.", "结算检查发现问题"),
    ("payment.", "付款检查发现问题"),
    ("assessment.", "考核检查发现问题"),
    ("performance.", "考核检查发现问题"),
    ("tender.", "采购检查发现问题"),
    ("award.", "采购检查发现问题"),
    ("procurement.", "采购检查发现问题"),
    ("framework.", "框架协议检查发现问题"),
    ("money.", "金额有误"),
    ("date.", "日期有误"),
    ("model.", "合同数据有误"),
    ("rule.", "规则参数有误"),
    ("desk.", "输入有误"),
    ("registry.", "登记库操作有误"),
    ("scenario.", "场景文件有误"),
    ("serialization.", "数据格式有误"),
    ("consultation.", "竞争性磋商检查发现问题"),
    ("single_source.", "单一来源采购检查发现问题"),
    ("contract.", "合同检查发现问题"),
    ("coverage.", "服务覆盖检查发现问题（办公区与合同）"),
    ("handover.", "服务交接检查发现问题"),
    ("renewal.", "续签与重新采购检查发现问题"),
    ("roster.", "联系人名册有误"),
    ("site_case.", "办公区场景文件有误"),
    ("site.", "办公区数据有误"),
    ("staff.", "驻场人员检查发现问题"),
    ("holdback.", "暂扣款（考核保证金）检查发现问题"),
    ("ocds.", "OCDS 数据发布检查发现问题"),
)


def register(messages: Mapping[str, str]) -> None:
    """Add Chinese messages for a plugin's own codes (a plugin may not replace core's)."""
    for code, text in messages.items():
        if code in MESSAGES and MESSAGES[code] != text:
            continue
        MESSAGES[code] = text


class _Params(dict[str, object]):
    """The values a sentence is filled from; a placeholder without a value stays as written
    (the house test checks that each raise site passes what its sentence needs)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def say(code: str, /, **params: object) -> str:
    """The Chinese sentence for ``code``, its ``{placeholders}`` filled from ``params``
    (an unlisted code reads its family's sentence, see :func:`lookup`)."""
    text = lookup(code) or MESSAGES["error"]
    if "{" not in text:
        return text
    try:
        return text.format_map(_Params(params))
    except (ValueError, TypeError, IndexError, AttributeError, KeyError):
        return text


def lookup(code: str) -> str | None:
    """The Chinese sentence for ``code``; for an unlisted code, its family's; else None."""
    if code in MESSAGES:
        return MESSAGES[code]
    for prefix, text in _PREFIXES:
        if code.startswith(prefix):
            return text
    return None


_FILE_REF = re.compile(
    r"[,，;；]?\s*(?:seed\s+)?[\w./-]+\.(?:txt|md|toml|py|json|csv)"
    r"(?:\s*,?\s*lines?\s+[\d,\s–-]+)?(?:\s*,)?",
    re.IGNORECASE)
_LINE_REF = re.compile(r"[,，;；]?\s*\(?\blines?\s+\d+(?:\s*[,–-]\s*\d+)*\)?", re.IGNORECASE)


@lru_cache(maxsize=4096)
def citation_for_people(citation: str) -> str:
    """A citation as a person reads it: the law and article, or a publication by title
    and issue — never a file name or a line number; ``illustrative:`` becomes 示例."""
    text = citation
    for en, zh in CITATIONS_ZH.items():
        text = text.replace(en, zh)
    text = _FILE_REF.sub("", text)
    text = _LINE_REF.sub("", text)
    text = re.sub(r"^illustrative:\s*", "示例（地方惯例，非法定，可由合同约定替换）：", text)
    text = re.sub(r"\(\s*\)|（\s*）", "", text)
    text = re.sub(r"\s*:\s*:", ":", text)
    return re.sub(r"\s{2,}", " ", text).strip(" ,;，；")


_CJK = re.compile("[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese characters."""
    return _CJK.search(text) is not None


@lru_cache(maxsize=4096)
def mostly_chinese(text: str) -> bool:
    """Whether a message reads as Chinese: Chinese characters and few Latin words (kept
    per text: a statement's findings repeat from month to month)."""
    return has_cjk(text) and len(_LATIN_WORD.findall(text)) <= 2
