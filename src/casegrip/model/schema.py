"""The canonical schema of the case record, loaded from ``ssd_1_4_5.yml``.

The YAML is generated from the SSD 1.4.5 specification by ``scripts/generate_schema.py`` and is
checked against it by the tests. Every column is optional and nullable: councils' extracts
differ, and a missing column is a data-quality finding, not a failure.
"""

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import pyarrow as pa
import yaml

ARROW_TYPES = {
    "string": pa.string(),
    "json": pa.string(),
    "date": pa.date32(),
    "integer": pa.int64(),
    "float": pa.float64(),
}
# Every canonical table carries the 0-based row of the source file it came from, so that a
# finding can say which row to fix.
SOURCE_ROW = "_source_row"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str = ""
    item_ref: str | None = None
    pk: bool = False
    fk: tuple[str, str] | None = None  # (table, column)
    aliases: tuple[str, ...] = ()

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    extension: bool = False
    _by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    @property
    def short_name(self) -> str:
        return self.name.removeprefix("ssd_")

    @property
    def pk(self) -> Column:
        return next(c for c in self.columns if c.pk)

    def column(self, name: str) -> Column:
        return self._by_name[name]

    def has(self, name: str) -> bool:
        return name in self._by_name

    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            [pa.field(c.name, c.arrow_type) for c in self.columns]
            + [pa.field(SOURCE_ROW, pa.int64())]
        )

    def aliases(self) -> dict[str, str]:
        """Other names a column may arrive under, mapped to its canonical name."""
        return {alias: c.name for c in self.columns for alias in c.aliases}


@cache
def _load() -> tuple[str, dict[str, Table]]:
    data = yaml.safe_load(files("casegrip.model").joinpath("ssd_1_4_5.yml").read_text())
    tables = {}
    for name, spec in data["tables"].items():
        columns = tuple(
            Column(
                name=f["name"],
                type=f["type"],
                description=f.get("description", ""),
                item_ref=f.get("item_ref"),
                pk=bool(f.get("pk")),
                fk=tuple(f["fk"].split(".", 1)) if f.get("fk") else None,
                aliases=tuple(f.get("aliases", ())),
            )
            for f in spec["fields"]
        )
        tables[name] = Table(
            name, spec.get("description", ""), columns, bool(spec.get("casegrip_extension"))
        )
    return data["ssd_version"], tables


SSD_VERSION, TABLES = _load()


def table(name: str) -> Table:
    """A canonical table by name, with or without the ``ssd_`` prefix."""
    key = name if name.startswith("ssd_") else f"ssd_{name}"
    try:
        return TABLES[key]
    except KeyError:
        raise KeyError(f"{name!r} is not a table of the canonical case record") from None


def empty(name: str) -> pa.Table:
    """A canonical table with no rows."""
    return table(name).arrow_schema().empty_table()


def conform(name: str, data: pa.Table) -> pa.Table:
    """Give ``data`` exactly the canonical columns, in order, with canonical types.

    Missing columns become nulls; extra columns are dropped; ``_source_row`` is numbered from 0
    when absent. Values must already be of a castable type: sources parse leniently first.
    """
    spec = table(name)
    schema = spec.arrow_schema()
    renamed = data.rename_columns([spec.aliases().get(n, n) for n in data.column_names])
    arrays = []
    for target in schema:
        if target.name in renamed.column_names:
            arrays.append(renamed[target.name].cast(target.type))
        elif target.name == SOURCE_ROW:
            arrays.append(pa.array(range(renamed.num_rows), pa.int64()))
        else:
            arrays.append(pa.nulls(renamed.num_rows, target.type))
    return pa.Table.from_arrays(arrays, schema=schema)
