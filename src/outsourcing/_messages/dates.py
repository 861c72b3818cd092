"""Chinese messages: dates, periods, working days and date ranges (messages helper)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "date.type": "不是日期：须为日期或 YYYY-MM-DD 形式的文字（如 2022-10-01）",
    "date.invalid": "不是日期：须写成 YYYY-MM-DD（如 2022-10-01）",
    "date.not_ascii":
        "日期须用半角阿拉伯数字 0–9 书写，如 2022-10-01（不接受全角或其他文字的数字）",
    "date.month_out_of_range": "月份 {month} 不存在：月份须为 1 至 12",
    "date.day_out_of_range": "{year} 年 {month} 月没有 {day} 日：该月只有 {last} 天",
    "date.out_of_range": "日期超出范围：须在 {low} 至 {high} 之间",
    "date.range_reversed": "终止日期早于起始日期 {start}：终止日期须不早于起始日期",
    "date.period.type": "期间的年份与序号须为整数",
    "date.calendar.day_type": "工作日历中的放假日与调休上班日须为日期，不是 {kind}",
    "date.calendar.first_after_last": "工作日历的起始年份晚于终止年份 {last}",
    "date.calendar_conflict": "该日不能既是放假日又是调休上班日",
    "date.calendar.day_outside_years": "该日不在工作日历的年份范围内（{first}–{last} 年）",
    "date.working_day_unknown_year":
        "工作日历只包含 {known} 年的节假日安排，{year} 年的安排未知；"
        "请用 WorkCalendar.with_year 补充该年通知后再计算",
    "date.working_day_count": "工作日天数须为不小于 0 的整数",
    "date.calendar.not_next_year": "只能补充紧接的下一年（{next} 年）",
    "period.invalid": "不是期间：须写成 2022-10（月）、2022-Q4（季度）或 2022（年）",
    "period.not_ascii": "期间须用半角阿拉伯数字 0–9 书写，如 2022-10",
    "period.month_out_of_range": "月份 {month} 不存在：月份须为 1 至 12",
    "period.quarter_out_of_range": "第 {quarter} 季度不存在：季度须为 1 至 4",
    "period.year_index": "按年的期间序号须为 1",
    "period.type": "不是期间：须为 Period 或 2022-10 形式的文字",
}
