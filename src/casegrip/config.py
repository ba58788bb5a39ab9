"""An authority's configuration: the facts casegrip needs that the case record does not hold.

One YAML file per authority (see ``docs/authority.example.yaml``), validated on load; an error
names the field and says what is wrong, in plain English.
"""

from datetime import date
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Code = Annotated[str, Field(min_length=1, max_length=48)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InvolvementRoles(Strict):
    """Which ``ssd_involvements.invo_professional_role_id`` codes mean which relationship."""

    allocated_social_worker: list[Code] = Field(default_factory=lambda: ["CW"], min_length=1)
    iro: list[Code] = Field(default_factory=lambda: ["IRO"], min_length=1)
    personal_adviser: list[Code] = Field(default_factory=lambda: ["PA"], min_length=1)


class Team(Strict):
    id: Code  # ssd_department.dept_team_id
    name: str


class Locality(Strict):
    id: Code
    name: str
    teams: list[Team] = Field(min_length=1)


class Service(Strict):
    id: Code
    name: str
    localities: list[Locality] = Field(default_factory=list)
    teams: list[Team] = Field(default_factory=list)  # teams directly under the service


class VisitFrequencies(Strict):
    """Local timescales, in working days, between visits to a child."""

    cp: int = Field(10, ge=1, le=130)
    cin: int = Field(20, ge=1, le=130)


class Disclosure(Strict):
    """Disclosure control for aggregate figures: small counts could identify a child."""

    threshold: int = Field(5, ge=1, le=100)  # counts from 1 to threshold - 1 are suppressed
    round_to: int = Field(1, ge=1, le=100)  # disclosed counts rounded to the nearest multiple


class AuthorityConfig(Strict):
    name: str
    la_code: Annotated[str, Field(pattern=r"^\d{3}$")]  # DfE local authority code, e.g. 352
    # The ONS code (E08000003), which the SSDA903 placement rules compare with; worked out from
    # la_code when not given. A made-up la_code (the synthetic authorities') needs it.
    ons_code: Annotated[str, Field(pattern=r"^E(06|07|08|09|10)\d{6}$")] | None = None
    child_population: int = Field(gt=0, description="Children aged 0 to 17 (ONS estimate).")
    involvement_roles: InvolvementRoles = Field(default_factory=InvolvementRoles)
    services: list[Service] = Field(min_length=1)
    visit_frequency_working_days: VisitFrequencies = Field(default_factory=VisitFrequencies)
    closure_days: list[date] = Field(default_factory=list)
    snapshots_to_keep: int = Field(5, ge=1, le=100)
    disclosure: Disclosure = Field(default_factory=Disclosure)

    @model_validator(mode="after")
    def _unique_ids(self) -> "AuthorityConfig":
        seen: set[str] = set()
        for unit_id in self.unit_ids():
            if unit_id in seen:
                raise ValueError(f"unit id {unit_id!r} is used twice in services")
            seen.add(unit_id)
        return self

    def unit_ids(self) -> list[str]:
        ids = []
        for service in self.services:
            ids.append(service.id)
            ids.extend(team.id for team in service.teams)
            for locality in service.localities:
                ids.append(locality.id)
                ids.extend(team.id for team in locality.teams)
        return ids

    def team_paths(self) -> dict[str, tuple[str, str | None, str]]:
        """For each team id: (service id, locality id or None, team id)."""
        paths: dict[str, tuple[str, str | None, str]] = {}
        for service in self.services:
            for team in service.teams:
                paths[team.id] = (service.id, None, team.id)
            for locality in service.localities:
                for team in locality.teams:
                    paths[team.id] = (service.id, locality.id, team.id)
        return paths


class ConfigError(Exception):
    """The configuration file cannot be used; the message says where and why."""


def load_config(path: Path) -> AuthorityConfig:
    try:
        data = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from exc
    return parse_config(data, source=str(path))


def parse_config(data: object, source: str = "configuration") -> AuthorityConfig:
    try:
        return AuthorityConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'top level'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"{source}: {problems}") from exc


def dump_config(config: AuthorityConfig) -> str:
    return yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False, width=100)
