"""The printable statement (结算单打印页): one self-contained HTML page per statement.

The page is laid out for A4 paper (print CSS): the bureau (采购人) and the supplier, the
period, a table of the service lines with their KPIs, the totals in figures and in Chinese
capitals (大写金额), the payment terms, the findings in Chinese, the basis of every figure
(计算依据) with its citation, and a signature block — 经办人、审核人、负责人 for the bureau,
供应商确认 for the supplier, each with a date.  The glyphs the page uses are embedded from the
bundled Noto Sans SC font, so the file prints the same on any machine; open it in a browser
and print, or render it headless (``chromium --headless --print-to-pdf``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING

import attrs

from ..messages_zh import VALUES_ZH
from ..money import Money, pct
from ..statement import Explanation, LineStatus, Statement, StatementLine, unit_zh
from .capitals import amount_in_capitals
from .fonts import FONT_FAMILY, font_face_css

if TYPE_CHECKING:
    from ..registry import StatementVersion

__all__ = ["SIGNATURES", "statement_html", "statement_text"]

SIGNATURES: tuple[tuple[str, str], ...] = (
    ("经办人", "采购人"),
    ("审核人", "采购人"),
    ("负责人", "采购人"),
    ("供应商确认（盖章）", "供应商"),
)
"""The signature block: who signs, for which party."""

_CSS = """
@page { size: A4; margin: 10mm 12mm 12mm 12mm; }
* { box-sizing: border-box; }
body { font-family: '%(family)s Embedded', '%(family)s', 'Noto Sans CJK SC', 'Source Han Sans SC',
       'Microsoft YaHei', 'SimSun', sans-serif; font-size: 10pt; color: #111; margin: 0;
       line-height: 1.35; }
.page { width: 186mm; margin: 0 auto; }
h1 { text-align: center; font-size: 18pt; letter-spacing: 0.6em; margin: 0 0 2.5mm; }
h2 { font-size: 10.5pt; margin: 3mm 0 1mm; border-left: 3px solid #333; padding-left: 2mm; }
p.correction { margin: 1mm 0; font-weight: bold; }
table { width: 100%%; border-collapse: collapse; }
th, td { border: 0.6pt solid #444; padding: 0.9mm 1.4mm; vertical-align: top; }
th { background: #eee; font-weight: 600; }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.head td { border: none; padding: 0.6mm 0; }
table.head td.k { width: 22mm; color: #444; }
table.lines { font-size: 8pt; table-layout: fixed; }
table.lines td, table.lines th { padding: 1mm 1mm; }
table.amount th { width: 45mm; text-align: left; }
tr.kpi td { font-size: 8pt; color: #333; background: #fafafa; }
tr.total td { font-weight: 700; }
.capitals { font-weight: 700; letter-spacing: 0.05em; }
ul.findings { margin: 0; padding-left: 5mm; }
ol.basis { margin: 0; padding-left: 6mm; font-size: 7pt; line-height: 1.2; color: #333; }
table.sign td { height: 13mm; width: 25%%; }
table.sign .who { font-weight: 600; }
table.sign .date { display: block; margin-top: 4mm; color: #444; }
.note { font-size: 8.5pt; color: #555; margin-top: 3mm; }
tr, li { page-break-inside: avoid; }
table.sign { page-break-inside: avoid; }
@media screen { body { background: #ddd; } .page { background: #fff; padding: 12mm;
  margin: 6mm auto; box-shadow: 0 0 4px #999; width: 210mm; } }
"""


def _m(x: Money) -> str:
    return escape(x.format())


_DEFAULT_TERM = "（示例默认，合同未约定）"
_MARK = re.compile(r"※示例默认 ([\w.]+)（合同未约定）")
_CODE_IN_BRACKETS = re.compile(r" ?\((\w+)\)")


def names_of(s: Statement) -> dict[str, str]:
    """Each line's and KPI's id → its name with the id beside (``消防维保·市政府办公区（fire）``,
    ``年度全面检测（yearly_full_test）``): what a person reads where a figure names one."""
    out: dict[str, str] = {}
    for x in s.lines:
        out[x.line_id] = f"{x.service_zh}·{x.site}（{x.line_id}）"
        for k in x.kpis:
            out.setdefault(k.id, f"{k.name_zh}（{k.id}）")
    return out


def default_terms(s: Statement) -> dict[str, str]:
    """Each illustrative default's rule id → its Chinese term (分档支付, 暂扣款 …), as the
    statement's findings name it."""
    return {f.rule_id: f.term.removesuffix(_DEFAULT_TERM) for f in s.findings
            if f.code == "payment.illustrative_default" and f.rule_id and f.term}


def explained_zh(e: Explanation, names: Mapping[str, str], labels: Mapping[str, str]) -> str:
    """One figure's basis for people: line and KPI ids as names with the id beside, codes in
    the citation (the day count, ``(actual)``) in Chinese."""
    citation = _CODE_IN_BRACKETS.sub(
        lambda m: f"（{VALUES_ZH[m[1]]}）" if m[1] in VALUES_ZH else m[0], e.citation)
    citation = citation.replace("UK PFI warning notices", "英国PFI付款机制（SoPC4/PF2）的预警通知")
    if e.line:
        citation = citation.replace(f"服务项目 {e.line} ", f"服务项目 {names.get(e.line, e.line)} ")
    shown = attrs.evolve(e, citation=citation,
                         inputs=tuple((names.get(k, k), v) for k, v in e.inputs))
    return shown.render("zh", line_label=labels.get(e.line))


def head_zh(text: str, s: Statement) -> str:
    """The statement's own text with the rule ids after ※示例默认 as their Chinese terms and
    the lines with a warning notice by name."""
    terms = default_terms(s)
    names = names_of(s)
    text = _MARK.sub(lambda m: f"※示例默认 {terms.get(m[1], m[1])}（合同未约定）", text)
    text = text.replace("UK PFI warning notices", "英国PFI付款机制（SoPC4/PF2）的预警通知")
    out = []
    for line in text.split("\n"):
        if line.startswith("预警通知：") and s.notices:
            line = "预警通知：" + "、".join(names.get(n, n) for n in s.notices)
        out.append(line)
    return "\n".join(out)


def _line_rows(x: StatementLine) -> list[str]:
    status = escape(x.status.zh)
    score = "—" if x.score is None else f"{x.score}"
    rate = "—" if x.pay_rate is None else pct(x.pay_rate)
    rows = [
        "<tr>"
        f"<td>{escape(x.service_zh)}<br><small>{escape(x.site)}</small></td>"
        f"<td>{status.replace('（', '<br>（')}</td>"
        f"<td class='n'>{_m(x.fee)}</td><td class='n'>{score}</td><td class='n'>{rate}</td>"
        f"<td class='n'>{_m(x.performance_amount)}</td>"
        f"<td class='n'>{_m(x.deductions_applied)}</td>"
        f"<td class='n'>{_m(x.holdback)}</td><td class='n'>{_m(x.released)}</td>"
        f"<td class='n'>{_m(x.payable)}</td></tr>"
    ]
    if x.status is LineStatus.NOT_RUNNING:
        return rows
    details: list[str] = []
    for k in x.kpis:
        u = unit_zh(k.unit)
        pts = "—" if k.points is None else f"{k.points}"
        weight = (f"{k.weight}%" if k.weight_applied is None
                  else f"{k.weight}%→{k.weight_applied}%")
        if k.measured is None and k.note:
            details.append(f"{escape(k.name_zh)}：{escape(k.note)}，权重 {weight}，得分 {pts}")
            continue
        measured = "未测" if k.measured is None else f"{k.measured}{u}"
        carried = f"（{k.note}）" if k.note else ""
        details.append(f"{escape(k.name_zh)}：实测 {escape(measured)}{escape(carried)}，目标 "
                       f"{k.target}{escape(u)}，权重 {weight}，得分 {pts}")
    if x.not_scored:
        details.append(f"本期不考核：{escape(x.not_scored)}")
    for d in x.deductions:
        extra = f"×{d.factor}（第{d.occurrence}次）" if d.factor != 1 else ""
        when = f"（{d.on}）" if d.on else ""
        details.append(f"扣款 {escape(d.label)}{when}：{_m(d.amount)}{extra}")
    if x.withheld:
        details.append(f"暂缓支付：{_m(x.withheld)}")
    if x.warning_notice:
        details.append(f"预警通知：连续 {x.failing_streak} 期未达标")
    if details:
        rows.append(f"<tr class='kpi'><td></td><td colspan='9'>{'；'.join(details)}</td></tr>")
    return rows


def _head(s: Statement, bureau: str | None, version: StatementVersion | None) -> list[str]:
    lines = version.lines_zh() if version is not None else ["结算单"]
    return [
        "<div class='page'>",
        f"<h1>{escape(lines[0])}</h1>",
        *[f"<p class='correction'>{escape(x)}</p>" for x in lines[1:]],
        "<table class='head'>",
        f"<tr><td class='k'>合同编号</td><td>{escape(s.contract_id)}</td>"
        f"<td class='k'>结算期间</td><td>{escape(str(s.period))}（{s.span.start} 至 "
        f"{s.span.end}）</td></tr>",
        f"<tr><td class='k'>合同名称</td><td colspan='3'>{escape(s.title)}</td></tr>",
        f"<tr><td class='k'>采购人</td><td colspan='3'>{escape(bureau or s.purchaser)}</td></tr>",
        f"<tr><td class='k'>供应商</td><td colspan='3'>{escape(s.supplier)}"
        f"（{escape(s.supplier_size)}）</td></tr>",
        "</table>",
    ]


def _lines_table(s: Statement) -> list[str]:
    body = [
        "<h2>结算明细</h2>",
        "<table class='lines'><colgroup><col style='width:25mm'><col style='width:15mm'>"
        + "<col>" * 8 + "</colgroup><thead><tr><th>服务项目</th><th>考核状态</th>"
        "<th class='n'>合同费用</th><th class='n'>考核得分</th><th class='n'>支付比例</th>"
        "<th class='n'>考核后金额</th><th class='n'>实际扣款</th><th class='n'>暂扣款</th>"
        "<th class='n'>释放暂扣款</th><th class='n'>应付金额</th></tr></thead><tbody>",
    ]
    for x in s.lines:
        body += _line_rows(x)
    return [
        *body,
        "<tr class='total'><td>合计</td><td></td>"
        f"<td class='n'>{_m(s.fee)}</td><td></td><td></td>"
        f"<td class='n'>{_m(s.performance_amount)}</td><td class='n'>{_m(s.deductions)}</td>"
        f"<td class='n'>{_m(s.holdback)}</td><td class='n'>{_m(s.released)}</td>"
        f"<td class='n'>{_m(s.payable)}</td></tr>",
        "</tbody></table>",
    ]


def _amounts(s: Statement) -> list[str]:
    body = [
        "<h2>应付金额</h2>",
        "<table class='amount'>",
        f"<tr><th>本期应付金额（小写）</th><td class='n'>{_m(s.payable)}</td></tr>",
        f"<tr><th>本期应付金额（大写）</th><td class='capitals'>人民币"
        f"{amount_in_capitals(s.payable)}</td></tr>",
    ]
    if s.total_cap is not None:
        body.append(f"<tr><th>扣款合计上限</th><td class='n'>{_m(s.total_cap)}</td></tr>")
    if s.due_on is None:
        body.append("<tr><th>付款到期日</th><td>未定（无验收日期）</td></tr>")
    else:
        body.append(f"<tr><th>验收日期</th><td>{s.accepted_on}</td></tr>")
        if s.clock_start != s.accepted_on:
            body.append(f"<tr><th>付款期限起算日</th><td>{s.clock_start}</td></tr>")
        body.append(f"<tr><th>付款期限</th><td>{s.payment_days} 日，{s.due_on} 前支付</td></tr>")
    if s.paid_on is not None:
        body += [
            f"<tr><th>实际支付日</th><td>{s.paid_on}（逾期 {s.late_days} 日）</td></tr>",
            f"<tr><th>逾期利息</th><td class='n'>{_m(s.late_interest)}</td></tr>",
            f"<tr><th>应付合计（小写）</th><td class='n'>{_m(s.amount_due)}</td></tr>",
            f"<tr><th>应付合计（大写）</th><td class='capitals'>人民币"
            f"{amount_in_capitals(s.amount_due)}</td></tr>",
        ]
    body.append("</table>")
    return body


def _findings(s: Statement) -> list[str]:
    if not (s.notices or s.triggers or s.findings):
        return []
    body = ["<h2>检查结果</h2><ul class='findings'>"]
    if s.notices:
        names = names_of(s)
        body.append(f"<li>预警通知：{escape('、'.join(names.get(n, n) for n in s.notices))}</li>")
    shown = {t.message for t in s.triggers}
    for t in s.triggers:
        body.append(f"<li>{escape(t.message)}</li>")
    for f in s.findings:
        if f.message in shown:
            continue
        body.append(f"<li>{escape(f.render('zh'))}</li>")
    body.append("</ul>")
    return body


def _basis_and_signatures(s: Statement) -> list[str]:
    body = ["<h2>计算依据</h2><ol class='basis'>"]
    labels = {x.line_id: f"{x.service_zh}·{x.site}" for x in s.lines}
    # the page keeps to one A4 sheet: the basis as the statement gives it (names for lines)
    body += [f"<li>{escape(e.render('zh', line_label=labels.get(e.line)))}</li>"
             for e in s.all_explanations()]
    body.append("</ol>")
    body.append("<h2>签字确认</h2><table class='sign'><tr>")
    for who, party in SIGNATURES:
        body.append(f"<td><span class='who'>{escape(who)}</span><br><small>{escape(party)}"
                    "</small><span class='date'>日期：　　年　　月　　日</span></td>")
    body.append("</tr></table>")
    body.append("<p class='note'>本结算单由系统按合同及考核结果生成，每项金额均注明计算依据；"
                "金额以人民币元计，精确到分。</p>")
    body.append("</div>")
    return body


def statement_html(statement: Statement, *, bureau: str | None = None,
                   embed_font: bool = True, version: StatementVersion | None = None) -> str:
    """The statement as a self-contained, printable HTML page, in Chinese.

    ``bureau`` names the office that settles (defaults to the purchaser); ``embed_font``
    embeds the page's glyphs from the bundled font (turn off for a smaller file when the
    reader's machine has a CJK font).  ``version`` (from the registry) titles the page
    ``结算单 第1版`` or ``更正结算单 第N版`` and, for a correction, shows the superseded
    payable, the difference to pay or recover and why.
    """
    s = statement
    body = (_head(s, bureau, version) + _lines_table(s) + _amounts(s) + _findings(s)
            + _basis_and_signatures(s))
    html_body = "\n".join(body)
    css = _CSS % {"family": FONT_FAMILY}
    if embed_font:
        css = font_face_css(html_body + "".join(w for w, _ in SIGNATURES)) + "\n" + css
    return (
        "<!DOCTYPE html>\n<html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>结算单 {escape(s.contract_id)} {escape(str(s.period))}</title>"
        f"<style>{css}</style></head><body>\n{html_body}\n</body></html>\n"
    )


def statement_text(statement: Statement, lang: str = "zh",
                   version: StatementVersion | None = None) -> str:
    """The statement as text for the desk: :meth:`Statement.render` with, for people, the
    basis of each figure in Chinese too (the line named by service and site, the citation by
    law or publication, the inputs' words in Chinese) and the payable in capitals; headed by
    its ``version`` (from the registry) when given: 更正结算单 第N版 and why."""
    text = statement.render(lang)
    if version is not None:
        text = "\n".join(version.lines_zh()) + "\n" + text
    if lang != "zh":
        return text
    head, sep, _ = text.partition("\n计算依据：\n")
    head = head_zh(head, statement)
    labels = {x.line_id: f"{x.service_zh}·{x.site}" for x in statement.lines}
    names = names_of(statement)
    basis = [f"  {explained_zh(e, names, labels)}" for e in statement.all_explanations()]
    capitals = f"应付金额（大写）：人民币{amount_in_capitals(statement.payable)}"
    return head + f"\n{capitals}\n" + sep + "\n".join(basis) + "\n"
