"""The risk register's pages: the list (and its CSV), the heat map, risks above appetite,
overdue reviews, a risk with its ratings and history, and the forms. Thin views over
``actions`` (changes), ``queries`` (the list) and ``summary`` (what several pages share).
Registers hold no child's data, so there is no access log here; scope is by register unit."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from casegrip.measures.catalogue import CATALOGUE
from casegrip.reports.tables import to_csv
from casegrip.web.accounts.access import grants
from casegrip.web.accounts.audit import events_of
from casegrip.web.accounts.models import AuditEvent
from casegrip.web.accounts.roles import Permission as P
from casegrip.web.organisation.models import OrgUnit
from casegrip.web.sections import require_section

from . import actions, queries, scoring, summary
from .forms import RATING_KEYS, RISK_KEYS, RatingForm, RegisterForm, RiskForm
from .models import Category, Risk, RiskAssessment, bands_in_force
from .permissions import (
    managed_registers,
    may_change_risk,
    may_manage,
    may_read_risk,
    readable_registers,
    readable_risks,
)

SECTION = "improvement"


def _today() -> date:
    return timezone.localdate()


def _readable(request: HttpRequest):
    require_section(request, SECTION)
    return readable_registers(grants(request))


def _tabs(request: HttpRequest, current: str) -> dict:
    user_grants = grants(request)
    return {
        "tab": current,
        "may_add": managed_registers(user_grants).exists(),
        "may_set_up": user_grants.has(P.MANAGE_RISKS),
    }


def _chosen_registers(request: HttpRequest, registers) -> tuple[list, str]:
    chosen = request.GET.get("register", "")
    if chosen.isdigit():
        picked = [r for r in registers if r.pk == int(chosen)]
        if picked:
            return picked, chosen
    return list(registers), ""


# The list ---------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    registers = _readable(request)
    today = _today()
    filters = queries.ListFilters.from_query(request.GET)
    rows = queries.filtered(readable_risks(grants(request)), filters, today)
    if request.GET.get("format") == "csv":
        return _csv(rows, today)
    matrix = bands_in_force(today)
    return render(
        request,
        "improvement/risks/index.html",
        {
            **_tabs(request, "list"),
            "rows": rows,
            "today": today,
            "filters": filters,
            "registers": registers,
            "bands": matrix.bands,
            "categories": Category.choices,
            "statuses": [("all", "Any status"), *Risk._meta.get_field("status").choices],
            "query": request.GET.urlencode(),
            "sort_links": _sort_links(request, filters),
        },
    )


def _sort_links(request: HttpRequest, filters: queries.ListFilters) -> dict[str, str]:
    links = {}
    for key in queries.SORTS:
        query = request.GET.copy()
        query.pop("format", None)
        query["sort"] = key
        same = filters.sort == key
        descending = not filters.descending if same else key in queries.DEFAULT_DESCENDING
        query["order"] = "desc" if descending else "asc"
        links[key] = "?" + query.urlencode()
    return links


def _csv(rows: list[Risk], today: date) -> HttpResponse:
    header = (
        "Register",
        "Ref",
        "Title",
        "Category",
        "Owner",
        "Status",
        "Last rated",
        "Inherent score",
        "Current likelihood",
        "Current impact",
        "Current score",
        "Band",
        "Direction",
        "Target score",
        "Target date",
        "Appetite",
        "Appetite threshold",
        "Above appetite",
        "Response",
        "Next review",
        "Review overdue",
    )
    body = []
    for risk in rows:
        a = risk.latest
        body.append(
            (
                risk.register.name,
                risk.ref,
                risk.title,
                risk.get_category_display(),
                str(risk.owner),
                risk.get_status_display(),
                a.assessed_on.isoformat() if a else "",
                a.inherent_score if a else "",
                a.current_likelihood if a else "",
                a.current_impact if a else "",
                a.score if a else "",
                a.band_label if a else "",
                a.get_direction_display() if a else "",
                a.target_score if a else "",
                a.target_date.isoformat() if a and a.target_date else "",
                risk.get_appetite_level_display(),
                risk.appetite_threshold,
                "yes" if a and a.score > risk.appetite_threshold else "no",
                risk.get_response_display(),
                risk.next_review_date.isoformat() if risk.next_review_date else "",
                "yes" if risk.review_overdue(today) else "no",
            )
        )
    response = HttpResponse(to_csv(header, body), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="risk-register-{today}.csv"'
    return response


# Summaries --------------------------------------------------------------------------------------


def heat_map(request: HttpRequest) -> HttpResponse:
    registers = _readable(request)
    chosen, register = _chosen_registers(request, registers)
    rating = request.GET.get("rating", "current")
    rating = rating if rating in summary.RATINGS else "current"
    today = _today()
    built = summary.heat_map(chosen, rating=rating, on=today)
    return render(
        request,
        "improvement/risks/heat_map.html",
        {
            **_tabs(request, "heat_map"),
            "map": built,
            "impacts": list(scoring.IMPACT.items()),
            "registers": registers,
            "register": register,
            "rating": rating,
            "ratings": [("current", "Current"), ("inherent", "Inherent"), ("target", "Target")],
            "legend": [(b, built.matrix.describe(b)) for b in reversed(built.matrix.bands)],
            "top": summary.top_risks(chosen, 5),
            "today": today,
        },
    )


def above_appetite(request: HttpRequest) -> HttpResponse:
    registers = _readable(request)
    chosen, register = _chosen_registers(request, registers)
    rows = [
        {"risk": r, "gap": r.latest.score - r.appetite_threshold}
        for r in summary.above_appetite(chosen)
    ]
    return render(
        request,
        "improvement/risks/above_appetite.html",
        {
            **_tabs(request, "appetite"),
            "rows": rows,
            "registers": registers,
            "register": register,
        },
    )


def overdue(request: HttpRequest) -> HttpResponse:
    registers = _readable(request)
    chosen, register = _chosen_registers(request, registers)
    today = _today()
    rows = [
        {"risk": r, "days": (today - r.next_review_date).days}
        for r in summary.overdue_reviews(today, chosen)
    ]
    return render(
        request,
        "improvement/risks/overdue.html",
        {
            **_tabs(request, "overdue"),
            "rows": rows,
            "registers": registers,
            "register": register,
            "today": today,
        },
    )


# A risk -----------------------------------------------------------------------------------------


def _risk(request: HttpRequest, pk: int) -> Risk:
    require_section(request, SECTION)
    risk = get_object_or_404(
        Risk.objects.select_related("register", "register__unit", "owner", "latest"), pk=pk
    )
    if not may_read_risk(grants(request), risk):
        raise PermissionDenied
    return risk


def trend_points(scores: list[int], width: int = 240, height: int = 48) -> str:
    """An SVG polyline's points for scores on a fixed 0 to 25 scale, so that two risks' trends
    read alike (a sparkline scaled to its own range would make a change of 1 look huge)."""
    if len(scores) < 2:
        return ""
    step = width / (len(scores) - 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - score / 25 * (height - 4):.1f}"
        for i, score in enumerate(scores)
    )


def _event_text(event: AuditEvent) -> str:
    detail = event.detail or {}
    if event.verb == "re-scored risk":
        before, after = (detail.get("score") or [None, None])[:2]
        moved = f"from {before} to {after}" if before is not None else f"at {after}"
        band, on = detail.get("band", ""), detail.get("assessed_on", "")
        return f"re-scored the risk {moved} ({band}), rated {on}"
    if event.verb in ("changed risk", "changed risk status"):
        parts = []
        for name, change in (detail.get("changes") or {}).items():
            if isinstance(change, list):
                parts.append(f"{name} from {change[0] or 'none'} to {change[1] or 'none'}")
            else:
                parts.append(f"{name} changed")
        return "changed " + "; ".join(parts)
    if event.verb == "added risk":
        return f"added the risk with a score of {detail.get('score')} ({detail.get('band', '')})"
    return event.verb


def _history(risk: Risk) -> list[dict]:
    return [{"e": e, "text": _event_text(e)} for e in events_of(risk)]


def _rating_initial(risk: Risk, today: date) -> dict:
    initial = {"assessed_on": today}
    if risk.latest:
        initial |= {key: getattr(risk.latest, key) for key in RATING_KEYS if key != "note"}
        initial["assessed_on"] = today
    return initial


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk(request, pk)
    today = _today()
    may_change = may_change_risk(grants(request), risk)
    form = RatingForm(initial=_rating_initial(risk, today), today=today)
    return _detail(request, risk, form, may_change, today)


def rescore(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk(request, pk)
    if not may_change_risk(grants(request), risk):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("risks:risk", pk)
    today = _today()
    form = RatingForm(request.POST, today=today)
    if form.is_valid():
        try:
            actions.rescore(actor=request.user, risk=risk, **form.cleaned_data)
        except actions.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except actions.Invalid as exc:
            _form_errors(exc, form)
        else:
            return redirect(reverse("risks:risk", args=[risk.pk]) + "#ratings")
    return _detail(request, risk, form, True, today, status=400)


def _detail(
    request: HttpRequest, risk: Risk, form: RatingForm, may_change: bool, today: date, status=200
) -> HttpResponse:
    assessments = list(
        RiskAssessment.objects.filter(risk=risk)
        .select_related("assessor")
        .order_by("assessed_on", "pk")
    )
    scores = [a.score for a in assessments]
    return render(
        request,
        "improvement/risks/risk.html",
        {
            **_tabs(request, "list"),
            "risk": risk,
            "latest": risk.latest,
            "assessments": list(reversed(assessments)),
            "trend": trend_points(scores),
            "trend_text": _trend_text(assessments),
            "measures": [CATALOGUE[m] for m in risk.linked_measures if m in CATALOGUE],
            "overdue": risk.review_overdue(today),
            "above": bool(risk.latest and risk.latest.score > risk.appetite_threshold),
            "form": form,
            "may_change": may_change and risk.is_open,
            "may_edit": may_change,
            "history": _history(risk),
            "today": today,
        },
        status=status,
    )


def _trend_text(assessments: list[RiskAssessment]) -> str:
    if len(assessments) < 2:
        return ""
    first, last = assessments[0], assessments[-1]
    scores = [a.score for a in assessments]
    return (
        f"Current score {first.score} on {first.assessed_on:%-d %B %Y}, "
        f"{last.score} on {last.assessed_on:%-d %B %Y}, over {len(assessments)} ratings "
        f"(highest {max(scores)}, lowest {min(scores)})."
    )


# Forms ------------------------------------------------------------------------------------------


def _form_errors(exc: actions.Invalid, *forms) -> None:
    """Each refusal on the form that has its field (else the last form, as a general error)."""
    for field, message in exc.errors:
        holder = next((f for f in forms if field in f.fields), None)
        if holder is None:
            forms[-1].add_error(None, message)
        else:
            holder.add_error(field, message)


def _pick(registers, value: str):
    return registers.filter(pk=int(value)).first() if value.isdigit() else None


def new(request: HttpRequest) -> HttpResponse:
    require_section(request, SECTION)
    registers = managed_registers(grants(request))
    if not registers.exists():
        raise PermissionDenied
    today = _today()
    chosen = _pick(registers, request.GET.get("register", "")) or registers.first()
    if request.method == "POST":
        picked = _pick(registers, request.POST.get("register", "")) or chosen
        form = RiskForm(request.POST, registers=registers, unit=picked.unit, editing=False)
        rating = RatingForm(request.POST, today=today)
        if form.is_valid() and rating.is_valid():
            try:
                risk = actions.create_risk(
                    actor=request.user,
                    **form.cleaned_data,
                    **rating.cleaned_data,
                )
            except actions.NotAllowed as exc:
                raise PermissionDenied(str(exc)) from None
            except actions.Invalid as exc:
                _form_errors(exc, rating, form)
            else:
                return redirect("risks:risk", risk.pk)
        status = 400
    else:
        form = RiskForm(
            initial={"register": chosen, "date_identified": today, "owner": request.user},
            registers=registers,
            unit=chosen.unit,
            editing=False,
        )
        rating = RatingForm(today=today)
        status = 200
    return render(
        request,
        "improvement/risks/risk_form.html",
        {**_tabs(request, "new"), "form": form, "rating": rating, "risk": None},
        status=status,
    )


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk(request, pk)
    if not may_change_risk(grants(request), risk):
        raise PermissionDenied
    manager = may_manage(grants(request), risk.register)
    form = RiskForm(
        request.POST if request.method == "POST" else None,
        initial={k: getattr(risk, k) for k in RISK_KEYS},
        registers=None,
        unit=risk.register.unit,
        editing=True,
    )
    # Only a risk manager hands a risk to someone else; the owner sees who owns it.
    form.fields["owner"].disabled = not manager
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = {k: form.cleaned_data[k] for k in RISK_KEYS}
            if not manager:
                changes.pop("owner")
            try:
                actions.update_risk(actor=request.user, risk=risk, **changes)
            except actions.NotAllowed as exc:
                raise PermissionDenied(str(exc)) from None
            except actions.Invalid as exc:
                _form_errors(exc, form)
            else:
                return redirect("risks:risk", risk.pk)
        status = 400
    return render(
        request,
        "improvement/risks/risk_form.html",
        {**_tabs(request, "list"), "form": form, "rating": None, "risk": risk},
        status=status,
    )


def new_register(request: HttpRequest) -> HttpResponse:
    require_section(request, SECTION)
    user_grants = grants(request)
    tops = user_grants.top_units(P.MANAGE_RISKS)
    if not tops:
        raise PermissionDenied
    where = Q()
    for top in tops:
        where |= Q(path__startswith=top.path)
    units = OrgUnit.objects.filter(where)
    registers = readable_registers(user_grants)
    if request.method == "POST":
        form = RegisterForm(request.POST, units=units, registers=registers)
        if form.is_valid():
            try:
                register = actions.create_register(actor=request.user, **form.cleaned_data)
            except actions.NotAllowed as exc:
                raise PermissionDenied(str(exc)) from None
            except actions.Invalid as exc:
                _form_errors(exc, form)
            else:
                return redirect(reverse("risks:index") + f"?register={register.pk}")
        status = 400
    else:
        form = RegisterForm(initial={"owner": request.user}, units=units, registers=registers)
        status = 200
    return render(
        request,
        "improvement/risks/register_form.html",
        {**_tabs(request, "new"), "form": form},
        status=status,
    )
