"""Build any return from a snapshot: the one place the command line and the Data page ask."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from casegrip.config import AuthorityConfig
from casegrip.store.live import LiveSnapshot

from .case_record import open_case_record

KINDS = {"903": "SSDA903 return", "cin": "CIN census", "annex-a": "Ofsted Annex A"}


@dataclass(frozen=True)
class Built:
    path: Path  # a folder of CSV files (903), an XML file (cin) or an XLSX workbook (annex-a)
    children: list[str]
    notes: list[str]
    what: str  # e.g. "SSDA903 return 2026"


def build_return(
    kind: str,
    snapshot: LiveSnapshot,
    config: AuthorityConfig,
    out: Path,
    *,
    year: int | None = None,
    inspection_date: date | None = None,
) -> Built:
    """Write return ``kind`` to ``out``. ``year`` is the collection year (903, cin);
    ``inspection_date`` is Annex A's (the extract date by default). Raises ValueError, or the
    layouts' UnsupportedYear, with a reason a user can act on."""
    if kind not in KINDS:
        raise ValueError(f"No return {kind!r}: build {', '.join(KINDS)}.")
    roles = config.involvement_roles.allocated_social_worker
    if kind == "annex-a":
        from .annex_a import build_annex_a

        on = inspection_date or date.fromisoformat(snapshot.extract_date)
        annex = build_annex_a(snapshot, on, out, roles=roles)
        return Built(
            out,
            annex.child_ids(),
            [str(n) for n in annex.notes],
            f"Ofsted Annex A for an inspection on {on:%-d %B %Y}",
        )
    if year is None:
        raise ValueError(f"Building the {KINDS[kind]} needs the collection year.")
    con = open_case_record(snapshot)
    try:
        if kind == "903":
            from .ssda903 import build_ssda903

            built = build_ssda903(con, year, la_code=config.la_code, roles=roles)
            children = built.children()
        else:
            from .cin_census import build_cin_census

            built = build_cin_census(con, year, la_code=config.la_code)
            children = built.child_ids()
    finally:
        con.close()
    built.write(out)
    return Built(out, children, [str(n) for n in built.notes], f"{KINDS[kind]} {year}")
