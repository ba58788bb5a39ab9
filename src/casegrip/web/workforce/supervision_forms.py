"""Forms of the supervision pages. They check what a person typed; ``actions`` decides whether
the change is allowed."""

from datetime import date

from django import forms

from casegrip.web.organisation.models import StaffMember

from .actions import MAX_MINUTES
from .models import SessionType

DATE = forms.DateInput(attrs={"type": "date"})
MINUTES_ERRORS = {
    "invalid": "Enter the length as a whole number of minutes",
    "min_value": f"The length must be from 1 to {MAX_MINUTES} minutes",
    "max_value": f"The length must be from 1 to {MAX_MINUTES} minutes",
}


def _notes(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RecordForm(forms.Form):
    supervisee = forms.ModelChoiceField(
        label="Worker supervised",
        queryset=StaffMember.objects.none(),
        error_messages={"required": "Choose the worker supervised"},
    )
    supervisor = forms.ModelChoiceField(
        label="Supervisor",
        queryset=StaffMember.objects.none(),
        error_messages={"required": "Choose the supervisor"},
    )
    when = forms.ChoiceField(
        label="Has the session taken place?",
        choices=[("held", "Yes: record it"), ("scheduled", "No: book it")],
        initial="held",
    )
    held_on = forms.DateField(
        label="Date",
        widget=DATE,
        error_messages={
            "required": "Enter the date of the session",
            "invalid": "Enter a real date",
        },
    )
    minutes = forms.IntegerField(
        label="Length in minutes",
        required=False,
        min_value=1,
        max_value=MAX_MINUTES,
        error_messages=MINUTES_ERRORS,
    )
    session_type = forms.ChoiceField(
        label="Type", choices=SessionType.choices, initial=SessionType.ONE_TO_ONE
    )
    wellbeing_notes = _notes("Wellbeing and support")
    workload_notes = _notes("Workload")
    learning_notes = _notes("Learning and development")

    def __init__(self, *args, supervisees, supervisors, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisee"].queryset = supervisees
        self.fields["supervisor"].queryset = supervisors

    def clean(self) -> dict:
        data = super().clean()
        if data.get("when") == "held" and data.get("minutes") is None and "minutes" in data:
            self.add_error("minutes", "Enter how long the session lasted, in minutes")
        return data


class HoldForm(forms.Form):
    held_on = forms.DateField(
        label="Date held",
        widget=DATE,
        error_messages={"required": "Enter the date it was held", "invalid": "Enter a real date"},
    )
    minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=1,
        max_value=MAX_MINUTES,
        error_messages={"required": "Enter how long the session lasted", **MINUTES_ERRORS},
    )


class WriteForm(forms.Form):
    wellbeing_notes = _notes("Wellbeing and support")
    workload_notes = _notes("Workload")
    learning_notes = _notes("Learning and development")
    minutes = forms.IntegerField(
        label="Length in minutes",
        required=False,
        min_value=1,
        max_value=MAX_MINUTES,
        error_messages=MINUTES_ERRORS,
    )


class SignForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read the record and agree it is accurate",
        error_messages={"required": "Confirm that you agree the record is accurate"},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why was the session cancelled?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give the reason the session was cancelled"},
    )


class DecisionForm(forms.Form):
    child_id = forms.CharField(
        label="Child's id in the case record",
        max_length=64,
        error_messages={"required": "Enter the child's id in the case record"},
    )
    summary = forms.CharField(
        label="Current situation",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the current situation"},
    )
    decision = forms.CharField(
        label="Management decision",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the management decision"},
    )
    rationale = forms.CharField(
        label="Rationale",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the rationale for the decision"},
    )
    next_review_on = forms.DateField(
        label="Next review date",
        required=False,
        widget=DATE,
        error_messages={"invalid": "Enter a real date"},
    )


class AsyeStartForm(forms.Form):
    started_on = forms.DateField(
        label="ASYE start date",
        widget=DATE,
        error_messages={"required": "Enter the ASYE start date", "invalid": "Enter a real date"},
    )

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_started_on(self) -> date:
        day = self.cleaned_data["started_on"]
        if day > self.today:
            raise forms.ValidationError("The ASYE start cannot be in the future")
        return day
