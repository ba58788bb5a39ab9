"""Forms of the escalation pages. They check what a person typed; the state machine in
``actions`` decides whether the change is allowed."""

from datetime import date

from django import forms

from casegrip.web.accounts.models import RoleAssignment, User
from casegrip.web.organisation.models import OrgUnit

from . import deadlines
from .actions import MAX_RESPONSE_DAYS
from .models import (
    LAST_STAGE,
    STAGE_ROLES,
    AddresseeRole,
    Category,
    Outcome,
    PlanType,
    RaiserRole,
    Subcategory,
)

YES_NO_UNKNOWN = [("", "Not recorded"), ("yes", "Yes"), ("no", "No")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class RaiseForm(forms.Form):
    raised_by_role = forms.ChoiceField(
        label="You are raising this as", choices=RaiserRole.choices, initial=RaiserRole.IRO
    )
    child_id = forms.CharField(
        label="Child's id in the case record",
        max_length=64,
        error_messages={"required": "Enter the child's id in the case record"},
    )
    team = forms.ModelChoiceField(
        label="The child's team",
        queryset=OrgUnit.objects.none(),
        error_messages={"required": "Choose the child's team"},
    )
    plan_type = forms.ChoiceField(label="Plan", choices=PlanType.choices)
    category = forms.ChoiceField(label="Category", choices=Category.choices)
    subcategory = forms.ChoiceField(label="Issue", choices=Subcategory.choices)
    description = forms.CharField(
        label="What is the problem?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe the problem"},
    )
    desired_outcome = forms.CharField(
        label="What outcome do you want?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what outcome you want"},
    )
    informal_logged_at = forms.DateField(
        label="Date of the informal approach",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date of the informal approach",
            "invalid": "Enter a real date",
        },
    )
    informal_note_on_child_file = forms.BooleanField(
        label="A record of the informal approach is on the child's file", required=False
    )

    def __init__(self, *args, teams, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["team"].queryset = teams
        self.fields["informal_logged_at"].initial = today

    def clean_informal_logged_at(self) -> date:
        day = self.cleaned_data["informal_logged_at"]
        if day > self.today:
            raise forms.ValidationError("The date of the informal approach cannot be in the future")
        return day


def addressee_choices(team: OrgUnit) -> list[tuple[str, str]]:
    """Managers who hold a stage's role on the child's team or a unit above it."""
    units = [*team.ancestors(), team]
    found = (
        RoleAssignment.objects.filter(role__in=AddresseeRole.values, unit__in=units)
        .select_related("user", "unit")
        .order_by("unit__path", "role", "user__username")
    )
    return [
        (str(a.user_id), f"{a.user} ({AddresseeRole(a.role).label}, {a.unit.name})") for a in found
    ]


class StageForm(forms.Form):
    """Issue a stage: the first formal one, the next after a response, or a bypass."""

    stage = forms.TypedChoiceField(label="Stage", coerce=int, required=False)
    addressee = forms.ChoiceField(
        label="Addressed to", error_messages={"required": "Choose who the stage is addressed to"}
    )
    response_days = forms.IntegerField(
        label="Working days to respond",
        min_value=1,
        max_value=MAX_RESPONSE_DAYS,
        error_messages={
            "required": "Enter the working days to respond",
            "min_value": f"The time to respond must be from 1 to {MAX_RESPONSE_DAYS} working days",
            "max_value": f"The time to respond must be from 1 to {MAX_RESPONSE_DAYS} working days",
        },
    )
    note = forms.CharField(
        label="Why the response is not accepted (or not waited for)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label="Reason for going past a stage (a bypass)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, team: OrgUnit, current_stage: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        higher = range(current_stage + 1, LAST_STAGE + 1)
        self.fields["stage"].choices = [
            (n, f"Stage {n}: {STAGE_ROLES[n].label.lower()}") for n in higher
        ]
        self.fields["stage"].initial = current_stage + 1
        self.fields["addressee"].choices = [("", "Choose a manager"), *addressee_choices(team)]
        self.fields["response_days"].initial = deadlines.default_response_days()

    def clean_addressee(self) -> User:
        return User.objects.get(pk=int(self.cleaned_data["addressee"]))


class RespondForm(forms.Form):
    text = forms.CharField(
        label="Your response",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your response"},
    )


class AcceptForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[(Outcome.RESOLVED, "Resolved"), (Outcome.PARTIALLY, "Partially resolved")],
    )
    plan_changed = forms.ChoiceField(
        label="Did the child's plan change?", choices=YES_NO_UNKNOWN, required=False
    )
    note = forms.CharField(
        label="Note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_plan_changed(self) -> bool | None:
        return _yes_no(self.cleaned_data["plan_changed"])


class NoteForm(forms.Form):
    """Resolving informally: what was agreed."""

    note = forms.CharField(
        label="What was agreed", required=False, max_length=5000, widget=forms.Textarea
    )
    plan_changed = forms.ChoiceField(
        label="Did the child's plan change?", choices=YES_NO_UNKNOWN, required=False
    )

    def clean_plan_changed(self) -> bool | None:
        return _yes_no(self.cleaned_data["plan_changed"])


class CafcassForm(forms.Form):
    concurrent = forms.TypedChoiceField(
        label="Does the dispute resolution process carry on beside the referral?",
        choices=[("yes", "Yes: a concurrent referral"), ("no", "No: the process stops")],
        coerce=lambda v: v == "yes",
        error_messages={"required": "Say whether the referral is concurrent"},
    )
    note = forms.CharField(
        label="Note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing the escalation?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give the reason for withdrawing the escalation"},
    )


class CloseForm(forms.Form):
    unresolved = forms.BooleanField(
        label="Close it unresolved (the formal process ended without agreement)", required=False
    )
    plan_changed = forms.ChoiceField(
        label="Did the child's plan change?", choices=YES_NO_UNKNOWN, required=False
    )
    note = forms.CharField(
        label="Note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_plan_changed(self) -> bool | None:
        return _yes_no(self.cleaned_data["plan_changed"])
