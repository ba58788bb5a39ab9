"""Changes to users and roles. Each runs in one transaction and records an audit event."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from casegrip.web.organisation.models import OrgUnit, StaffMember

from .audit import record_event
from .models import RoleAssignment, User
from .roles import Permission, get_role


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    staff: StaffMember | None = None,
    by: User | None = None,
    check_password: bool = True,
) -> User:
    """Create a user who can sign in, optionally linked to their staff record."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"A user called {username!r} already exists.")
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    if staff is not None:
        if staff.user_id is not None:
            raise ValidationError(f"{staff} already has a user.")
        staff.user = user
        staff.save(update_fields=["user"])
    record_event(by, "created user", user, username=username)
    return user


@transaction.atomic
def assign_role(*, user: User, role: str, unit: OrgUnit, by: User | None = None) -> RoleAssignment:
    """Grant ``role`` to ``user`` on ``unit`` and everything below it."""
    definition = get_role(role)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=definition.slug, unit=unit, defaults={"granted_by": by}
    )
    if created:
        _sync_admin_flags(user)
        record_event(by, "assigned role", user, role=definition.slug, unit=unit.name)
    return assignment


@transaction.atomic
def revoke_role(*, user: User, role: str, unit: OrgUnit, by: User | None = None) -> None:
    deleted, _ = RoleAssignment.objects.filter(user=user, role=role, unit=unit).delete()
    if deleted:
        _sync_admin_flags(user)
        record_event(by, "revoked role", user, role=role, unit=unit.name)


@transaction.atomic
def set_password(*, user: User, password: str, by: User | None = None) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(by, "set password", user)


def _sync_admin_flags(user: User) -> None:
    """Only administrators reach the Django admin, and they need its model permissions."""
    is_admin = any(
        Permission.ADMINISTER in get_role(slug).permissions
        for slug in user.role_assignments.values_list("role", flat=True)
    )
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])
