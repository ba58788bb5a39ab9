"""Forms of the performance clinic."""

from datetime import date

from django import forms

from casegrip.measures.catalogue import MEASURES
from casegrip.web.organisation.models import OrgUnit, StaffMember

from .models import ClinicAction


class ActionForm(forms.Form):
    measure_id = forms.ChoiceField(
        label="Indicator (optional)",
        required=False,
        choices=[("", "Not about one indicator"), *[(m.id, m.name) for m in MEASURES]],
    )
    text = forms.CharField(
        label="Action agreed",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the action agreed"},
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=StaffMember.objects.none(),
        error_messages={"required": "Choose who owns the action"},
    )
    due_date = forms.DateField(
        label="Due date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the due date", "invalid": "Enter a real date"},
    )

    def __init__(self, *args, unit: OrgUnit, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["owner"].queryset = StaffMember.objects.filter(
            unit__path__startswith=unit.path, active=True
        ).order_by("name")

    def clean_due_date(self) -> date:
        due = self.cleaned_data["due_date"]
        if due < self.today:
            raise forms.ValidationError("The due date must be today or later")
        return due


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ClinicAction.Status.choices)
    note = forms.CharField(
        label="What happened", required=False, max_length=2000, widget=forms.TextInput()
    )
