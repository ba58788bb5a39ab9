"""Input formats and their adapters: each turns what a council sends into canonical tables."""

from datetime import date
from pathlib import Path

from casegrip.model.extract import Extract
from casegrip.model.findings import SourceError

KINDS = ("ssd", "ssd_postgres", "ssda903", "cin_census")


def detect(path: str) -> str:
    """Which source ``path`` is: a PostgreSQL URL, a CIN census XML, an SSD or 903 folder."""
    if path.startswith(("postgresql://", "postgres://")):
        return "ssd_postgres"
    target = Path(path)
    if not target.exists():
        raise SourceError(path, "does not exist")
    if target.is_file():
        if target.suffix.lower() == ".xml":
            return "cin_census"
        if target.suffix.lower() == ".csv":
            return "ssda903"
        raise SourceError(path, "is neither a CIN census XML file nor a folder of extract files")
    names = [p.name.lower() for p in target.iterdir()]
    if any(n.startswith("ssd_") for n in names):
        return "ssd"
    if any(n.endswith(".csv") for n in names):
        return "ssda903"
    if any(n.endswith(".xml") for n in names):
        return "cin_census"
    raise SourceError(path, "holds no SSD, SSDA903 or CIN census files")


def read_source(
    path: str | list[str],
    *,
    kind: str | None = None,
    schema: str = "ssd",
    collection_year: int | None = None,
    extract_date: date | None = None,
) -> Extract:
    """Read any supported source into canonical tables; several paths make one 903 set."""
    if isinstance(path, list):
        if len(path) > 1:
            if kind not in (None, "ssda903"):
                raise SourceError(", ".join(path), "several files can only be one SSDA903 set")
            from .ssda903 import read_ssda903

            return read_ssda903([Path(p) for p in path], collection_year=collection_year)
        path = path[0]
    kind = kind or detect(path)
    if kind == "ssd":
        from .ssd import read_ssd_folder

        return read_ssd_folder(Path(path), extract_date)
    if kind == "ssd_postgres":
        from .ssd import read_ssd_postgres

        return read_ssd_postgres(path, schema, extract_date)
    if kind == "ssda903":
        from .ssda903 import read_ssda903

        return read_ssda903(Path(path), collection_year=collection_year)
    if kind == "cin_census":
        from .cin_census import read_cin_census

        target = Path(path)
        if target.is_dir():
            files = sorted(p for p in target.iterdir() if p.suffix.lower() == ".xml")
            if len(files) != 1:
                raise SourceError(path, "should hold exactly one CIN census XML file")
            target = files[0]
        return read_cin_census(target)
    raise ValueError(f"Unknown source {kind!r}: choose one of {', '.join(KINDS)}.")
