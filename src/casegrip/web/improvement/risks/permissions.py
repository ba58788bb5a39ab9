"""Who may read a register, change its risks or re-score one. Registers hold aggregate
statements only (no child's data), so reading needs ``VIEW_AGGREGATES`` on the register's unit;
changing needs ``MANAGE_RISKS`` there; a risk's owner may re-score and edit their own risk."""

from django.db.models import Q, QuerySet

from casegrip.web.accounts.access import Grants
from casegrip.web.accounts.roles import Permission as P

from .models import Risk, RiskRegister


def may_read(grants: Grants, register: RiskRegister) -> bool:
    return (
        grants.has(P.VIEW_AGGREGATES, register.unit)
        or grants.has(P.MANAGE_RISKS, register.unit)
        or register.owner_id == grants.user.pk
    )


def may_manage(grants: Grants, register: RiskRegister) -> bool:
    return grants.has(P.MANAGE_RISKS, register.unit)


def may_read_risk(grants: Grants, risk: Risk) -> bool:
    return risk.owner_id == grants.user.pk or may_read(grants, risk.register)


def may_change_risk(grants: Grants, risk: Risk) -> bool:
    """Re-score or edit: the risk's owner, or a risk manager for the register's unit."""
    return risk.owner_id == grants.user.pk or may_manage(grants, risk.register)


def readable_registers(grants: Grants) -> QuerySet[RiskRegister]:
    if not grants.user.is_authenticated:
        return RiskRegister.objects.none()
    tops = grants.top_units(P.VIEW_AGGREGATES) + grants.top_units(P.MANAGE_RISKS)
    where = Q(owner=grants.user)
    for top in tops:
        where |= Q(unit__path__startswith=top.path)
    return RiskRegister.objects.filter(where).select_related("unit", "owner", "parent")


def managed_registers(grants: Grants) -> QuerySet[RiskRegister]:
    tops = grants.top_units(P.MANAGE_RISKS)
    if not tops:
        return RiskRegister.objects.none()
    where = Q()
    for top in tops:
        where |= Q(unit__path__startswith=top.path)
    return RiskRegister.objects.filter(where).select_related("unit")


def readable_risks(grants: Grants) -> QuerySet[Risk]:
    """Risks in registers the user reads, and risks they own anywhere."""
    if not grants.user.is_authenticated:
        return Risk.objects.none()
    return Risk.objects.filter(
        Q(register__in=readable_registers(grants)) | Q(owner=grants.user)
    ).select_related("register", "register__unit", "owner", "latest")
