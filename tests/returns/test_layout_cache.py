"""Each year's layout is read from its YAML once, then from a JSON copy in the data directory."""

import json
import os
import subprocess
import sys

import pytest

from casegrip.returns.layouts import _load


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEGRIP_HOME", str(tmp_path))
    _load.cache_clear()
    yield tmp_path / "cache" / "layouts"
    _load.cache_clear()


def test_the_parsed_layout_is_kept_as_json_and_read_back_without_yaml(fresh):
    parsed = _load("ssda903.yml")
    [cached] = fresh.glob("ssda903.yml-*.json")
    assert json.loads(cached.read_text(encoding="utf-8")) == parsed
    code = (
        "import sys\n"
        "from casegrip.returns.layouts import ssda903_layout\n"
        "print(len(ssda903_layout(2026).tables), 'yaml' in sys.modules)\n"
    )
    env = os.environ | {"CASEGRIP_HOME": str(fresh.parents[1])}
    ran = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert ran.stdout.split() == ["11", "False"]


def test_a_damaged_copy_is_parsed_again_from_the_yaml(fresh):
    parsed = _load("cin_census.yml")
    [cached] = fresh.glob("cin_census.yml-*.json")
    cached.write_text('{"half a fi', encoding="utf-8")
    _load.cache_clear()
    assert _load("cin_census.yml") == parsed
    assert json.loads(cached.read_text(encoding="utf-8")) == parsed
