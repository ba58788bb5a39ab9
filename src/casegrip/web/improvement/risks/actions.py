"""Every change to the risk register. Each function takes keyword arguments, runs in one
transaction, checks that the actor may make the change, refuses bad input with a message that
says what to fix, and records an audit event, so every change is kept with who and when."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from casegrip.measures.catalogue import CATALOGUE
from casegrip.web.accounts.access import Grants
from casegrip.web.accounts.audit import record_event
from casegrip.web.accounts.models import User
from casegrip.web.accounts.roles import Permission as P
from casegrip.web.organisation.models import OrgUnit, UnitKind

from . import scoring
from .models import (
    RATING_FIELDS,
    Appetite,
    Category,
    Level,
    Response,
    Risk,
    RiskAssessment,
    RiskMatrix,
    RiskRegister,
    Status,
    matrix_in_force,
)
from .permissions import may_change_risk, may_manage

RATING_NAMES = {
    "inherent_likelihood": "Inherent likelihood",
    "inherent_impact": "Inherent impact",
    "current_likelihood": "Current likelihood",
    "current_impact": "Current impact",
    "target_likelihood": "Target likelihood",
    "target_impact": "Target impact",
}
# Fields people edit on a risk, and the names its history shows them by.
RISK_FIELDS = {
    "ref": "reference",
    "title": "title",
    "category": "category",
    "cause": "cause",
    "event": "event",
    "consequence": "consequence",
    "controls": "controls",
    "owner": "owner",
    "date_identified": "date identified",
    "appetite_level": "appetite",
    "appetite_threshold": "appetite threshold",
    "response": "response",
    "status": "status",
    "linked_measures": "linked indicators",
}


class NotAllowed(Exception):
    """The actor may not make this change; the message says why."""


class Invalid(Exception):
    """The change is refused: ``errors`` are (field, message) pairs, nothing was saved."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def _today() -> date:
    return timezone.localdate()


# Matrix versions --------------------------------------------------------------------------------


def _band_fields(score: int, on: date) -> dict:
    version = matrix_in_force(on)
    matrix = version.matrix if version else scoring.DEFAULT_MATRIX
    found = scoring.band(score, matrix)
    return {
        "matrix": version,
        "band": found.key,
        "band_label": found.label,
        "band_colour": found.colour,
        "next_review_date": scoring.next_review(on, found, matrix),
    }


@transaction.atomic
def publish_matrix(
    *, actor: User, name: str, effective_from: date, bands: list[dict]
) -> RiskMatrix:
    """A new version of the banding from a date. Ratings dated from then until the next version
    are re-banded (their scores stay as rated); earlier ratings keep the bands of their day."""
    if not any(Grants(actor).has(P.MANAGE_RISKS, u) for u in _authorities()):
        raise NotAllowed("Only a risk manager for the whole authority may change the matrix.")
    try:
        scoring.parse_matrix(bands)
    except scoring.MatrixError as exc:
        raise Invalid([("bands", str(exc))]) from None
    if RiskMatrix.objects.filter(effective_from=effective_from).exists():
        raise Invalid([("effective_from", f"A matrix already starts on {effective_from}.")])
    if not name.strip():
        raise Invalid([("name", "Give the matrix version a name.")])
    version = RiskMatrix.objects.create(
        name=name.strip(), effective_from=effective_from, bands=bands, created_by=actor
    )
    later = (
        RiskMatrix.objects.filter(effective_from__gt=effective_from)
        .order_by("effective_from")
        .first()
    )
    affected = RiskAssessment.objects.filter(assessed_on__gte=effective_from)
    if later:
        affected = affected.filter(assessed_on__lt=later.effective_from)
    rebanded = 0
    for assessment in affected.select_for_update():
        for field, value in _band_fields(assessment.score, assessment.assessed_on).items():
            setattr(assessment, field, value)
        assessment.save()
        rebanded += 1
    for risk in Risk.objects.filter(latest__in=affected).select_related("latest"):
        risk.next_review_date = risk.latest.next_review_date
        risk.save(update_fields=["next_review_date", "updated_at"])
    record_event(
        actor,
        "published risk matrix",
        version,
        effective_from=effective_from.isoformat(),
        rebanded=rebanded,
    )
    return version


def _authorities() -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(kind=UnitKind.AUTHORITY))


# Registers --------------------------------------------------------------------------------------


@transaction.atomic
def create_register(
    *,
    actor: User | None,
    name: str,
    level: str,
    unit: OrgUnit,
    owner: User,
    parent: RiskRegister | None = None,
) -> RiskRegister:
    """A register for a unit; ``actor`` None is the system (demo history)."""
    if actor is not None and not Grants(actor).has(P.MANAGE_RISKS, unit):
        raise NotAllowed(f"You do not manage risks for {unit}.")
    errors = []
    if not name.strip():
        errors.append(("name", "Give the register a name."))
    if level not in Level.values:
        errors.append(("level", "Choose team, service or directorate."))
    if parent is not None and not parent.unit.contains(unit):
        errors.append(("parent", f"{parent} covers {parent.unit}, which does not include {unit}."))
    if errors:
        raise Invalid(errors)
    register = RiskRegister.objects.create(
        name=name.strip(), level=level, unit=unit, owner=owner, parent=parent
    )
    record_event(
        actor, "created risk register", register, name=register.name, level=level, unit=unit.name
    )
    return register


# Risks ------------------------------------------------------------------------------------------


def _risk_errors(risk: Risk) -> list[tuple[str, str]]:
    errors = []
    if not risk.ref.strip():
        errors.append(("ref", "Give the risk a reference, like CSC-01."))
    elif (
        Risk.objects.filter(register=risk.register, ref__iexact=risk.ref.strip())
        .exclude(pk=risk.pk)
        .exists()
    ):
        errors.append(("ref", f"{risk.register} already has a risk {risk.ref}."))
    for field, words in (
        ("title", "a title"),
        ("cause", "the cause"),
        ("event", "the event"),
        ("consequence", "the consequence"),
    ):
        if not str(getattr(risk, field)).strip():
            errors.append((field, f"Enter {words}."))
    for field, choices, words in (
        ("category", Category, "a category"),
        ("appetite_level", Appetite, "an appetite level"),
        ("response", Response, "a response"),
        ("status", Status, "a status"),
    ):
        if getattr(risk, field) not in choices.values:
            errors.append((field, f"Choose {words}."))
    threshold = risk.appetite_threshold
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 1 <= threshold <= 25:
        errors.append(("appetite_threshold", "The appetite threshold is a score from 1 to 25."))
    if risk.owner_id is None or not risk.owner.is_active:
        errors.append(("owner", "Choose the risk's owner."))
    if not isinstance(risk.date_identified, date):
        errors.append(("date_identified", "Enter the date the risk was identified."))
    elif risk.date_identified > _today():
        errors.append(("date_identified", "The date identified cannot be in the future."))
    unknown = [m for m in risk.linked_measures if m not in CATALOGUE]
    if unknown:
        errors.append(("linked_measures", f"No indicator {', '.join(unknown)}."))
    return errors


def _rating_errors(
    risk: Risk, assessed_on: object, ratings: dict, target_date: object
) -> list[tuple[str, str]]:
    errors = []
    for field, name in RATING_NAMES.items():
        value = ratings.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors.append((field, f"{name} must be a whole number from 1 to 5."))
    if not isinstance(assessed_on, date):
        errors.append(("assessed_on", "Enter the date of the rating."))
        return errors
    if assessed_on > _today():
        errors.append(("assessed_on", "The date of the rating cannot be in the future."))
    latest = risk.latest if risk.pk else None
    if latest is not None and assessed_on < latest.assessed_on:
        errors.append(
            (
                "assessed_on",
                f"The rating cannot be dated before the last one ({latest.assessed_on:%-d %B %Y}).",
            )
        )
    if target_date is not None and (not isinstance(target_date, date) or target_date < assessed_on):
        errors.append(("target_date", "The target date must be on or after the rating's date."))
    return errors


def _assess(
    *,
    actor: User,
    risk: Risk,
    assessed_on: date,
    ratings: dict,
    target_date: date | None,
    note: str,
) -> RiskAssessment:
    score = scoring.check_rating(ratings["current_likelihood"], ratings["current_impact"])
    previous = risk.latest
    assessment = RiskAssessment.objects.create(
        risk=risk,
        assessed_on=assessed_on,
        assessor=actor,
        **{field: ratings[field] for field in RATING_FIELDS},
        target_date=target_date,
        note=note.strip(),
        score=score,
        direction=scoring.direction(previous.score if previous else None, score),
        appetite_threshold=risk.appetite_threshold,
        above_appetite=scoring.above_appetite(score, risk.appetite_threshold),
        **_band_fields(score, assessed_on),
    )
    risk.latest = assessment
    risk.next_review_date = assessment.next_review_date
    risk.save(update_fields=["latest", "next_review_date", "updated_at"])
    return assessment


@transaction.atomic
def create_risk(
    *,
    actor: User,
    register: RiskRegister,
    ref: str,
    title: str,
    category: str,
    cause: str,
    event: str,
    consequence: str,
    owner: User,
    date_identified: date,
    appetite_level: str,
    appetite_threshold: int,
    response: str,
    controls: str = "",
    linked_measures: list[str] | None = None,
    assessed_on: date | None = None,
    inherent_likelihood: int,
    inherent_impact: int,
    current_likelihood: int,
    current_impact: int,
    target_likelihood: int,
    target_impact: int,
    target_date: date | None = None,
    note: str = "",
) -> Risk:
    """A new risk with its first rating (inherent, current and target)."""
    if not may_manage(Grants(actor), register):
        raise NotAllowed(f"You do not manage risks for {register.unit}.")
    risk = Risk(
        register=register,
        ref=ref.strip(),
        title=title.strip(),
        category=category,
        cause=cause.strip(),
        event=event.strip(),
        consequence=consequence.strip(),
        controls=controls.strip(),
        owner=owner,
        date_identified=date_identified,
        appetite_level=appetite_level,
        appetite_threshold=appetite_threshold,
        response=response,
        linked_measures=list(linked_measures or []),
    )
    assessed_on = assessed_on or _today()
    ratings = {
        "inherent_likelihood": inherent_likelihood,
        "inherent_impact": inherent_impact,
        "current_likelihood": current_likelihood,
        "current_impact": current_impact,
        "target_likelihood": target_likelihood,
        "target_impact": target_impact,
    }
    errors = _risk_errors(risk) + _rating_errors(risk, assessed_on, ratings, target_date)
    if errors:
        raise Invalid(errors)
    risk.save()
    assessment = _assess(
        actor=actor,
        risk=risk,
        assessed_on=assessed_on,
        ratings=ratings,
        target_date=target_date,
        note=note,
    )
    record_event(
        actor,
        "added risk",
        risk,
        ref=risk.ref,
        register=register.name,
        score=assessment.score,
        band=assessment.band_label,
    )
    return risk


def _shown(risk: Risk, field: str) -> object:
    value = getattr(risk, field)
    if field == "owner":
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    display = getattr(risk, f"get_{field}_display", None)
    return display() if display else value


@transaction.atomic
def update_risk(*, actor: User, risk: Risk, **changes: object) -> Risk:
    """Change a risk's description, owner, appetite, response or status (not its rating: that is
    ``rescore``). The history records each changed field, with short values before and after."""
    if not may_change_risk(Grants(actor), risk):
        raise NotAllowed("Only the risk's owner or a risk manager may change it.")
    unknown = set(changes) - set(RISK_FIELDS)
    if unknown:
        raise TypeError(f"update_risk cannot change {', '.join(sorted(unknown))}")
    if (
        "owner" in changes
        and changes["owner"] != risk.owner
        and not may_manage(Grants(actor), risk.register)
    ):
        raise NotAllowed("Only a risk manager may give the risk to another owner.")
    risk = (
        Risk.objects.select_for_update(of=("self",))
        .select_related("owner", "register")
        .get(pk=risk.pk)
    )
    before = {field: _shown(risk, field) for field in changes}
    for field, value in changes.items():
        if isinstance(value, str) and field != "linked_measures":
            value = value.strip()
        setattr(risk, field, value)
    errors = _risk_errors(risk)
    if errors:
        raise Invalid(errors)
    changed = {}
    for field in changes:
        after = _shown(risk, field)
        if after != before[field]:
            short = field not in ("cause", "event", "consequence", "controls")
            changed[RISK_FIELDS[field]] = [before[field], after] if short else "changed"
    if not changed:
        return risk
    risk.save()
    verb = "changed risk status" if list(changed) == ["status"] else "changed risk"
    record_event(actor, verb, risk, ref=risk.ref, changes=changed)
    return risk


@transaction.atomic
def rescore(
    *,
    actor: User,
    risk: Risk,
    assessed_on: date | None = None,
    inherent_likelihood: int,
    inherent_impact: int,
    current_likelihood: int,
    current_impact: int,
    target_likelihood: int,
    target_impact: int,
    target_date: date | None = None,
    note: str = "",
) -> RiskAssessment:
    """Re-rate a risk: a new rating row with its band (from the matrix in force on its date),
    direction of travel against the previous rating, appetite check and next review date."""
    if not may_change_risk(Grants(actor), risk):
        raise NotAllowed("Only the risk's owner or a risk manager may re-score it.")
    risk = Risk.objects.select_for_update(of=("self",)).select_related("latest").get(pk=risk.pk)
    if not risk.is_open:
        raise Invalid([("status", "The risk is closed: reopen it before re-scoring it.")])
    assessed_on = assessed_on or _today()
    ratings = {
        "inherent_likelihood": inherent_likelihood,
        "inherent_impact": inherent_impact,
        "current_likelihood": current_likelihood,
        "current_impact": current_impact,
        "target_likelihood": target_likelihood,
        "target_impact": target_impact,
    }
    errors = _rating_errors(risk, assessed_on, ratings, target_date)
    if errors:
        raise Invalid(errors)
    previous = risk.latest
    assessment = _assess(
        actor=actor,
        risk=risk,
        assessed_on=assessed_on,
        ratings=ratings,
        target_date=target_date,
        note=note,
    )
    record_event(
        actor,
        "re-scored risk",
        risk,
        ref=risk.ref,
        assessed_on=assessed_on.isoformat(),
        score=[previous.score if previous else None, assessment.score],
        band=assessment.band_label,
        direction=assessment.direction,
    )
    return assessment
