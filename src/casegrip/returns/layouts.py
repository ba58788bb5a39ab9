"""Each collection year's layout of the SSDA903 and the CIN census, read from the YAML beside
this module (``ssda903.yml``, ``cin_census.yml``): which tables, columns, elements and codes a
year has is data there, not branches in the builders."""

import json
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

from casegrip.home import data_dir


class UnsupportedYear(ValueError):
    """No layout is held for the collection year asked for."""


@dataclass(frozen=True)
class CollectionYear:
    """A collection year: 2026 is 1 April 2025 to 31 March 2026."""

    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)


@dataclass(frozen=True)
class Table903:
    name: str  # as the DfE and the validators name it, e.g. "PlacedAdoption"
    file: str
    columns: tuple[str, ...]
    blank: frozenset[str]  # columns that may be left blank


@dataclass(frozen=True)
class Layout903:
    year: CollectionYear
    tables: dict[str, Table903]
    codes: dict[str, tuple[str, ...]]  # column -> the codes it may hold this year
    sex: dict[str, str]  # canonical sex (M/F/U) -> this year's code
    words: dict[str, dict[str, str]]  # column -> lower-case word -> code
    dates: frozenset[str]
    date_format: str
    previous_permanence: tuple[tuple[str, str], ...]  # (words in the order type, code)


@dataclass(frozen=True)
class LayoutCin:
    year: CollectionYear
    sex_element: str
    sex: dict[str, str]  # canonical sex (M/F/U, "" when blank) -> this year's code
    cin_plan_dates: bool
    codes: dict[str, frozenset[str]]  # element -> the codes the schema allows this year
    unknown: dict[str, str]  # required element -> the code written when no value is usable
    words: dict[str, dict[str, str]]


def _spans_for(spans: list[dict], year: int) -> dict | None:
    """The one span of years (``since``/``until``, both inclusive) that holds ``year``."""
    for span in spans:
        if span.get("since", 0) <= year <= span.get("until", 9999):
            return span
    return None


@cache
def _load(name: str) -> dict:
    """The layout file ``name``, read as JSON from the data directory's cache when it holds
    this version of it: importing PyYAML and parsing took a twentieth of a whole SSDA903
    validation, which reads the layout for its tables' columns."""
    source = files("casegrip.returns").joinpath(name)
    if not isinstance(source, Path):
        return _parse(source.read_text(encoding="utf-8"))
    stat = source.stat()
    cached = data_dir() / "cache" / "layouts" / f"{name}-{stat.st_size}-{stat.st_mtime_ns}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    data = _parse(source.read_text(encoding="utf-8"))
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        # Written whole and moved into place: a reader never sees half a file.
        with tempfile.NamedTemporaryFile(
            "w", dir=cached.parent, suffix=".partial", delete=False, encoding="utf-8"
        ) as handle:
            json.dump(data, handle)
        Path(handle.name).replace(cached)
    except OSError:
        pass  # a read-only data directory: parse the YAML each time
    return data


def _parse(text: str) -> dict:
    # Imported here: with the cache warm, nothing needs PyYAML.
    import yaml

    # libyaml's loader where PyYAML was built with it: the pure-Python one took longer to read
    # these files than validating a small return takes.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - both loaders are the safe ones


def _check_year(data: dict, year: int, what: str) -> CollectionYear:
    if not data["first_year"] <= year <= data["last_year"]:
        raise UnsupportedYear(
            f"casegrip holds the {what} layout for collection years {data['first_year']} to "
            f"{data['last_year']}, not {year}."
        )
    return CollectionYear(year)


def latest_ssda903_year() -> int:
    """The newest collection year an SSDA903 layout is held for (its tables are all tables)."""
    return int(_load("ssda903.yml")["last_year"])


@cache
def ssda903_layout(year: int) -> Layout903:
    """The SSDA903 tables, columns and codes of collection year ``year``."""
    data = _load("ssda903.yml")
    collection = _check_year(data, year, "SSDA903")
    tables = {
        name: Table903(name, spec["file"], tuple(spec["columns"]), frozenset(spec["blank"]))
        for name, spec in data["tables"].items()
        if spec.get("since", 0) <= year
    }
    codes: dict[str, tuple[str, ...]] = {}
    sex: dict[str, str] = {}
    for column, spans in data["codes"].items():
        span = _spans_for(spans, year)
        if span is None:
            continue
        if isinstance(span["codes"], dict):  # code -> canonical value
            codes[column] = tuple(str(c) for c in span["codes"])
            if column == "SEX":
                sex = {canonical: str(code) for code, canonical in span["codes"].items()}
        else:
            codes[column] = tuple(str(c) for c in span["codes"])
    words = {
        column: {str(k).lower(): str(v) for k, v in mapping.items()}
        for column, mapping in data["words"].items()
    }
    return Layout903(
        collection,
        tables,
        codes,
        sex,
        words,
        frozenset(data["dates"]),
        data["date_format"],
        tuple((str(m["match"]).lower(), str(m["code"])) for m in data["previous_permanence"]),
    )


@cache
def cin_layout(year: int) -> LayoutCin:
    """The CIN census elements and codes of collection year ``year``."""
    data = _load("cin_census.yml")
    collection = _check_year(data, year, "CIN census")
    sex = _spans_for(data["sex"], year)
    codes = {
        element: frozenset(str(c) for c in span["codes"])
        for element, spans in data["codes"].items()
        if (span := _spans_for(spans, year)) is not None
    }
    return LayoutCin(
        collection,
        sex["element"],
        {str(k): str(v) for k, v in sex["codes"].items()},
        year >= data["cin_plan_dates_since"],
        codes,
        {k: str(v) for k, v in data["unknown"].items()},
        {
            element: {str(k).lower(): str(v) for k, v in mapping.items()}
            for element, mapping in data["words"].items()
        },
    )
