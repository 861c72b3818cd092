"""Certified staff (持证上岗): a line's staff roster against the posts its contract requires.

Staff for water, power, fire and automation must hold certificates; canteen staff a yearly
health certificate.  A contract (or the bureau, for a line) requires posts
(:class:`PostRequirement`): a post, the certificate it needs and how many certified people
per shift — the fire control room at least 2 per shift (GB 25201-2010).  :func:`check_staff`
checks a :class:`StaffRoster` over a span and reports, each with the days:

- ``staff.post_short`` — fewer certified people on a post and shift than required;
- ``staff.certificate_missing`` — someone on a certified post without the certificate;
- ``staff.certificate_expired`` — someone whose certificate expired while on the post.

:func:`certified_staff_rate` is the KPI "持证上岗率" (:data:`CERTIFIED_STAFF_KPI`), usable
in an assessment as a :class:`~outsourcing.performance.Metric`; :func:`expiring` lists the
certificates running out within N days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

import attrs

from .._validators import nonempty
from ..catalogue import KpiSpec
from ..dates import DateRange
from ..errors import ModelError
from ..findings import Finding, Severity
from ..money import div_half_up
from ..performance import Metric
from ..sites import merge_ranges

__all__ = [
    "CERTIFICATES",
    "CERTIFIED_STAFF_KPI",
    "Certificate",
    "PostRequirement",
    "StaffMember",
    "StaffReport",
    "StaffRoster",
    "certified_staff_metric",
    "certified_staff_rate",
    "check_staff",
    "expiring",
]

ONE_DAY = timedelta(days=1)

CERTIFICATES: dict[str, tuple[str, str]] = {
    "electrician": ("特种作业操作证（电工作业）",
                    "安全生产法 第三十条: 特种作业人员必须经专门的安全作业培训，"
                    "取得相应资格，方可上岗作业（条号按2021年修正文本读取，待核对）"),
    "elevator": ("特种设备安全管理和作业人员证",
                 "特种设备安全法 第十四条: 特种设备作业人员应当取得相应资格，方可从事相关工作"
                 "（条号待核对）"),
    "fire_operator": ("消防设施操作员证书",
                      "消防法 第二十一条: 自动消防系统的操作人员，必须持证上岗（条号待核对）; "
                      "GB 25201-2010: 消防控制室每班不少于2人"),
    "health": ("健康证明",
               "食品安全法 第四十五条: 从事接触直接入口食品工作的人员应当每年进行健康检查，"
               "取得健康证明后方可上岗工作"),
}
"""Certificate kinds the library knows: code → (Chinese name, citation).  Other codes may
be used; their name is the code."""

CERTIFIED_STAFF_KPI = KpiSpec(
    "certified_staff_rate", "持证上岗率", "certified staff rate", "%", Decimal(100), "higher",
    Decimal(100),
    "物业服务中水、电、消防、自动化岗位人员须持证上岗（seed 问题5）; 目标与权重为示例",
    illustrative=True)
"""The KPI as a :class:`~outsourcing.catalogue.KpiSpec`: weight 100 (give a line its own
weights when it has other KPIs, e.g. ``attrs.evolve(CERTIFIED_STAFF_KPI, weight=20)``)."""


@attrs.frozen
class Certificate:
    """A certificate a person holds (证书): kind, number, issuer, validity (inclusive)."""

    kind: str = attrs.field(validator=nonempty("证书类别", "staff.empty_field"))
    number: str = ""
    issuer: str = ""
    valid_until: date | None = None
    valid_from: date | None = None

    def __attrs_post_init__(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ModelError("valid_until is before valid_from", field="valid_until",
                             value=self.valid_until.isoformat(), term="证书有效期",
                             code="staff.certificate_dates")

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until)

    @property
    def name_zh(self) -> str:
        return CERTIFICATES.get(self.kind, (self.kind, ""))[0]


def _certs(v: Iterable[Certificate]) -> tuple[Certificate, ...]:
    return tuple(v)


@attrs.frozen
class StaffMember:
    """A person on a post and shift (岗位人员), with the certificates they hold and the days
    they are on the roster (``start``/``end`` inclusive; None is open)."""

    person: str = attrs.field(validator=nonempty("姓名", "staff.empty_field"))
    post: str = attrs.field(validator=nonempty("岗位", "staff.empty_field"))
    shift: str = "day"
    certificates: tuple[Certificate, ...] = attrs.field(default=(), converter=_certs)
    start: date | None = None
    end: date | None = None

    def on_roster(self, span: DateRange) -> DateRange | None:
        lo = max(span.start, self.start) if self.start else span.start
        hi = min(span.end, self.end) if self.end else span.end
        return DateRange(lo, hi) if lo <= hi else None

    def certified(self, kind: str, day: date) -> bool:
        return any(c.kind == kind and c.valid_on(day) for c in self.certificates)

    def certified_days(self, kind: str, span: DateRange) -> list[DateRange]:
        pieces = []
        for c in self.certificates:
            if c.kind != kind:
                continue
            lo = max(span.start, c.valid_from) if c.valid_from else span.start
            hi = min(span.end, c.valid_until) if c.valid_until else span.end
            if lo <= hi:
                pieces.append(DateRange(lo, hi))
        return merge_ranges(pieces)


def _members(v: Iterable[StaffMember]) -> tuple[StaffMember, ...]:
    return tuple(v)


@attrs.frozen
class StaffRoster:
    """A service line's staff (人员名册)."""

    contract_id: str = attrs.field(validator=nonempty("合同编号", "staff.empty_field"))
    line_id: str = attrs.field(validator=nonempty("服务项目编号", "staff.empty_field"))
    members: tuple[StaffMember, ...] = attrs.field(default=(), converter=_members)


def _shifts(v: Iterable[str]) -> tuple[str, ...]:
    out = tuple(v)
    if not out:
        raise ModelError("a post needs at least one shift", field="shifts", value=[],
                         term="班次", code="staff.no_shift")
    return out


@attrs.frozen
class PostRequirement:
    """A certified post a contract requires (持证岗位要求): ``per_shift`` people holding a
    ``certificate`` on each of ``shifts``."""

    post: str = attrs.field(validator=nonempty("岗位", "staff.empty_field"))
    certificate: str = attrs.field(validator=nonempty("证书类别", "staff.empty_field"))
    per_shift: int = 1
    shifts: tuple[str, ...] = attrs.field(default=("day",), converter=_shifts)
    citation: str = ""

    def __attrs_post_init__(self) -> None:
        if isinstance(self.per_shift, bool) or not isinstance(self.per_shift, int) or \
                self.per_shift < 1:
            raise ModelError("must be a whole number ≥ 1", field="per_shift",
                             value=self.per_shift, term="每班人数", code="staff.bad_count")

    @property
    def rule_citation(self) -> str:
        return self.citation or CERTIFICATES.get(self.certificate, ("", "合同约定"))[1]


@attrs.frozen
class StaffReport:
    """Findings for a staff roster over a span, with the certified staff rate."""

    span: DateRange
    findings: tuple[Finding, ...]
    rate: Decimal
    """持证上岗率 in percent, to two decimals (half-up)."""
    days: tuple[DateRange, ...] = ()
    """The days of each finding, in the same order."""


def _runs(days: Iterable[date]) -> list[DateRange]:
    return merge_ranges(DateRange(d, d) for d in days)


def check_staff(roster: StaffRoster, requirements: Sequence[PostRequirement],
                span: DateRange) -> StaffReport:
    """Check ``roster`` against ``requirements`` for every day of ``span`` (持证上岗检查)."""
    found: list[Finding] = []
    spans: list[DateRange] = []
    where = f"{roster.contract_id}.{roster.line_id}"
    for req in requirements:
        cite = req.rule_citation
        on_post = [m for m in roster.members if m.post == req.post]
        for shift in req.shifts:
            people = [m for m in on_post if m.shift == shift]
            short: list[tuple[date, int]] = []
            day = span.start
            while day <= span.end:
                n = sum(1 for m in people if (r := m.on_roster(span)) is not None and day in r
                        and m.certified(req.certificate, day))
                if n < req.per_shift:
                    short.append((day, n))
                day += ONE_DAY
            for run in _runs(d for d, _ in short):
                least = min(n for d, n in short if d in run)
                found.append(Finding(
                    "staff.post_short",
                    f"{where}: {req.post} ({shift} shift) has {least} certified "
                    f"{CERTIFICATES.get(req.certificate, (req.certificate,))[0]} holder(s), "
                    f"{req.per_shift} required, on {run.days} days {run}",
                    severity=Severity.ERROR, field=f"{where}.{req.post}.{shift}",
                    rule_id="staff.post_short", citation=cite, term="持证上岗"))
                spans.append(run)
        for m in on_post:
            r = m.on_roster(span)
            if r is None:
                continue
            held = m.certified_days(req.certificate, r)
            if not any(c.kind == req.certificate for c in m.certificates):
                found.append(Finding(
                    "staff.certificate_missing",
                    f"{where}: {m.person} ({req.post}, {m.shift}) holds no "
                    f"{CERTIFICATES.get(req.certificate, (req.certificate,))[0]}, on "
                    f"{r.days} days {r}", severity=Severity.ERROR,
                    field=f"{where}.{m.person}", rule_id="staff.certificate_missing",
                    citation=cite, term="持证上岗"))
                spans.append(r)
                continue
            covered = {r.start + timedelta(days=k) for h in held
                       for k in range((h.start - r.start).days, (h.end - r.start).days + 1)}
            for run in _runs(r.start + timedelta(days=k) for k in range(r.days)
                             if r.start + timedelta(days=k) not in covered):
                last = max((c.valid_until for c in m.certificates
                            if c.kind == req.certificate and c.valid_until is not None
                            and c.valid_until < run.start), default=None)
                what = (f"expired on {last}" if last is not None else "not yet valid")
                found.append(Finding(
                    "staff.certificate_expired",
                    f"{where}: {m.person}'s "
                    f"{CERTIFICATES.get(req.certificate, (req.certificate,))[0]} {what}; "
                    f"on the post without it on {run.days} days {run}",
                    severity=Severity.ERROR, field=f"{where}.{m.person}",
                    rule_id="staff.certificate_expired", citation=cite, term="持证上岗"))
                spans.append(run)
    return StaffReport(span, tuple(found), certified_staff_rate(roster, requirements, span),
                       tuple(spans))


def certified_staff_rate(roster: StaffRoster, requirements: Sequence[PostRequirement],
                         span: DateRange) -> Decimal:
    """持证上岗率: person-days on certified posts with a valid certificate, as a percentage
    of all person-days on those posts, to two decimals half-up (100 with nobody on them)."""
    need = {r.post: r.certificate for r in requirements}
    total = good = 0
    for m in roster.members:
        kind = need.get(m.post)
        r = m.on_roster(span)
        if kind is None or r is None:
            continue
        total += r.days
        good += sum(h.days for h in m.certified_days(kind, r))
    if total == 0:
        return Decimal("100.00")
    return Decimal(div_half_up(good * 10000, total)).scaleb(-2)


def certified_staff_metric(roster: StaffRoster, requirements: Sequence[PostRequirement],
                           span: DateRange) -> Metric:
    """The rate as an assessment :class:`~outsourcing.performance.Metric`."""
    return Metric(CERTIFIED_STAFF_KPI.id, str(certified_staff_rate(roster, requirements, span)))


def expiring(roster: StaffRoster, on: date, within_days: int
             ) -> list[tuple[StaffMember, Certificate, int]]:
    """Certificates valid on ``on`` that expire within ``within_days`` days (证书即将到期):
    (member, certificate, days left), soonest first."""
    if within_days < 0:
        raise ModelError("must not be negative", field="within_days", value=within_days,
                         term="提前天数", code="staff.bad_window")
    out = []
    for m in roster.members:
        if m.end is not None and m.end < on:
            continue
        for c in m.certificates:
            if c.valid_until is not None and c.valid_on(on) and \
                    (c.valid_until - on).days <= within_days:
                out.append((m, c, (c.valid_until - on).days))
    return sorted(out, key=lambda x: (x[2], x[0].person))
