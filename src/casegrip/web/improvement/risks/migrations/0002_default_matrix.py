"""The default banding (NPSA style: 1-3 green, 4-6 yellow, 8-12 amber, 15-25 red), in force
from long before any rating, so every rating has a matrix version to point at."""

from datetime import date

from django.db import migrations

# A copy, not an import: a migration must keep meaning what it meant when it was written.
DEFAULT_BANDS = [
    {"key": "green", "label": "Low", "lowest": 1, "review_months": 6, "colour": "green"},
    {"key": "yellow", "label": "Moderate", "lowest": 4, "review_months": 6, "colour": "yellow"},
    {"key": "amber", "label": "High", "lowest": 8, "review_months": 3, "colour": "orange"},
    {"key": "red", "label": "Significant", "lowest": 15, "review_months": 1, "colour": "red"},
]
FROM = date(2000, 1, 1)


def add_default(apps, schema_editor):
    RiskMatrix = apps.get_model("risks", "RiskMatrix")
    RiskMatrix.objects.get_or_create(
        effective_from=FROM,
        defaults={"name": "5x5 matrix, NPSA-style bands", "bands": DEFAULT_BANDS},
    )


def remove_default(apps, schema_editor):
    apps.get_model("risks", "RiskMatrix").objects.filter(effective_from=FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]

    operations = [migrations.RunPython(add_default, remove_default)]
