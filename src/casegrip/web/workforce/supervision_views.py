"""The supervision pages: compliance for a unit (and its CSV), a worker's supervision, recording
a session, and the session page with its decisions about children, sign-off and history.

Compliance and a worker's page are about staff, not children: they ask for the unit (or the
worker) and write no access log. Decisions name children: every page that shows or takes one
checks the child's scope and writes the access log.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from casegrip.reports import charts
from casegrip.reports.tables import to_csv
from casegrip.store.live import live_snapshot
from casegrip.web.accounts.access import UnitView, check, grants
from casegrip.web.accounts.access_log import record_access, record_refusal
from casegrip.web.accounts.audit import events_of
from casegrip.web.accounts.roles import Permission
from casegrip.web.organisation.models import OrgUnit, StaffMember
from casegrip.web.sections import require_section
from casegrip.web.working_days import working_calendar

from . import actions
from . import supervision_access as access
from . import supervision_forms as sup_forms
from . import supervision_policy as sp
from .models import AsyeStart, SessionStatus, SessionType, SupervisionSession
from .supervision_due import WITHIN_WORKING_DAYS
from .supervision_sources import Supervision, load, staff_in

SECTION = "workforce"
TARGET_PERCENT = 90.0  # the catalogue measure's target
STATUSES = {"overdue": "Overdue", "due-soon": "Due soon", "in-time": "In time"}
SORTS = ("name", "team", "last", "due", "overdue")
TYPE_LABELS = dict(SessionType.choices) | {sp.OTHER: "Other"}


def _today() -> date:
    return timezone.localdate()


def _crumbs(*items: tuple[str, str]) -> list[dict]:
    """Breadcrumbs from Workforce down; an item with no address is the current page."""
    crumbs = [{"label": "Workforce", "href": reverse("workforce:index")}]
    return crumbs + [
        {"label": label, "href": href} if href else {"label": label} for label, href in items
    ]


# Compliance for a unit


@dataclass(frozen=True)
class Row:
    member: StaffMember
    standing: sp.Standing
    status: str  # a key of STATUSES

    @property
    def asye(self) -> bool:
        return self.member.is_asye or self.standing.in_asye_phases

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]


def _unit(request: HttpRequest) -> OrgUnit:
    if request.GET.get("unit"):
        try:
            unit = get_object_or_404(OrgUnit, pk=int(request.GET["unit"]))
        except ValueError:
            raise Http404("No such unit") from None
    else:
        unit = grants(request).top_units(Permission.VIEW_TEAM_DETAIL)[0]
    check(request, UnitView(unit))
    return unit


def _day(request: HttpRequest, today: date) -> tuple[date, str]:
    text = request.GET.get("date", "").strip()
    if not text:
        return today, ""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return today, f"“{text[:20]}” is not a date: enter it as YYYY-MM-DD"
    if day > today:
        return today, "Compliance can be shown up to today: choose today or an earlier date"
    return day, ""


@dataclass(frozen=True)
class Filters:
    team: int | None
    status: str
    asye: bool
    sort: str
    descending: bool

    @classmethod
    def from_query(cls, query) -> "Filters":
        try:
            team = int(query.get("team", "")) if query.get("team") else None
        except ValueError:
            team = None
        status = query.get("status", "")
        sort = query.get("sort", "due")
        return cls(
            team=team,
            status=status if status in STATUSES else "",
            asye=query.get("asye") == "1",
            sort=sort if sort in SORTS else "due",
            descending=query.get("order") == "desc",
        )

    def apply(self, rows: list[Row]) -> list[Row]:
        if self.team is not None:
            rows = [r for r in rows if r.member.unit_id == self.team]
        if self.status:
            rows = [r for r in rows if r.status == self.status]
        if self.asye:
            rows = [r for r in rows if r.asye]
        keys: dict[str, Callable[[Row], object]] = {
            "name": lambda r: r.member.name.lower(),
            "team": lambda r: (r.member.unit.name.lower(), r.member.name.lower()),
            "last": lambda r: r.standing.last.day if r.standing.last else date.min,
            "due": lambda r: (r.standing.due or date.min, r.member.name.lower()),
            "overdue": lambda r: (r.standing.days_overdue, r.member.name.lower()),
        }
        return sorted(rows, key=keys[self.sort], reverse=self.descending)


def _rows(found: Supervision, day: date) -> list[Row]:
    horizon = working_calendar().add_working_days(day, WITHIN_WORKING_DAYS)
    rows = []
    for standing in found.standings(day):
        if not standing.compliant:
            status = "overdue"
        elif standing.due_by(horizon):
            status = "due-soon"
        else:
            status = "in-time"
        rows.append(Row(found.members[standing.worker.key], standing, status))
    return rows


def _by_team(rows: list[Row], day: date) -> list[dict]:
    """One row per unit that holds staff, by its name."""
    teams: dict[int, list[Row]] = {}
    for row in rows:
        teams.setdefault(row.member.unit_id, []).append(row)
    out = []
    for mine in teams.values():
        share = sp.share((r.standing for r in mine), day)
        out.append(
            {
                "unit": mine[0].member.unit,
                "share": share,
                "overdue": sum(1 for r in mine if r.status == "overdue"),
                "due_soon": sum(1 for r in mine if r.status == "due-soon"),
                "asye": sum(1 for r in mine if r.asye),
            }
        )
    return sorted(out, key=lambda t: t["unit"].name)


def _sort_links(request: HttpRequest, filters: Filters) -> dict[str, str]:
    links = {}
    for key in SORTS:
        query = request.GET.copy()
        query["sort"] = key
        # A second click on the column in use turns its order round.
        query["order"] = "desc" if filters.sort == key and not filters.descending else "asc"
        links[key] = "?" + query.urlencode()
    return links


def index(request: HttpRequest) -> HttpResponse:
    """Compliance for a unit the user may see; a worker without one goes to their own page."""
    require_section(request, SECTION)
    if not grants(request).top_units(Permission.VIEW_TEAM_DETAIL):
        return mine(request)
    unit = _unit(request)
    today = _today()
    day, error = _day(request, today)
    found = load(staff_in(unit), live_snapshot())
    rows = _rows(found, day)
    filters = Filters.from_query(request.GET)
    trend = found.trend(day)
    last_year = sp.lengths(
        (s for sessions in found.sessions.values() for s in sessions),
        sp.policy_on(found.policies, day),
        day - timedelta(days=364),
        day,
    )
    user_grants = grants(request)
    units = [
        u for top in user_grants.top_units(Permission.VIEW_TEAM_DETAIL) for u in top.descendants()
    ]
    return render(
        request,
        "workforce/supervision/compliance.html",
        {
            "unit": unit,
            "day": day,
            "today": today,
            "error": error,
            "rows": filters.apply(rows),
            "all_count": len(rows),
            "summary": sp.share((r.standing for r in rows), day),
            "overdue": sum(1 for r in rows if r.status == "overdue"),
            "due_soon": sum(1 for r in rows if r.status == "due-soon"),
            "by_team": _by_team(rows, day),
            "trend": trend,
            "trend_chart": charts.trend(
                [(s.day, s.percent) for s in trend],
                title="Workers supervised in time",
                unit="%",
                targets=[(s.day, TARGET_PERCENT) for s in trend],
            ),
            "lengths": last_year,
            "policy": sp.policy_on(found.policies, day),
            "filters": filters,
            "statuses": STATUSES,
            "teams": sorted({r.member.unit for r in rows}, key=lambda u: u.name),
            "units": units,
            "query": request.GET.urlencode(),
            "sort_links": _sort_links(request, filters),
            "may_record": user_grants.has(Permission.RECORD_SUPERVISION),
            "own": StaffMember.objects.filter(user=request.user).first(),
            "within": WITHIN_WORKING_DAYS,
            "breadcrumbs": _crumbs(("Supervision", "")),
        },
    )


def export(request: HttpRequest) -> HttpResponse:
    """The worker table as CSV, with the page's filters: staff only, no child."""
    require_section(request, SECTION)
    if not grants(request).top_units(Permission.VIEW_TEAM_DETAIL):
        raise PermissionDenied
    unit = _unit(request)
    day, _ = _day(request, _today())
    found = load(staff_in(unit), live_snapshot())
    rows = Filters.from_query(request.GET).apply(_rows(found, day))
    header = (
        "Worker",
        "Professional id",
        "Team",
        "Job title",
        "ASYE",
        "Required now",
        "Last qualifying session",
        "Recorded in",
        "Next due",
        "Status",
        "Days overdue",
        "How the due date was worked out",
    )
    table = [
        (
            r.member.name,
            r.member.professional_id,
            r.member.unit.name,
            r.member.job_title,
            "yes" if r.asye else "no",
            r.standing.required.phase,
            r.standing.last.day if r.standing.last else None,
            _source_label(r.standing.last.source) if r.standing.last else "",
            r.standing.due,
            r.status_label,
            r.standing.days_overdue,
            r.standing.how,
        )
        for r in rows
    ]
    response = HttpResponse(to_csv(header, table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="casegrip-supervision-{day}.csv"'
    return response


def _source_label(source: str) -> str:
    return "casegrip" if source == sp.CASEGRIP else "case record"


# A worker's supervision


def _member(request: HttpRequest, pk: int) -> StaffMember:
    require_section(request, SECTION)
    member = get_object_or_404(StaffMember.objects.select_related("unit"), pk=pk)
    if not access.may_view_worker(grants(request), member):
        raise PermissionDenied
    return member


def mine(request: HttpRequest) -> HttpResponse:
    require_section(request, SECTION)
    own = StaffMember.objects.filter(user=request.user).first()
    if own is None:
        raise PermissionDenied
    return redirect("workforce:supervision_worker", pk=own.pk)


def _worker_page(
    request: HttpRequest,
    member: StaffMember,
    *,
    asye_form: forms.Form | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    today = _today()
    snapshot = live_snapshot()
    found = load([member], snapshot)
    standing = found.standing(member, today)
    user_grants = grants(request)
    ours = list(
        SupervisionSession.objects.filter(supervisee=member)
        .select_related("supervisor")
        .order_by("-held_on", "-pk")
    )
    in_casegrip = {s.case_record_id for s in ours if s.case_record_id}
    merged = list(reversed(found.sessions_of(member)))
    may_set_asye = user_grants.has(Permission.RECORD_SUPERVISION, member.unit)
    start = AsyeStart.objects.filter(staff=member).first()
    return render(
        request,
        "workforce/supervision/worker.html",
        {
            "member": member,
            "standing": standing,
            "today": today,
            "ours": ours,
            "held": [
                {
                    "held": h,
                    "type": TYPE_LABELS.get(h.kind, h.kind),
                    "qualifies": standing.rules.qualifies(h),
                    "source": _source_label(h.source),
                    "may_bring_in": h.source == sp.CASE_RECORD
                    and len(h.refs) == 1
                    and h.refs[0] not in in_casegrip,
                }
                for h in merged
            ],
            "may_record": access.may_record_for(user_grants, member),
            "may_set_asye": may_set_asye,
            "asye_start": start,
            "asye_form": asye_form
            or (sup_forms.AsyeStartForm(today=today, prefix="asye") if may_set_asye else None),
            "error": error,
            "is_self": access.is_self(user_grants, member),
            "breadcrumbs": _crumbs(
                ("Supervision", reverse("workforce:supervision")), (member.name, "")
            ),
        },
        status=status,
    )


def worker(request: HttpRequest, pk: int) -> HttpResponse:
    return _worker_page(request, _member(request, pk))


def asye_start(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    member = _member(request, pk)
    form = sup_forms.AsyeStartForm(request.POST, today=_today(), prefix="asye")
    if not form.is_valid():
        return _worker_page(request, member, asye_form=form, status=400)
    try:
        actions.set_asye_start(
            actor=request.user, staff=member, started_on=form.cleaned_data["started_on"]
        )
    except actions.SupervisionError as exc:
        return _worker_page(request, member, asye_form=form, error=str(exc), status=400)
    return redirect("workforce:supervision_worker", pk=member.pk)


def bring_in(request: HttpRequest, pk: int, ref: str) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    member = _member(request, pk)
    try:
        session = actions.bring_in(
            actor=request.user, supervisee=member, case_record_id=ref, snapshot=live_snapshot()
        )
    except actions.SupervisionError as exc:
        return _worker_page(request, member, error=str(exc), status=400)
    return redirect("workforce:supervision_session", pk=session.pk)


# Recording a session


def _recordable(request: HttpRequest) -> QuerySet[StaffMember]:
    """Workers the user may record supervision for: everyone in units where they hold
    ``record_supervision``, and those whose latest session they gave."""
    user_grants = grants(request)
    found = StaffMember.objects.none()
    for top in user_grants.top_units(Permission.RECORD_SUPERVISION):
        found = found | StaffMember.objects.filter(active=True, unit__path__startswith=top.path)
    own = StaffMember.objects.filter(user=request.user).first()
    if own is not None:
        theirs = [
            m
            for m in StaffMember.objects.filter(active=True, supervision_sessions__supervisor=own)
            .distinct()
            .select_related("unit")
            if access.may_record_for(user_grants, m)
        ]
        found = found | StaffMember.objects.filter(pk__in=[m.pk for m in theirs])
    return found.distinct().order_by("name")


def record(request: HttpRequest) -> HttpResponse:
    require_section(request, SECTION)
    supervisees = _recordable(request)
    if not supervisees.exists():
        raise PermissionDenied
    own = StaffMember.objects.filter(user=request.user).first()
    initial = {"supervisor": own.pk if own else None, "held_on": _today()}
    if request.GET.get("worker", "").isdigit():
        initial["supervisee"] = int(request.GET["worker"])
    form = sup_forms.RecordForm(
        request.POST or None,
        initial=initial,
        supervisees=supervisees,
        supervisors=StaffMember.objects.filter(active=True).order_by("name"),
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = {
            "actor": request.user,
            "supervisee": data["supervisee"],
            "supervisor": data["supervisor"],
            "session_type": data["session_type"],
        }
        try:
            if data["when"] == "scheduled":
                session = actions.schedule_session(on=data["held_on"], **common)
            else:
                session = actions.record_session(
                    held_on=data["held_on"],
                    minutes=data["minutes"],
                    wellbeing_notes=data["wellbeing_notes"],
                    workload_notes=data["workload_notes"],
                    learning_notes=data["learning_notes"],
                    **common,
                )
        except actions.SupervisionError as exc:
            error = str(exc)
        else:
            return redirect("workforce:supervision_session", pk=session.pk)
    return render(
        request,
        "workforce/supervision/record.html",
        {
            "form": form,
            "error": error,
            "breadcrumbs": _crumbs(
                ("Supervision", reverse("workforce:supervision")), ("Record a session", "")
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


# One session


@dataclass(frozen=True)
class Step:
    label: str
    form: type[forms.Form]
    run: Callable[[SupervisionSession, object, dict], object]


STEPS: dict[str, Step] = {
    "hold": Step(
        "Record that it was held",
        sup_forms.HoldForm,
        lambda s, u, d: actions.hold(actor=u, session=s, **d),
    ),
    "write": Step(
        "Write the record",
        sup_forms.WriteForm,
        lambda s, u, d: actions.write_record(actor=u, session=s, **d),
    ),
    "decision": Step(
        "Record a decision about a child",
        sup_forms.DecisionForm,
        lambda s, u, d: actions.add_decision(actor=u, session=s, **d),
    ),
    "sign": Step(
        "Sign the record",
        sup_forms.SignForm,
        lambda s, u, d: actions.sign(actor=u, session=s),
    ),
    "cancel": Step(
        "Cancel the session",
        sup_forms.CancelForm,
        lambda s, u, d: actions.cancel(actor=u, session=s, reason=d["reason"]),
    ),
}


def _offered(request: HttpRequest, session: SupervisionSession) -> list[str]:
    user_grants = grants(request)
    changing = access.may_change(user_grants, session)
    offered = []
    if changing and session.status == SessionStatus.SCHEDULED:
        offered += ["hold", "cancel"]
    if changing and session.is_open:
        offered += ["write", "decision"]
    side = access.may_sign(user_grants, session)
    if (
        side
        and session.status == SessionStatus.RECORDED
        and not getattr(session, f"{side}_signed_on")
    ):
        offered.append("sign")
    return offered


def _form(step: str, session: SupervisionSession, data=None) -> forms.Form:
    form_class = STEPS[step].form
    initial = {}
    if step == "write":
        initial = {
            "wellbeing_notes": session.wellbeing_notes,
            "workload_notes": session.workload_notes,
            "learning_notes": session.learning_notes,
            "minutes": session.minutes,
        }
    elif step == "hold":
        initial = {"held_on": session.held_on}
    return form_class(data, prefix=step, initial=initial)


def _session(request: HttpRequest, pk: int) -> SupervisionSession:
    """The session, if the user may see it; a refusal is logged for each child it names."""
    require_section(request, SECTION)
    session = get_object_or_404(
        SupervisionSession.objects.select_related("supervisee__unit", "supervisor"), pk=pk
    )
    if not access.may_view_session(grants(request), session):
        for decision in session.decisions.all():
            record_refusal(
                request, access.child_view(session, decision.child_id), what="supervision session"
            )
        raise PermissionDenied
    return session


def _history(session: SupervisionSession) -> list[dict]:
    events = events_of(session, newest_first=True)
    labels = dict(SessionStatus.choices)
    fields = {f.name: str(f.verbose_name) for f in SupervisionSession._meta.fields}
    history = []
    for event in events:
        before, after = (event.detail.get("status") or ["", ""])[:2]
        moved = (
            f"From {labels.get(before, before).lower()} to {labels.get(after, after).lower()}"
            if before and before != after
            else ""
        )
        changed = [fields.get(name, name) for name in event.detail.get("changed") or []]
        history.append({"event": event, "moved": moved, "changed": changed})
    return history


def _session_page(
    request: HttpRequest,
    session: SupervisionSession,
    *,
    bound: tuple[str, forms.Form] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user_grants = grants(request)
    shown, hidden = [], 0
    for decision in session.decisions.select_related("created_by"):
        target = access.child_view(session, decision.child_id)
        if user_grants.may_see(target):
            shown.append(decision)
        else:
            hidden += 1
            record_refusal(request, target, what="supervision case decision")
    if shown:
        record_access(
            request,
            what="supervision session",
            unit=session.supervisee.unit,
            child_ids=[d.child_id for d in shown],
        )
    steps = []
    for name in _offered(request, session):
        form = bound[1] if bound and bound[0] == name else _form(name, session)
        steps.append({"name": name, "label": STEPS[name].label, "form": form})
    return render(
        request,
        "workforce/supervision/session.html",
        {
            "s": session,
            "type_label": TYPE_LABELS.get(session.session_type, session.session_type),
            "decisions": shown,
            "hidden": hidden,
            "steps": steps,
            "open_step": bound[0] if bound else "",
            "bound_form": bound[1] if bound else None,
            "error": error,
            "history": _history(session),
            "may_see_worker": access.may_view_worker(user_grants, session.supervisee),
            "breadcrumbs": _crumbs(
                ("Supervision", reverse("workforce:supervision")),
                (
                    session.supervisee.name,
                    reverse("workforce:supervision_worker", args=[session.supervisee.pk]),
                ),
                (f"{session.held_on:%-d %B %Y}", ""),
            ),
        },
        status=status,
    )


def session(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_page(request, _session(request, pk))


def act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One change (POST); a refusal shows as an error summary and changes nothing."""
    if request.method != "POST" or step not in STEPS:
        raise Http404
    session = _session(request, pk)
    user_grants = grants(request)
    allowed = (
        access.may_sign(user_grants, session)
        if step == "sign"
        else access.may_change(user_grants, session)
    )
    if not allowed:
        raise PermissionDenied
    form = _form(step, session, request.POST)
    if not form.is_valid():
        return _session_page(request, session, bound=(step, form), status=400)
    if step == "decision":
        child_id = form.cleaned_data["child_id"].strip()
        check(request, access.child_view(session, child_id), what="supervision case decision")
        record_access(
            request,
            what="supervision case decision",
            unit=session.supervisee.unit,
            child_id=child_id,
        )
    try:
        STEPS[step].run(session, request.user, form.cleaned_data)
    except actions.SupervisionError as exc:
        session.refresh_from_db()
        return _session_page(request, session, bound=(step, form), error=str(exc), status=400)
    return redirect("workforce:supervision_session", pk=session.pk)
