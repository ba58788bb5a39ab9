"""Shared fixtures: a small organisation tree, users with roles, and the PostgreSQL gate.

When ``DATABASE_URL`` names PostgreSQL and it does not answer, the run skips, unless
``CASEGRIP_REQUIRE_POSTGRES=1`` (as in CI), when it fails at once.
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest
from django.test import Client

from casegrip.returns.validation.ssda903.postcodes import POSTCODES_DIR_VARIABLE
from casegrip.web.accounts import actions as account_actions
from casegrip.web.accounts.models import User
from casegrip.web.organisation import actions as org_actions
from casegrip.web.organisation.models import OrgUnit, StaffMember, UnitKind

from .postcodes import write_postcodes

PASSWORD = "a-long-test-passphrase"


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if urlparse(url).scheme.startswith("postgres") else None


@pytest.fixture(scope="session")
def postcodes_dir(tmp_path_factory) -> Path:
    return write_postcodes(tmp_path_factory.mktemp("postcodes"))


@pytest.fixture(autouse=True)
def _small_postcode_directory(postcodes_dir, monkeypatch) -> None:
    """Every test reads the tests' own postcodes, not the whole ONS directory (the test of
    the real one removes this)."""
    monkeypatch.setenv(POSTCODES_DIR_VARIABLE, str(postcodes_dir))


def pytest_configure(config: pytest.Config) -> None:
    url = _postgres_url()
    if url is None:
        return
    # Ask the server, not the test database, which pytest-django creates itself.
    server = urlparse(url)._replace(path="/postgres").geturl()
    try:
        psycopg.connect(server, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("CASEGRIP_REQUIRE_POSTGRES") == "1":
            pytest.exit(f"PostgreSQL is required but does not answer at {server}: {exc}", 3)
        config._casegrip_skip_postgres = str(exc).strip()


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests on the measure engines do not touch Django's database: the PostgreSQL pass of
    # `make test` (which is about that database) leaves them out with -m "not engines".
    for item in items:
        if "pg_engine_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.engines)
    reason = getattr(config, "_casegrip_skip_postgres", None)
    if reason:
        marker = pytest.mark.skip(reason=f"PostgreSQL does not answer: {reason}")
        for item in items:
            item.add_marker(marker)


@pytest.fixture
def org(db) -> dict[str, OrgUnit]:
    """Authority > service > localities North (teams A, B) and South (team C)."""
    authority = org_actions.create_unit(kind=UnitKind.AUTHORITY, name="Testshire", la_code="998")
    service = org_actions.create_unit(kind="service", name="Social care", parent=authority)
    north = org_actions.create_unit(kind="locality", name="North", parent=service)
    south = org_actions.create_unit(kind="locality", name="South", parent=service)
    return {
        "authority": authority,
        "service": service,
        "north": north,
        "south": south,
        "team_a": org_actions.create_unit(kind="team", name="Team A", parent=north, source_id="A"),
        "team_b": org_actions.create_unit(kind="team", name="Team B", parent=north, source_id="B"),
        "team_c": org_actions.create_unit(kind="team", name="Team C", parent=south, source_id="C"),
    }


@pytest.fixture
def make_user(db):
    """A user holding ``role`` on ``unit``, optionally as a member of staff there."""
    counter = iter(range(1, 1000))

    def make(role: str, unit: OrgUnit, *, staff: StaffMember | None = None) -> User:
        user = account_actions.create_user(
            username=f"{role}-{next(counter)}", password=PASSWORD, staff=staff
        )
        account_actions.assign_role(user=user, role=role, unit=unit)
        return user

    return make


@pytest.fixture
def worker(org) -> callable:
    counter = iter(range(1, 1000))

    def make(unit: OrgUnit, name: str = "", **kwargs) -> StaffMember:
        n = next(counter)
        return org_actions.add_staff(
            unit=unit, name=name or f"Worker {n}", professional_id=f"P{n:03d}", **kwargs
        )

    return make


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def pg_engine_url() -> str:
    """A PostgreSQL database for engine tests (created if missing); skips or fails like the
    Django run: skips when PostgreSQL does not answer, fails when CASEGRIP_REQUIRE_POSTGRES=1."""
    base = os.environ.get("CASEGRIP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
    try:
        with psycopg.connect(f"{base}/postgres", connect_timeout=5, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = 'casegrip_engine_test'"
            ).fetchone()
            if not exists:
                conn.execute("CREATE DATABASE casegrip_engine_test")
    except psycopg.OperationalError as exc:
        if os.environ.get("CASEGRIP_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but does not answer at {base}: {exc}")
        pytest.skip(f"PostgreSQL does not answer at {base}")
    return f"{base}/casegrip_engine_test"


@pytest.fixture(scope="session")
def small_home(tmp_path_factory) -> Path:
    """A data directory holding the synthetic small authority's snapshot and figures."""
    from .small_authority import build_home

    return build_home(tmp_path_factory.mktemp("small-authority"))


@pytest.fixture
def small(small_home, db, monkeypatch):
    """The small authority live (CASEGRIP_HOME points at it) and synced into the database."""
    from .small_authority import sync

    monkeypatch.setenv("CASEGRIP_HOME", str(small_home))
    return sync(small_home)
