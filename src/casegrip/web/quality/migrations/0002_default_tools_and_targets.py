"""The shipped grading scheme and audit tools, and default QA targets (a trajectory for the
share of audits graded good or better)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

DEFAULT_TARGETS = [
    ("good_or_better", date(2024, 4, 1), Decimal("50")),
    ("good_or_better", date(2025, 4, 1), Decimal("65")),
    ("good_or_better", date(2026, 4, 1), Decimal("80")),
    ("inadequate", date(2024, 4, 1), Decimal("10")),
    ("completion", date(2024, 4, 1), Decimal("90")),
    ("actions_on_time", date(2024, 4, 1), Decimal("80")),
]


def install(apps, schema_editor):
    from casegrip.web.quality.actions import install_tools

    install_tools(
        apps.get_model("quality", "GradingScheme"), apps.get_model("quality", "AuditTool")
    )
    target = apps.get_model("quality", "QualityTarget")
    for measure, day, value in DEFAULT_TARGETS:
        target.objects.get_or_create(measure=measure, effective_from=day, defaults={"value": value})


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
