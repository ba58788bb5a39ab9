"""Forms of the improvement plan pages. They check what a person typed; ``actions`` decides
whether the change is allowed (scope, status machine) and saves it."""

from datetime import date

from django import forms

from casegrip.web.organisation.models import OrgUnit

from . import indicators, states
from .brag import ORDER
from .models import ImprovementPlan

MAX_UPLOAD = 5 * 1024 * 1024  # an action plan is a few hundred rows at most

_DATE = forms.DateInput(attrs={"type": "date"})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _text(label: str, *, required: bool = False, rows: int = 3, help_text: str = "", **kwargs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=kwargs.pop("max_length", 5000),
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        **kwargs,
    )


class PlanForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Give the plan a title"},
    )
    kind = forms.ChoiceField(label="Kind of plan", choices=ImprovementPlan.Kind.choices)
    unit = forms.ModelChoiceField(
        label="Whose plan",
        queryset=OrgUnit.objects.none(),
        error_messages={"required": "Choose the part of the service the plan is for"},
    )
    source = forms.CharField(
        label="Source",
        max_length=300,
        required=False,
        help_text="The inspection report, improvement notice or self-evaluation it answers.",
    )
    source_date = forms.DateField(
        label="Date of the source",
        required=False,
        widget=_DATE,
        error_messages={"invalid": "Enter a real date"},
    )
    governance_body = forms.CharField(
        label="Governance body", max_length=200, required=False, help_text="Such as the board."
    )
    chair = forms.CharField(label="Chair", max_length=200, required=False)
    workstreams = _text(
        "Workstreams", help_text="One a line (a Single Service Plan's workstreams)."
    )
    amber_within = forms.IntegerField(
        label="Amber when due within (working days)",
        min_value=0,
        max_value=60,
        initial=10,
        error_messages={"invalid": "Enter a whole number of working days"},
    )

    def __init__(self, *args, units=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units

    def clean_workstreams(self) -> list[str]:
        return _lines(self.cleaned_data["workstreams"])


class RecommendationForm(forms.Form):
    ref = forms.CharField(
        label="Number", max_length=16, error_messages={"required": "Give it a number"}
    )
    text = _text(
        "Recommendation or priority",
        required=True,
        rows=4,
        error_messages={"required": "Enter the recommendation"},
    )
    workstream = forms.CharField(label="Workstream", max_length=200, required=False)
    lead = forms.CharField(label="Lead", max_length=200, required=False)
    performance_framework = _text(
        "Performance management framework",
        help_text="Where the outcomes and metrics are reported.",
        rows=2,
    )
    success_measures = _text("Measures in the plan's words", rows=2)
    measures = _text(
        "Catalogue indicators",
        rows=3,
        help_text="One indicator id a line, with the plan's target after an equals sign if it "
        "differs from the catalogue's, such as: supervision_compliance = 90",
    )
    partnership_focus = _text("Partnership focus", rows=2)
    link_plans = _text("Linked plans", rows=2, help_text="One a line.")
    governance_body = forms.CharField(label="Governance", max_length=300, required=False)
    impact = _text("Impact statement", rows=4, help_text="What will be different for children.")

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_measures(self) -> list[dict]:
        links, unknown = [], []
        for line in _lines(self.cleaned_data["measures"]):
            measure_id, _, target = (part.strip() for part in line.partition("="))
            if not indicators.known(measure_id):
                unknown.append(measure_id)
                continue
            try:
                value = float(target) if target else None
            except ValueError:
                raise forms.ValidationError(
                    f"The target for {measure_id} is not a number"
                ) from None
            links.append(indicators.link(measure_id, self.today, value))
        if unknown:
            raise forms.ValidationError(
                f"Not catalogue indicators: {', '.join(unknown)}. The list below shows their ids"
            )
        return links

    def clean_link_plans(self) -> list[str]:
        return _lines(self.cleaned_data["link_plans"])


def measures_text(links: list[dict], today: date) -> str:
    """The stored links as the form writes them (the target only where it differs)."""
    lines = []
    for item in links:
        default = indicators.link(item["measure_id"], today)["target"]
        target = item.get("target")
        suffix = f" = {target:g}" if target is not None and target != default else ""
        lines.append(f"{item['measure_id']}{suffix}")
    return "\n".join(lines)


class ActionForm(forms.Form):
    ref = forms.CharField(
        label="Number",
        max_length=16,
        required=False,
        help_text="Left empty, the next number under the recommendation.",
    )
    text = _text("Action", required=True, error_messages={"required": "Describe the action"})
    lead = forms.CharField(label="Lead", max_length=200, required=False)
    start_date = forms.DateField(
        label="Start date",
        required=False,
        widget=_DATE,
        error_messages={"invalid": "Enter a real start date"},
    )
    due_date = forms.DateField(
        label="Due date",
        required=False,
        widget=_DATE,
        help_text="Leave empty for an ongoing action.",
        error_messages={"invalid": "Enter a real due date"},
    )
    timescale = forms.CharField(
        label="Timescale as the plan words it",
        max_length=200,
        required=False,
        help_text="Such as: End April 2018.",
    )


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False)
    note = _text("Progress note", rows=4)
    on = forms.DateField(
        label="Date of the update",
        widget=_DATE,
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )

    def __init__(self, *args, status: str, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", f"Keep as {states.ACTION.labels[status].lower()}"),
            *[(s, states.ACTION.labels[s]) for s in states.ACTION.allowed(status)],
        ]
        self.fields["on"].initial = today


class OverrideForm(forms.Form):
    brag = forms.ChoiceField(
        label="BRAG",
        required=False,
        choices=[("", "As derived (no override)"), *[(b.value, b.label) for b in ORDER]],
    )
    reason = _text("Reason", rows=2, help_text="Why the derived colour is wrong.")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet (.xlsx)",
        error_messages={"required": "Choose the spreadsheet to import"},
    )
    unit = forms.ModelChoiceField(
        label="Whose plan",
        queryset=OrgUnit.objects.none(),
        error_messages={"required": "Choose the part of the service the plan is for"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Give the plan a title"}
    )
    kind = forms.ChoiceField(label="Kind of plan", choices=ImprovementPlan.Kind.choices)
    source = forms.CharField(label="Source", max_length=300, required=False)
    governance_body = forms.CharField(label="Governance body", max_length=200, required=False)
    chair = forms.CharField(label="Chair", max_length=200, required=False)

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("The file must be an Excel workbook (.xlsx)")
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file must be smaller than 5 MB")
        return upload
