"""The default supervision policy: the national minimums (LGA Standards for Employers of Social
Workers, Standard 5; Skills for Care ASYE), in force from the start of casegrip's calendar so
that every month it can show is judged by a policy."""

from datetime import date

from django.db import migrations

DEFAULT = {
    "effective_from": date(2000, 1, 1),
    "name": "National minimums",
    "asye_weekly_weeks": 6,
    "asye_fortnightly_weeks": 26,
    "standard_months": 1,
    "minimum_minutes": 90,
    "short_sessions_count": True,
    "qualifying_types": ["one_to_one", "asye"],
    "exempt_job_titles": ["Head of service"],
    "source": "LGA Standards for Employers of Social Workers in England, Standard 5; Skills for "
    "Care ASYE: weekly for the first 6 weeks of the ASYE, fortnightly to 6 months, then "
    "monthly; other social workers at least monthly; each session at least 1.5 hours.",
}


def seed(apps, schema_editor) -> None:
    policy = apps.get_model("workforce", "SupervisionPolicy")
    if not policy.objects.filter(effective_from=DEFAULT["effective_from"]).exists():
        policy.objects.create(**DEFAULT)


def unseed(apps, schema_editor) -> None:
    policy = apps.get_model("workforce", "SupervisionPolicy")
    policy.objects.filter(
        effective_from=DEFAULT["effective_from"], name=DEFAULT["name"], created_by=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
