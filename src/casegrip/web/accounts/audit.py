"""Recording changes to the oversight record."""

from typing import Any

from django.db import models

from .models import AuditEvent, User


def record_event(actor: User | None, verb: str, obj: models.Model, **detail: Any) -> AuditEvent:
    """Record that ``actor`` (None: the system) did ``verb`` to ``obj``.

    ``detail`` holds names and codes, never a child's data.
    """
    return AuditEvent.objects.create(
        actor=actor,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        detail=detail,
    )


def events_of(obj: models.Model, *, newest_first: bool = False) -> models.QuerySet[AuditEvent]:
    """The audit events recorded about ``obj``, with who made each: its history."""
    order = ("-at", "-id") if newest_first else ("pk",)
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by(*order)
    )
