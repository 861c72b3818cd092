"""A bureau for the web desk's tests and screenshots (not a test module): the web tests
(``tests/service/test_web_*``) and the browser tests (``tests/browser``) share it.

Dates run from today, so a change proposed on the desk can take effect within the term and
be signed today, and a payment can be dated today: the contracts began six months ago; the
first four months are settled (three paid), the fifth (:data:`Desk.month`) is the month the
browser tests work through.

Units: 宁夏 NX → 银川市 NX-YC → 兴庆区 NX-YC-XQ; 石嘴山市 NX-SZS → 大武口区 NX-SZS-DWK;
固原市 NX-GY (contracts out nothing).  Accounts (password :data:`PASSWORD`):

=========  ==============================  =====================  ===========
login      person                          roles                  unit
=========  ==============================  =====================  ===========
wang, li   approvers (wang founded it)     approver               NX
zhao       赵经办 (officer who assesses)     officer, assessor      NX
qian       钱财务 (settles)                  finance                NX
zhou       周财务 (pays: four eyes)          finance                NX
sun        孙经办（大武口）                    officer                NX-SZS-DWK
s1         供应商甲联系人                      supplier (S-1)         —
=========  ==============================  =====================  ===========
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

import outsourcing as o
from outsourcing.dates import DateRange
from outsourcing.registry import Store
from outsourcing.unit_tree import Level, Unit

PASSWORD = "口令-desk-horse-42"
UNITS = [
    Unit("NX", "宁夏回族自治区机关事务管理局", None, Level.REGION, "NX"),
    Unit("NX-YC", "银川市机关事务管理局", "NX", Level.CITY, "NX-YC"),
    Unit("NX-YC-XQ", "兴庆区机关事务服务中心", "NX-YC", Level.COUNTY, "NX-YC"),
    Unit("NX-SZS", "石嘴山市机关事务管理局", "NX", Level.CITY, "NX-SZS"),
    Unit("NX-SZS-DWK", "大武口区机关事务服务中心", "NX-SZS", Level.COUNTY, "NX-DWK"),
    Unit("NX-GY", "固原市机关事务管理局", "NX", Level.CITY, "NX-GY"),
]
MAIN = "NX-001"
"""The region's property contract the month is worked on."""
XQ = "XQ-001"
DWK = "DWK-001"


@attrs.frozen
class Desk:
    """The bureau built by :func:`build_desk`: its store and its dates."""

    store: Store
    start: date
    """The first day of the contracts (six months before this month)."""

    @property
    def month(self) -> o.Period:
        """The month the tests work through (the fifth of the term; ended)."""
        return o.Period.month((self.start + relativedelta(months=4)).year,
                              (self.start + relativedelta(months=4)).month)

    @property
    def settled(self) -> list[o.Period]:
        return [_month(self.start + relativedelta(months=n)) for n in range(4)]

    @property
    def next_month(self) -> date:
        """The first day of next month (a change proposed today takes effect then)."""
        return date.today().replace(day=1) + relativedelta(months=1)


def _month(d: date) -> o.Period:
    return o.Period.month(d.year, d.month)


def _contract(cid: str, unit: str, supplier: str, site: str, lines: list[o.ServiceLine],
              start: date, end: date, title: str) -> o.Contract:
    name = {u.id: u.name for u in UNITS}[unit]
    return o.Contract(id=cid, title=title, jurisdiction="CN", purchaser=o.Purchaser(unit, name),
                      supplier=o.Supplier(supplier, {"S-1": "宁夏某物业服务有限公司",
                                                     "S-2": "银川某保安服务有限公司"}[supplier],
                                          "small"),
                      term=DateRange(start, end), lines=lines)


def assessment(line: str, period: o.Period, score: str = "95") -> o.Assessment:
    """A line's assessment as the registry tests write one."""
    metrics = [o.Metric("repair_pass_rate", Decimal("98"))] if line == "property" else []
    return o.Assessment(
        line, period, "考核小组", period.end + timedelta(days=3),
        sheets=[o.ScoreSheet("inspection", [o.ScoreItem("综合", 100, Decimal(score))])],
        surveys=[o.Survey("satisfaction", 100, 96)], metrics=metrics)


def _people(s: Store) -> None:
    s.add_actor("wang", "王审批", ["approver"])
    s.add_actor("li", "李审批", ["approver"], by="wang")
    s.confirm_actor("li", by="li")
    for actor, name, roles, supplier in (
            ("zhao", "赵经办", ["officer", "assessor"], None),
            ("qian", "钱财务", ["finance"], None),
            ("zhou", "周财务", ["finance"], None),
            ("sun", "孙经办（大武口）", ["officer"], None),
            ("s1", "供应商甲联系人", ["supplier"], "S-1")):
        s.add_actor(actor, name, roles, supplier=supplier, by="wang")
        s.confirm_actor(actor, by="li")
    s.add_units(UNITS, by="wang")
    for login, unit in (("wang", "NX"), ("li", "NX"), ("zhao", "NX"), ("qian", "NX"),
                        ("zhou", "NX"), ("sun", "NX-SZS-DWK"), ("s1", None)):
        s.add_account(login, actor=login, password=PASSWORD, unit=unit,
                      by="li" if login == "wang" else "wang")


def build_desk(url: str) -> Desk:
    """The bureau (see the module) in the store at ``url``."""
    s = Store.open(url)
    _people(s)
    start = date.today().replace(day=1) - relativedelta(months=6)
    end = start + relativedelta(months=12) - timedelta(days=1)
    s.add_contract(_contract(MAIN, "NX", "S-1", "自治区政府办公区", [
        o.ServiceLine("property", "property", "自治区政府办公区", o.FixedMonthly("80000.00")),
        o.ServiceLine("cleaning", "cleaning", "自治区政府办公区", o.FixedMonthly("20000.00"))],
        start, end, "自治区政府办公区物业服务"), by="zhao", unit="NX")
    s.add_contract(_contract(XQ, "NX-YC-XQ", "S-2", "兴庆区政府", [
        o.ServiceLine("security", "security", "兴庆区政府", o.FixedMonthly("30000.00"))],
        start, start + relativedelta(months=8) - timedelta(days=1), "兴庆区政府安保服务"),
        by="zhao", unit="NX-YC-XQ")
    s.add_contract(_contract(DWK, "NX-SZS-DWK", "S-1", "大武口区政府", [
        o.ServiceLine("security", "security", "大武口区政府", o.FixedMonthly("18000.00")),
        o.ServiceLine("cleaning", "cleaning", "大武口区政府", o.FixedMonthly("12000.00"))],
        start, end, "大武口区政府安保保洁服务"), by="sun", unit="NX-SZS-DWK")
    desk = Desk(s, start)
    for n, p in enumerate(desk.settled):
        for line, score in (("property", ("96", "72", "91", "88")[n]), ("cleaning", "93")):
            s.record_assessment(MAIN, assessment(line, p, score), by="zhao")
        s.record_assessment(XQ, assessment("security", p, "90"), by="zhao")
        s.accept(MAIN, p, p.end + timedelta(days=5), by="zhao")
        s.settle(MAIN, p, by="qian")
        s.settle(XQ, p, by="qian")
        if n < 3:
            s.record_payment(MAIN, p, s.statement(MAIN, p).payable,
                             p.end + timedelta(days=20), by="zhou", reference=f"PZ-{n + 1:03d}")
    return desk


# --- the web tests' clients (tests/service/test_web_*) ---------------------------------------
SECRET = "web-desk-tests-secret-of-the-service-0123456789"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
HTML = {"accept": "text/html"}


def csrf_of(client: Any) -> str:
    """The CSRF token a page's forms carry (read from the sign-in page)."""
    found = CSRF.search(client.get("/signin").text)
    assert found is not None
    return found.group(1)


def signed_in(app: Any, login: str) -> Any:
    """A test client signed in as ``login`` through the sign-in form; its CSRF token is in
    ``client.csrf`` (every form of the tests sends it as ``_csrf_token``)."""
    from litestar.testing import TestClient

    c = TestClient(app=app)  # never entered: two entered clients of one app hang anyio
    token = csrf_of(c)
    r = c.post("/signin", data={"login": login, "password": PASSWORD, "_csrf_token": token},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    c.csrf = token  # type: ignore[attr-defined]
    return c


def post_form(client: Any, path: str, data: dict[str, str], **kw: Any) -> Any:
    """Post a form as the browser does (with the page's CSRF token), not following the
    redirect."""
    return client.post(path, data={**data, "_csrf_token": client.csrf}, headers=HTML,
                       follow_redirects=False, **kw)


def flashes(client: Any, path: str) -> str:
    """The messages (提示) the next page shows, as text."""
    page = client.get(path, headers=HTML).text
    return " ".join(re.findall(r'<div class="flash [a-z]+"[^>]*>(.*?)</div>', page, re.S))
