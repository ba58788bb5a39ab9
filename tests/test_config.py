"""The authority configuration: the documented example loads; mistakes are named."""

import re
from pathlib import Path

import pytest

from casegrip.config import ConfigError, dump_config, load_config, parse_config

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "authority.example.yaml"


def minimal(**overrides) -> dict:
    data = {
        "name": "Testshire",
        "la_code": "998",
        "child_population": 1000,
        "services": [{"id": "S", "name": "Care", "teams": [{"id": "T", "name": "Team"}]}],
    }
    data.update(overrides)
    return data


def test_the_documented_example_loads_with_its_values():
    config = load_config(EXAMPLE)
    assert config.la_code == "352"
    assert config.visit_frequency_working_days.cp == 10
    assert config.visit_frequency_working_days.cin == 20
    assert config.involvement_roles.allocated_social_worker == ["CW"]
    assert config.team_paths()["T2"] == ("S1", "L1", "T2")
    assert config.team_paths()["T5"] == ("S1", None, "T5")
    assert len(config.closure_days) == 2


def test_defaults_apply_when_left_out():
    config = parse_config(minimal())
    assert config.visit_frequency_working_days.cp == 10
    assert config.snapshots_to_keep == 5
    assert parse_config(dump_config_roundtrip(config)) == config


def dump_config_roundtrip(config):
    import yaml

    return yaml.safe_load(dump_config(config))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"la_code": "35"}, "la_code: String should match pattern"),
        ({"ons_code": "W06000001"}, "ons_code: String should match pattern"),
        ({"child_population": 0}, "child_population: Input should be greater than 0"),
        ({"services": []}, "services: List should have at least 1 item"),
        ({"colour": "blue"}, "colour: Extra inputs are not permitted"),
        ({"visit_frequency_working_days": {"cp": 0}}, "visit_frequency_working_days.cp"),
        ({"closure_days": ["not a date"]}, "closure_days.0"),
    ],
)
def test_mistakes_name_the_field(change, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_config(minimal(**change), source="authority.yaml")


def test_a_unit_id_used_twice_is_refused():
    services = [
        {"id": "S", "name": "Care", "teams": [{"id": "T", "name": "A"}, {"id": "T", "name": "B"}]}
    ]
    with pytest.raises(ConfigError, match="unit id 'T' is used twice"):
        parse_config(minimal(services=services))


def test_unreadable_yaml_names_the_file(tmp_path):
    bad = tmp_path / "authority.yaml"
    bad.write_text("name: [unclosed")
    with pytest.raises(ConfigError, match=r"authority\.yaml: cannot read"):
        load_config(bad)
