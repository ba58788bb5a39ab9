"""The organisation tree (authority, services, localities, teams) and the staff in it.

The case record's ``ssd_department`` rows map onto units through ``source_id`` and
``ssd_professionals`` rows onto staff through ``professional_id``; the oversight record keeps
only these keys and names.
"""

from django.conf import settings
from django.db import models


class UnitKind(models.TextChoices):
    AUTHORITY = "authority", "Authority"
    SERVICE = "service", "Service"
    LOCALITY = "locality", "Locality"
    TEAM = "team", "Team"


# Which kind of unit may sit under which: localities are optional, so a team may hang off a
# service directly.
ALLOWED_PARENTS = {
    UnitKind.AUTHORITY: set(),
    UnitKind.SERVICE: {UnitKind.AUTHORITY},
    UnitKind.LOCALITY: {UnitKind.SERVICE},
    UnitKind.TEAM: {UnitKind.SERVICE, UnitKind.LOCALITY},
}


class OrgUnit(models.Model):
    """A node of the organisation tree. ``path`` makes 'this unit and everything below' a prefix."""

    kind = models.CharField(max_length=16, choices=UnitKind.choices)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    source_id = models.CharField(
        max_length=64, blank=True, help_text="The team's id in the case record (ssd_department)."
    )
    la_code = models.CharField(
        max_length=8, blank=True, help_text="The DfE local authority code (authorities only)."
    )

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_id"],
                condition=~models.Q(source_id=""),
                name="orgunit_unique_source_id",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(".") - 1

    def contains(self, other: "OrgUnit") -> bool:
        """True when ``other`` is this unit or sits anywhere below it."""
        return other.path.startswith(self.path)

    def ancestors(self) -> list["OrgUnit"]:
        """From the authority down to this unit's parent."""
        chain: list[OrgUnit] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def descendants(self) -> "models.QuerySet[OrgUnit]":
        """This unit and everything below it."""
        return OrgUnit.objects.filter(path__startswith=self.path)


class StaffMember(models.Model):
    """A person who works in a unit: social worker, manager, IRO, QA officer."""

    name = models.CharField(max_length=200)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="staff")
    job_title = models.CharField(max_length=200, blank=True)
    professional_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The worker's id in the case record (ssd_professionals).",
    )
    swe_registration = models.CharField("Social Work England number", max_length=32, blank=True)
    is_asye = models.BooleanField(
        "ASYE", default=False, help_text="In the assessed and supported year in employment."
    )
    fte = models.DecimalField("FTE", max_digits=4, decimal_places=2, default=1)
    is_agency = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "staff"
        constraints = [
            models.UniqueConstraint(
                fields=["professional_id"],
                condition=~models.Q(professional_id=""),
                name="staff_unique_professional_id",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def caseload_target(self) -> int:
        """Children per worker the service aims for: fewer for newly qualified workers."""
        return 15 if self.is_asye else 18
