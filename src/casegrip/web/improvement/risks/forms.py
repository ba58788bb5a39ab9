"""The register's forms. They turn what a person typed into the values ``actions`` take; the
actions check the rules again (scores 1 to 5, dates, who may change what)."""

from datetime import date

from django import forms
from django.db.models import Q, QuerySet

from casegrip.measures.catalogue import MEASURES
from casegrip.web.accounts.models import User
from casegrip.web.organisation.models import OrgUnit

from . import scoring
from .models import Appetite, Category, Level, Response, RiskRegister, Status

DATE = forms.DateInput(attrs={"type": "date"})


def _rating(name: str, labels: dict[int, str], scale: str) -> forms.TypedChoiceField:
    message = f"{name} must be a whole number from 1 to 5 ({scale})"
    return forms.TypedChoiceField(
        label=name,
        coerce=int,
        choices=[("", "Choose"), *[(n, f"{n} {label}") for n, label in labels.items()]],
        error_messages={"required": message, "invalid_choice": message},
    )


def _likelihood(name: str) -> forms.TypedChoiceField:
    return _rating(name, scoring.LIKELIHOOD, "rare to almost certain")


def _impact(name: str) -> forms.TypedChoiceField:
    return _rating(name, scoring.IMPACT, "negligible to severe")


class RatingForm(forms.Form):
    assessed_on = forms.DateField(
        label="Date of this rating",
        widget=DATE,
        error_messages={"required": "Enter the date of the rating", "invalid": "Enter a real date"},
    )
    inherent_likelihood = _likelihood("Inherent likelihood")
    inherent_impact = _impact("Inherent impact")
    current_likelihood = _likelihood("Current likelihood")
    current_impact = _impact("Current impact")
    target_likelihood = _likelihood("Target likelihood")
    target_impact = _impact("Target impact")
    target_date = forms.DateField(
        label="Target date",
        required=False,
        widget=DATE,
        help_text="When the target rating should be reached.",
        error_messages={"invalid": "Enter a real target date"},
    )
    note = forms.CharField(
        label="Note: why the rating changed or stayed the same",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = today


RATING_KEYS = tuple(RatingForm.base_fields)


def _owners(unit: OrgUnit | None) -> QuerySet[User]:
    """People with a role on the register's unit, above it or below it."""
    users = User.objects.filter(is_active=True, role_assignments__isnull=False)
    if unit is not None:
        above = [a.pk for a in unit.ancestors()] + [unit.pk]
        users = users.filter(
            Q(role_assignments__unit__in=above)
            | Q(role_assignments__unit__path__startswith=unit.path)
        )
    return users.distinct().order_by("last_name", "first_name", "username")


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class RiskForm(forms.Form):
    register = forms.ModelChoiceField(
        label="Register",
        queryset=RiskRegister.objects.none(),
        error_messages={"required": "Choose the register"},
    )
    ref = forms.CharField(
        label="Reference",
        max_length=16,
        help_text="Unique in the register, like CSC-01.",
        error_messages={"required": "Give the risk a reference"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Give the risk a title"}
    )
    category = forms.ChoiceField(label="Category", choices=Category.choices)
    cause = forms.CharField(
        label="Cause: because of…",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the cause"},
    )
    event = forms.CharField(
        label="Event: there is a risk that…",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the event"},
    )
    consequence = forms.CharField(
        label="Consequence: which would lead to…",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the consequence"},
    )
    controls = forms.CharField(
        label="Existing controls",
        required=False,
        max_length=10000,
        help_text="One a line.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    owner = OwnerChoice(
        label="Owner", queryset=User.objects.none(), error_messages={"required": "Choose the owner"}
    )
    date_identified = forms.DateField(
        label="Date identified",
        widget=DATE,
        error_messages={"required": "Enter the date identified", "invalid": "Enter a real date"},
    )
    appetite_level = forms.ChoiceField(
        label="Risk appetite", choices=Appetite.choices, initial=Appetite.CAUTIOUS
    )
    appetite_threshold = forms.IntegerField(
        label="Appetite threshold",
        help_text="The highest current score within appetite (1 to 25).",
        min_value=1,
        max_value=25,
        initial=12,
        error_messages={
            "required": "Enter the appetite threshold",
            "invalid": "The appetite threshold is a score from 1 to 25",
            "min_value": "The appetite threshold is a score from 1 to 25",
            "max_value": "The appetite threshold is a score from 1 to 25",
        },
    )
    response = forms.ChoiceField(label="Response", choices=Response.choices, initial="treat")
    status = forms.ChoiceField(label="Status", choices=Status.choices, initial=Status.OPEN)
    linked_measures = forms.MultipleChoiceField(
        label="Linked indicators",
        required=False,
        help_text="Optional: indicators that show whether the risk is being managed.",
        choices=[(m.id, m.name) for m in MEASURES],
    )

    def __init__(
        self,
        *args,
        registers: QuerySet[RiskRegister] | None,
        unit: OrgUnit | None,
        editing: bool,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        if registers is None:
            del self.fields["register"]
        else:
            self.fields["register"].queryset = registers
        if not editing:
            del self.fields["status"]
        self.fields["owner"].queryset = _owners(unit)


RISK_KEYS = tuple(k for k in RiskForm.base_fields if k != "register")


class RegisterForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Give the register a name"}
    )
    level = forms.ChoiceField(label="Level", choices=Level.choices)
    unit = forms.ModelChoiceField(
        label="Part of the service it covers",
        queryset=OrgUnit.objects.none(),
        error_messages={"required": "Choose the part of the service"},
    )
    owner = OwnerChoice(
        label="Owner", queryset=User.objects.none(), error_messages={"required": "Choose the owner"}
    )
    parent = forms.ModelChoiceField(
        label="Reports to register",
        required=False,
        queryset=RiskRegister.objects.none(),
        help_text="Optional: the register above this one, where its risks escalate to.",
    )

    def __init__(self, *args, units: QuerySet[OrgUnit], registers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["owner"].queryset = _owners(None)
        self.fields["parent"].queryset = registers
