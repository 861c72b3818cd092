"""Amounts in Chinese capitals (大写金额), as written on a statement or a cheque.

The rules of 会计基础工作规范 第五十二条 (财政部): digits 零壹贰叁肆伍陆柒捌玖 with the units
拾佰仟万亿; a leading 1 is written 壹拾; one 零 for a run of zeros inside the figure; an amount
that ends at 元 or 角 ends with 整, one with 分 does not; when 角 is zero but 分 is not, 零 is
written after 元 (壹万陆仟肆佰零玖元零贰分).  A negative amount is written with 负 first.

:func:`amount_in_capitals` writes an amount; :func:`parse_capitals` reads one back (the
tests check that the two agree on every amount).
"""

from __future__ import annotations

from .._limits import MAX_YUAN
from ..errors import MoneyError
from ..money import Money

__all__ = ["CAPITALS_CITATION", "amount_in_capitals", "parse_capitals"]

CAPITALS_CITATION = "会计基础工作规范（财政部）第五十二条: 汉字大写金额数字的书写"

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_GROUP = ("", "拾", "佰", "仟")
_GROUP = ("", "万", "亿", "万")
LIMIT_FEN = MAX_YUAN * 100 + 1
"""Every amount :class:`Money` takes (up to 10¹⁸ yuan, 百亿亿元) can be written."""


def _yuan_in_capitals(n: int) -> str:
    if n >= 10**16:  # 亿亿: the part above 亿, then 亿, then the rest (with 零 for a gap)
        high, low = divmod(n, 10**8)
        rest = "" if not low else ("零" if low < 10**7 else "") + _yuan_in_capitals(low)
        return _yuan_in_capitals(high) + "亿" + rest
    groups: list[int] = []
    while n:
        groups.append(n % 10_000)
        n //= 10_000
    out: list[str] = []
    zero_pending = False
    for g in range(len(groups) - 1, -1, -1):
        value = groups[g]
        for p in range(3, -1, -1):
            d = value // 10**p % 10
            if d == 0:
                if out:
                    zero_pending = True
                continue
            if zero_pending:
                out.append("零")
                zero_pending = False
            out.append(DIGITS[d] + _IN_GROUP[p])
        if value:
            out.append(_GROUP[g])
        if g == 2 and not value and len(groups) > 3 and groups[3]:
            out.append("亿")  # 壹万亿: the 万亿 group stands, the 亿 group is empty
    return "".join(out)


def amount_in_capitals(amount: Money) -> str:
    """The amount in Chinese capitals: ¥144,461.29 → 壹拾肆万肆仟肆佰陆拾壹元贰角玖分.

    >>> amount_in_capitals(Money("100.00"))
    '壹佰元整'
    >>> amount_in_capitals(Money("0.05"))
    '伍分'
    """
    if not isinstance(amount, Money):
        raise MoneyError("an amount in capitals needs a Money", field="amount", value=amount,
                         term="大写金额", code="money.capitals_not_money",
                         zh="大写金额只能由精确到分的金额生成")
    fen = amount.fen
    if abs(fen) >= LIMIT_FEN:
        raise MoneyError("amount too large to write in capitals", field="amount",
                         value=str(amount), term="大写金额", code="money.capitals_too_large",
                         zh="金额过大，无法写成大写金额")
    if fen == 0:
        return "零元整"
    sign = "负" if fen < 0 else ""
    fen = abs(fen)
    yuan, jiao, cent = fen // 100, fen // 10 % 10, fen % 10
    out = [sign]
    if yuan:
        out.append(_yuan_in_capitals(yuan) + "元")
    if jiao:
        out.append(DIGITS[jiao] + "角")
    elif yuan and cent:
        out.append("零")
    if cent:
        out.append(DIGITS[cent] + "分")
    else:
        out.append("整")
    return "".join(out)


_UNIT = {"拾": 10, "佰": 100, "仟": 1000}


def _bad(text: str, why: str) -> MoneyError:
    return MoneyError(f"not an amount in capitals: {why}", field="amount", value=text,
                      term="大写金额", code="money.capitals_unreadable",
                      zh=f"无法读取大写金额：{why}")


def _parse_yuan(text: str, whole: str) -> int:
    total = mid = section = number = 0
    for ch in text:
        if ch in DIGITS:
            number = DIGITS.index(ch)
        elif ch in _UNIT:
            section += (number or 1) * _UNIT[ch]
            number = 0
        elif ch == "万":
            mid = (section + number) * 10_000
            section = number = 0
        elif ch == "亿":
            total = (total + mid + section + number) * 10**8
            mid = section = number = 0
        else:
            raise _bad(whole, f"unexpected {ch!r}")
    return total + mid + section + number


def parse_capitals(text: str) -> Money:
    """Read an amount in capitals back (壹佰元整 → ¥100.00)."""
    s = text.strip()
    negative = s.startswith("负")
    s = s.removeprefix("负").removesuffix("整").removesuffix("正")
    yuan = 0
    if "元" in s:
        head, s = s.split("元", 1)
        yuan = _parse_yuan(head, text)
    jiao = cent = 0
    s = s.removeprefix("零")
    if "角" in s:
        head, s = s.split("角", 1)
        if len(head) != 1 or head not in DIGITS:
            raise _bad(text, "角 needs one digit")
        jiao = DIGITS.index(head)
    if s:
        if len(s) != 2 or s[1] != "分" or s[0] not in DIGITS:
            raise _bad(text, f"unexpected {s!r}")
        cent = DIGITS.index(s[0])
    fen = yuan * 100 + jiao * 10 + cent
    return Money.from_fen(-fen if negative else fen)
