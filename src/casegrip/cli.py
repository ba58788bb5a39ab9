"""The ``casegrip`` command: demo, serve, users, doctor."""

import os
import shutil
import sys
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from casegrip import __version__
from casegrip.home import data_dir, ensure_data_dir

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

app = typer.Typer(
    help="casegrip: management grip for children's social care.",
    no_args_is_help=True,
    add_completion=False,
)
users_app = typer.Typer(help="Create users, give them roles on parts of the organisation.")
app.add_typer(users_app, name="users")


# rich is imported when a command first prints with it: `returns validate`, which is timed
# against the DfE's validator, prints its summary as plain text and never needs it.
@cache
def _console() -> "Console":
    from rich.console import Console

    return Console()


@cache
def _err() -> "Console":
    from rich.console import Console

    return Console(stderr=True)


def _table(*args: object, **kwargs: object) -> "Table":
    from rich import table

    return table.Table(*args, **kwargs)


SettingsOption = Annotated[
    str,
    typer.Option(
        "--settings",
        envvar="CASEGRIP_SETTINGS",
        help="production, demo, development, or a settings module.",
    ),
]
WEB_DIR = Path(__file__).parent / "web"


def _django(settings: str) -> None:
    from casegrip.web import setup

    ensure_data_dir()
    try:
        setup(settings)
    except Exception as exc:  # settings refuse to load: say why, not a traceback
        _err().print(f"[red]casegrip cannot start:[/red] {exc}")
        raise typer.Exit(2) from exc


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _assets_built() -> bool:
    return (WEB_DIR / "static" / "dist" / "casegrip.css").exists()


def _serve(host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    from casegrip.web.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            # No access log: request paths can hold a child's id.
            for key, value in {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": 4,
                "accesslog": None,
                "errorlog": "-",
                "timeout": 120,
            }.items():
                self.cfg.set(key, value)

        def load(self):
            # Each server process reads the live snapshot's figures before its first request,
            # so no user waits for them.
            from casegrip.measures.results import warm

            warm()
            return application

    Server().run()


@app.command()
def demo(
    host: str = "127.0.0.1",
    port: int = 8000,
    serve: Annotated[bool, typer.Option(help="Serve the site after setting up.")] = True,
) -> None:
    """Create the demo authority and one user per role, then serve the site."""
    if not _assets_built():
        _err().print(
            "[red]The page styles are not built.[/red] Run [bold]make assets[/bold] first."
        )
        raise typer.Exit(2)
    _django("demo")
    from casegrip.store.live import live_snapshot
    from casegrip.web.demo import demo_password, ensure_demo
    from casegrip.web.organisation.sync import sync_from_live_snapshot

    _migrate()
    if live_snapshot() is None:
        extract = data_dir() / "demo-extract"
        _console().print("First run: synthesising a city authority's case record (about a minute).")
        synth(out=extract, profile="city", years=5, seed=1, file_format="parquet", check=False)
        run_import(str(extract))
    _console().print(sync_from_live_snapshot().summary())
    password = demo_password()
    logins = ensure_demo(password)
    from casegrip.web.demo_history import ensure_demo_history

    for made in ensure_demo_history(live_snapshot()):
        _console().print(f"Demo history: {made}.")
    table = _table(title="Demo logins (every user has the same password)")
    for column in ("Username", "Role", "Scope"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.username, login.role, login.scope)
    _console().print(table)
    _console().print(
        f"Password: [bold]{password}[/bold]  (set CASEGRIP_DEMO_PASSWORD to choose it)"
    )
    if serve:
        _console().print(f"Serving on [bold]http://{host}:{port}/[/bold]  (Ctrl+C stops it)")
        _serve(host, port, workers=2)


@app.command()
def serve(
    settings: SettingsOption = "production",
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="Server processes.")] = 2,
    migrate: Annotated[bool, typer.Option(help="Apply database migrations first.")] = True,
) -> None:
    """Serve casegrip with a production server (gunicorn)."""
    _django(settings)
    from django.core.management import call_command

    if migrate:
        _migrate()
    call_command("collectstatic", interactive=False, verbosity=0)
    _serve(host, port, workers)


@app.command()
def migrate(settings: SettingsOption = "production") -> None:
    """Apply database migrations."""
    _django(settings)
    _migrate()
    _console().print("Database is up to date.")


def _find_unit(ref: str):
    from casegrip.web.organisation.models import OrgUnit

    units = OrgUnit.objects.all()
    match = (
        units.filter(source_id=ref).first()
        or units.filter(name__iexact=ref).first()
        or (units.filter(pk=int(ref)).first() if ref.isdigit() else None)
    )
    if match is None:
        _err().print(
            f"[red]No unit called {ref!r}.[/red] Give a unit's name, case-record id or number."
        )
        raise typer.Exit(2)
    return match


def _find_user(username: str):
    from casegrip.web.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        _err().print(f"[red]No user called {username!r}.[/red]")
        raise typer.Exit(2)
    return user


@users_app.command("create")
def users_create(
    username: str,
    settings: SettingsOption = "production",
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    staff: Annotated[str, typer.Option(help="The staff member's case-record id.")] = "",
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create a user who can sign in."""
    _django(settings)
    from django.core.exceptions import ValidationError

    from casegrip.web.accounts.actions import create_user
    from casegrip.web.organisation.models import StaffMember

    member = None
    if staff:
        member = StaffMember.objects.filter(professional_id=staff).first()
        if member is None:
            _err().print(f"[red]No staff member with case-record id {staff!r}.[/red]")
            raise typer.Exit(2)
    try:
        create_user(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email=email,
            staff=member,
        )
    except ValidationError as exc:
        _err().print(f"[red]Not created:[/red] {' '.join(exc.messages)}")
        raise typer.Exit(2) from exc
    _console().print(f"Created {username}. Give them a role with: casegrip users assign")


@users_app.command("assign")
def users_assign(
    username: str,
    role: str,
    unit: Annotated[str, typer.Argument(help="Unit name, case-record id or number.")],
    settings: SettingsOption = "production",
) -> None:
    """Give a user a role on a unit and everything below it."""
    _django(settings)
    from casegrip.web.accounts.actions import assign_role

    try:
        assignment = assign_role(user=_find_user(username), role=role, unit=_find_unit(unit))
    except ValueError as exc:
        _err().print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    _console().print(str(assignment))


@users_app.command("revoke")
def users_revoke(
    username: str, role: str, unit: str, settings: SettingsOption = "production"
) -> None:
    """Take a role away from a user."""
    _django(settings)
    from casegrip.web.accounts.actions import revoke_role

    revoke_role(user=_find_user(username), role=role, unit=_find_unit(unit))
    _console().print(f"{username} no longer has {role} on {unit}.")


@users_app.command("list")
def users_list(settings: SettingsOption = "production") -> None:
    """List users and their roles."""
    _django(settings)
    from casegrip.web.accounts.models import User
    from casegrip.web.accounts.roles import get_role

    table = _table()
    for column in ("Username", "Name", "Active", "Roles"):
        table.add_column(column)
    for user in User.objects.prefetch_related("role_assignments__unit"):
        roles = "; ".join(
            f"{get_role(a.role).name} for {a.unit}" for a in user.role_assignments.all()
        )
        table.add_row(user.username, user.get_full_name(), "yes" if user.is_active else "no", roles)
    _console().print(table)


@users_app.command("roles")
def users_roles() -> None:
    """List the roles and what each may do."""
    from casegrip.web.accounts.roles import ROLES

    table = _table()
    for column in ("Role", "Name", "What they do"):
        table.add_column(column)
    for role in ROLES.values():
        table.add_row(role.slug, role.name, role.description)
    _console().print(table)


def _resolve_config(explicit: Path | None, path: str):
    """--config, else authority.yaml beside the extract, else the data directory's."""
    from casegrip.config import ConfigError, load_config

    candidates = [explicit] if explicit else []
    if not path.startswith(("postgres://", "postgresql://")):
        target = Path(path)
        candidates.append((target if target.is_dir() else target.parent) / "authority.yaml")
    candidates.append(data_dir() / "authority.yaml")
    for candidate in candidates:
        if candidate and candidate.exists():
            try:
                return load_config(candidate)
            except ConfigError as exc:
                _err().print(f"[red]{exc}[/red]")
                raise typer.Exit(2) from exc
    _err().print(
        "[red]No authority configuration.[/red] Pass --config authority.yaml, put authority.yaml "
        f"beside the extract, or in {data_dir()} (see docs/authority.example.yaml)."
    )
    raise typer.Exit(2)


class _Steps:
    """A rich progress bar per import step."""

    def __init__(self, progress) -> None:
        self.progress = progress
        self.tasks: dict[str, int] = {}

    def __call__(self, step: str, done: int, total: int) -> None:
        if step not in self.tasks:
            self.tasks[step] = self.progress.add_task(step, total=total)
        self.progress.update(self.tasks[step], completed=done, total=total)


def run_import(
    path: str | list[str],
    *,
    config_path: Path | None = None,
    engine: str | None = None,
    kind: str | None = None,
    schema: str = "ssd",
    collection_year: int | None = None,
    figures: bool = True,
):
    """Read, check and put a case record in service, showing progress; exits 2 on failure.
    With ``figures``, then work out the figures the pages show (measures.results)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from casegrip.engines import engine_name
    from casegrip.model.findings import SourceError
    from casegrip.sources import read_source
    from casegrip.store.snapshots import ImportFailed, import_extract, record_attempt

    paths = path if isinstance(path, list) else [path]
    config = _resolve_config(config_path, paths[0])
    try:
        chosen = engine_name(engine)
    except ValueError as exc:
        _err().print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=_console(), transient=False) as progress:
        steps = _Steps(progress)
        try:
            steps("Reading the extract", 0, 1)
            extract = read_source(path, kind=kind, schema=schema, collection_year=collection_year)
            steps("Reading the extract", 1, 1)
            provenance = import_extract(
                extract,
                config=config,
                source_path=" ".join(paths),
                engine=chosen,
                progress=steps,
            )
        except SourceError as exc:
            record_attempt(" ".join(paths), "failed", str(exc))
            _err().print(f"[red]Import failed; the live snapshot is unchanged.[/red] {exc}")
            raise typer.Exit(2) from exc
        except ImportFailed as exc:
            _err().print(f"[red]Import failed; the live snapshot is unchanged.[/red] {exc}")
            raise typer.Exit(2) from exc
        if figures:
            from casegrip.measures.results import compute
            from casegrip.store.live import live_snapshot

            labels = {"figures": "Working out the figures", "due list": "Working out due lists"}
            compute(
                live_snapshot(),
                progress=lambda step, done, total: steps(
                    labels.get(step, "Working out the figures"), done, total
                ),
            )
    rows = sum(provenance.row_counts.values())
    found = sum(provenance.findings_by_rule.values())
    _console().print(
        f"Snapshot [bold]{provenance.snapshot_id}[/bold] is live: {rows:,} rows from "
        f"{provenance.source}, extract date {provenance.extract_date}, {found:,} data-quality "
        f"findings, {provenance.duration_seconds:.1f} s."
    )
    return provenance


@app.command("import")
def import_command(
    path: Annotated[
        list[str],
        typer.Argument(help="An SSD folder, a CIN census XML, a 903 folder or 903 CSV files."),
    ],
    engine: Annotated[str | None, typer.Option(help="duckdb (default) or postgres.")] = None,
    config: Annotated[Path | None, typer.Option(help="The authority configuration.")] = None,
    source: Annotated[
        str | None, typer.Option(help="ssd, ssd_postgres, ssda903, cin_census.")
    ] = None,
    schema: Annotated[str, typer.Option(help="The schema, for a PostgreSQL source.")] = "ssd",
    collection_year: Annotated[int | None, typer.Option(help="For an SSDA903 set.")] = None,
    settings: SettingsOption = "production",
    sync: Annotated[bool, typer.Option(help="Update teams and staff from the snapshot.")] = True,
    figures: Annotated[
        bool,
        typer.Option(help="Work out the figures the pages show now, not on first view."),
    ] = True,
) -> None:
    """Import a case record as a new snapshot: all or nothing."""
    run_import(
        path,
        config_path=config,
        engine=engine,
        kind=source,
        schema=schema,
        collection_year=collection_year,
        figures=figures,
    )
    if sync:
        _django(settings)
        _migrate()
        from casegrip.web.organisation.sync import sync_from_live_snapshot

        _console().print(sync_from_live_snapshot().summary())


@app.command()
def snapshots() -> None:
    """List the snapshots kept, the live one first, and the imports that failed."""
    from casegrip.store.live import live_snapshot
    from casegrip.store.snapshots import history, list_snapshots

    live = live_snapshot()
    table = _table(title="Snapshots of the case record")
    table.add_column("Snapshot", no_wrap=True)
    for column in ("Live", "Extract date", "Source", "Engine", "Rows", "Findings"):
        table.add_column(column)
    for p in list_snapshots():
        table.add_row(
            p.snapshot_id,
            "live" if live and live.snapshot_id == p.snapshot_id else "",
            p.extract_date,
            p.source,
            p.engine,
            f"{sum(p.row_counts.values()):,}",
            f"{sum(p.findings_by_rule.values()):,}",
        )
    _console().print(table if table.row_count else "No snapshot has been imported yet.")
    failed = [h for h in history() if h["outcome"] == "failed"][:5]
    for entry in failed:
        _console().print(
            f"[yellow]Failed import[/yellow] {entry['at']} {entry['source_path']}: "
            f"{entry['reason']}"
        )


@app.command()
def quality(
    out: Annotated[Path | None, typer.Option(help="Write every finding to this CSV.")] = None,
) -> None:
    """The data-quality report of the live snapshot: findings by rule."""
    from casegrip.model.findings import SOURCE_RULE_TITLES
    from casegrip.store import checks
    from casegrip.store.live import live_snapshot
    from casegrip.store.snapshots import read_findings

    live = live_snapshot()
    if live is None:
        _console().print("No snapshot has been imported yet, so there is no report.")
        return
    findings = read_findings(live.snapshot_id)
    counts: dict[str, int] = {}
    for rule in findings.column("rule").to_pylist():
        counts[rule] = counts.get(rule, 0) + 1
    titles = SOURCE_RULE_TITLES | {rule.code: rule.title for rule in checks.RULES}
    table = _table(title=f"Data quality of snapshot {live.snapshot_id} ({live.extract_date})")
    for column in ("Rule", "What it means", "Findings"):
        table.add_column(column)
    for code in sorted(set(titles) | set(counts)):
        table.add_row(code, titles.get(code, code), f"{counts.get(code, 0):,}")
    _console().print(table)
    if out:
        from casegrip.store.snapshots import findings_path

        shutil.copyfile(findings_path(live.snapshot_id), out)
        _console().print(f"Wrote {findings.num_rows:,} findings to {out}")


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="The folder to write the SSD extract to.")],
    profile: Annotated[str, typer.Option(help="city, small or england.")] = "city",
    years: int = 5,
    seed: int = 1,
    file_format: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
    check: Annotated[bool, typer.Option(help="Compare volumes and rates with targets.")] = False,
) -> None:
    """Write a synthetic authority's SSD extract (and its authority.yaml)."""
    from casegrip.synth import calibration_report, synthesise, write_extract

    with _console().status(f"Synthesising the {profile} profile over {years} years..."):
        result = synthesise(profile, years=years, seed=seed)
        written = write_extract(result, out, fmt=file_format)
    rows = sum(t.num_rows for t in result.extract.tables.values())
    _console().print(f"Wrote {len(written)} files, {rows:,} rows, to {out}")
    if check:
        table = _table(title="Calibration")
        for column in ("Measure", "Generated", "Target", "Tolerance", ""):
            table.add_column(column)
        failures = 0
        for row in calibration_report(result):
            failures += not row.ok
            table.add_row(
                row.name,
                f"{row.value:,.3g}",
                f"{row.target:,.3g}",
                str(row.tolerance),
                "ok" if row.ok else "[red]outside[/red]",
            )
        _console().print(table)
        if failures:
            _err().print(f"[red]{failures} measure(s) outside tolerance.[/red]")
            raise typer.Exit(1)


measures_app = typer.Typer(help="The indicator catalogue: list, run and explain measures.")
app.add_typer(measures_app, name="measures")


def _live_frame(engine: str | None, windows_for):
    """A frame on the live snapshot, or a clear message when there is none."""
    from casegrip.engines.connect import connect
    from casegrip.measures.frame import Frame
    from casegrip.store.live import live_snapshot
    from casegrip.store.snapshots import snapshot_config

    live = live_snapshot()
    if live is None:
        _err().print("[red]No snapshot has been imported yet.[/red] Run casegrip import first.")
        raise typer.Exit(2)
    config = snapshot_config(live)
    chosen = engine or live.engine
    if chosen == "postgres" and live.engine != "postgres":
        _err().print(
            "[red]The live snapshot is kept in DuckDB; use --engine duckdb or spark.[/red]"
        )
        raise typer.Exit(2)
    connection = connect(chosen, snapshot=live)
    return Frame(connection, windows_for(date.fromisoformat(live.extract_date)), config)


def _windows(as_at, period, months):
    from casegrip.measures.frame import Window, monthly_windows

    def make(extract_date: date):
        if as_at:
            return [Window(as_at.date(), as_at.date())]
        if period:
            return [Window(period[0].date(), period[1].date())]
        return monthly_windows(extract_date, months)

    return make


def _measure(measure_id: str):
    from casegrip.measures.catalogue import get

    try:
        return get(measure_id)
    except KeyError as exc:
        _err().print(f"[red]{exc.args[0]}[/red]")
        raise typer.Exit(2) from exc


@measures_app.command("list")
def measures_list() -> None:
    """Every measure in the catalogue."""
    from casegrip.measures.catalogue import MEASURES

    table = _table(title=f"{len(MEASURES)} measures")
    table.add_column("Id", no_wrap=True)
    for column in ("Name", "Group", "Time"):
        table.add_column(column)
    for m in MEASURES:
        table.add_row(m.id, m.name, m.group, m.time.value)
    _console().print(table)


@measures_app.command("run")
def measures_run(
    measure_id: str,
    as_at: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    period: Annotated[
        tuple[datetime, datetime] | None, typer.Option(formats=["%Y-%m-%d"], help="START END")
    ] = None,
    months: Annotated[int, typer.Option(help="Monthly points up to the extract date.")] = 1,
    by: Annotated[str | None, typer.Option(help="A breakdown: team, locality, worker...")] = None,
    engine: Annotated[str | None, typer.Option(help="duckdb, postgres or spark.")] = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    exact: Annotated[
        bool,
        typer.Option(
            help="Show small counts: skip disclosure control (for analysts, never to publish)."
        ),
    ] = False,
) -> None:
    """The measure's value, numerator and denominator, for a date, a period or each month.

    Small counts are suppressed (shown as c) as the authority's disclosure rules say."""
    import csv
    import json
    import sys

    from casegrip.measures.disclosure import disclose
    from casegrip.measures.runner import judge, run

    measure = _measure(measure_id)
    frame = _live_frame(engine, _windows(as_at, period, months))
    try:
        points = run(measure, frame, by=by)
    except ValueError as exc:
        _err().print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    finally:
        frame.connection.close()
    rows = []
    for p in points:
        shown = p if exact else disclose(measure, p, frame.config.disclosure)
        rows.append(
            {
                "measure": measure.id,
                "window_end": p.window_end.isoformat(),
                "group": p.group,
                "numerator": shown.numerator,
                "denominator": shown.denominator,
                "value": shown.value,
                "rag": judge(measure, p).value if shown.value == p.value else "",
            }
        )
    if output == "json":
        print(json.dumps(rows, indent=2))
    elif output == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["measure"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = _table(title=f"{measure.name} ({measure.unit or measure.kind.value})")
        for column in ("Up to", by or "authority", "Numerator", "Denominator", "Value", "RAG"):
            table.add_column(column)
        for r in rows:
            value = r["value"]
            value = "" if value is None else f"{value:,}" if isinstance(value, float) else value
            table.add_row(
                r["window_end"],
                r["group"],
                str(r["numerator"]),
                str(r["denominator"]),
                value,
                r["rag"],
            )
        _console().print(table)


@measures_app.command("explain")
def measures_explain(
    measure_id: str,
    engine: Annotated[str, typer.Option(help="duckdb, postgres or spark.")] = "duckdb",
) -> None:
    """The definition in plain English, the primitives, and the SQL for an engine."""
    from casegrip.measures.frame import Window
    from casegrip.measures.primitives import PRIMITIVES
    from casegrip.measures.runner import aggregate, evaluate

    measure = _measure(measure_id)
    _console().print(f"[bold]{measure.name}[/bold] ({measure.id})")
    _console().print(measure.description)
    facts = {
        "Group": measure.group,
        "Time": measure.time.value,
        "Kind": measure.kind.value,
        "Polarity": measure.polarity.value,
        "Timescale": measure.timescale or "-",
        "Source": measure.source,
        "England": ", ".join(f"{y}: {v}" for y, v in sorted(measure.published.england.items()))
        or "-",
    }
    for key, value in facts.items():
        _console().print(f"  {key}: {value}")
    _console().print("Primitives every measure is built from:")
    for primitive in PRIMITIVES:
        _console().print(f"  {primitive.name}: {primitive.meaning}")
    frame = _live_frame(engine, lambda d: [Window(d.replace(day=1), d)])
    try:
        expr = aggregate(measure, evaluate(measure, frame), frame)
        _console().print(f"SQL for {engine}:")
        print(frame.connection.sql(expr))
    finally:
        frame.connection.close()


published_app = typer.Typer(help="Published DfE statistics to compare the authority with.")
app.add_typer(published_app, name="published")


@published_app.command("import")
def published_import(
    folder: Annotated[Path, typer.Argument(help="A folder of DfE statistics CSV files.")],
) -> None:
    """Read the DfE's published statistics files and keep the figures casegrip compares with."""
    from casegrip.measures.published import PublishedError, read_published, store_published

    try:
        figures = read_published(folder)
    except PublishedError as exc:
        _err().print(f"[red]Nothing changed:[/red] {exc}")
        raise typer.Exit(2) from exc
    if not figures:
        _err().print(
            f"[red]Nothing changed:[/red] no DfE statistics file casegrip reads in {folder}."
        )
        raise typer.Exit(2)
    store_published(figures)
    measures = len({f.measure_id for f in figures})
    years = sorted({f.year for f in figures})
    _console().print(
        f"Kept {len(figures):,} published figures for {measures} measures, {years[0]} to "
        f"{years[-1]}."
    )


@measures_app.command("compare")
def measures_compare(
    measure_id: str,
    engine: Annotated[str | None, typer.Option(help="duckdb, postgres or spark.")] = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """casegrip's figure for each published year beside England's, the region's and the
    authority's own published figure."""
    from casegrip.measures.frame import Window
    from casegrip.measures.model import Time
    from casegrip.measures.published import SOURCES, comparison, load_published, year_end
    from casegrip.measures.runner import run

    measure = _measure(measure_id)
    if measure.id not in SOURCES:
        _err().print(f"[red]No published statistic matches {measure.id}.[/red]")
        raise typer.Exit(2)
    figures = load_published()
    if not figures:
        _err().print("[red]No published figures yet.[/red] Run casegrip published import FOLDER.")
        raise typer.Exit(2)

    def windows(extract_date: date) -> list:
        out = []
        for year in range(extract_date.year - 3, extract_date.year + 1):
            end = year_end(measure.id, year)
            if end > extract_date:
                continue
            start = end if measure.time is Time.AS_AT else end.replace(year=end.year - 1)
            out.append(Window(start + timedelta(days=0 if start == end else 1), end))
        return out

    frame = _live_frame(engine, windows)
    try:
        ours = (
            {p.window_end.year: p.value for p in run(measure, frame)} if frame.window_list else {}
        )
        config = frame.config
    finally:
        frame.connection.close()
    published = comparison(measure.id, config.la_code, figures)
    rows = [
        {
            "year": year,
            "casegrip": ours.get(year),
            "authority_published": published.get(year, {}).get("authority"),
            "region": published.get(year, {}).get("region"),
            "england": published.get(year, {}).get("england"),
        }
        for year in sorted(set(published) | set(ours))
    ]
    _write_rows(
        rows,
        output,
        f"{measure.name}: {config.name} ({config.la_code}) beside published figures",
        {
            "year": "Year",
            "casegrip": "casegrip",
            "authority_published": "Published for the authority",
            "region": "Region",
            "england": "England",
        },
    )


UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        envvar="CASEGRIP_USER",
        help="Your casegrip user name: child-level output is checked against its roles and "
        "written to the access log.",
    ),
]


def _child_level_scope(username: str | None, team: str | None, worker: str | None):
    """The unit a child-level command may show and the user it runs as; refuses clearly."""
    from casegrip.web.accounts.access import Grants
    from casegrip.web.accounts.roles import Permission
    from casegrip.web.organisation.models import OrgUnit, StaffMember

    if not username:
        _err().print(
            "[red]Child-level output needs --user[/red] (or CASEGRIP_USER): the access log "
            "must say who saw it."
        )
        raise typer.Exit(2)
    user = _find_user(username)
    grants = Grants(user)
    if worker:
        staff = StaffMember.objects.filter(professional_id=worker).select_related("unit").first()
        if staff is None:
            _err().print(f"[red]No member of staff with the case-record id {worker!r}.[/red]")
            raise typer.Exit(2)
        unit = staff.unit
    elif team:
        unit = _find_unit(team)
    else:
        tops = grants.top_units(Permission.VIEW_CHILD_RECORDS)
        if len(tops) > 1:
            _err().print("[red]Say which part of the organisation:[/red] give --team.")
            raise typer.Exit(2)
        unit = tops[0] if tops else None
    if unit is None or not grants.has(Permission.VIEW_CHILD_RECORDS, unit):
        where = unit or "any part of the organisation"
        _err().print(f"[red]{username} may not see child-level records for {where}.[/red]")
        raise typer.Exit(2)
    teams = OrgUnit.objects.filter(path__startswith=unit.path).exclude(source_id="")
    return user, unit, [u.source_id for u in teams]


def _write_rows(rows: list[dict], output: str, title: str, columns: dict[str, str]) -> None:
    """Rows as JSON, CSV or a table with the given column headings."""
    import csv
    import json
    import sys

    if output == "json":
        print(json.dumps(rows, indent=2, default=str))
    elif output == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows({k: r.get(k) for k in columns} for r in rows)
    else:
        table = _table(title=title)
        for heading in columns.values():
            table.add_column(heading)
        for r in rows:
            table.add_row(*("" if r.get(k) is None else str(r.get(k)) for k in columns))
        _console().print(table)


@app.command()
def due(
    team: Annotated[str | None, typer.Option(help="A team (or service) by name or id.")] = None,
    worker: Annotated[str | None, typer.Option(help="One worker, by case-record id.")] = None,
    within: Annotated[int, typer.Option(help="Working days ahead to include.")] = 10,
    as_at: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Default: the extract date.")
    ] = None,
    user: UserOption = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    settings: SettingsOption = "production",
) -> None:
    """Visits, reviews, assessments, conferences and supervision overdue or due soon."""
    from casegrip.measures.due import due_items, rules
    from casegrip.web.accounts.access_log import record_command_access

    _django(settings)
    who, unit, team_ids = _child_level_scope(user, team, worker)
    from casegrip.measures.frame import Window

    frame = _live_frame(
        None,
        lambda extract_date: (
            [Window(as_at.date(), as_at.date())] if as_at else [Window(extract_date, extract_date)]
        ),
    )
    day = frame.window_list[0].end
    try:
        items = due_items(
            frame.connection,
            frame.config,
            day,
            within=within,
            team_ids=None if worker else team_ids,
            worker_id=worker,
        )
    finally:
        frame.connection.close()
    record_command_access(
        who,
        what=f"Due list for {unit}",
        command=f"casegrip due --team {team or ''} --worker {worker or ''} --within {within}",
        unit=unit,
        child_ids=[i.child_id for i in items if i.child_id],
    )
    rows = [i.as_dict() for i in items]
    overdue = sum(1 for i in items if i.status == "overdue")
    _write_rows(
        rows,
        output,
        f"{unit}: {overdue} overdue, {len(items) - overdue} due within {within} working days "
        f"of {day:%-d %B %Y}",
        {
            "status": "Status",
            "due": "Due",
            "item": "What",
            "child_id": "Child",
            "worker_id": "Worker",
            "last": "Counted from",
            "how": "How the due date was worked out",
        },
    )
    if output == "table":
        _console().print("Rules: " + "; ".join(f"{k}: {v}" for k, v in rules(frame.config).items()))


@measures_app.command("rows")
def measures_rows(
    measure_id: str,
    as_at: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    period: Annotated[
        tuple[datetime, datetime] | None, typer.Option(formats=["%Y-%m-%d"], help="START END")
    ] = None,
    team: Annotated[str | None, typer.Option(help="A team (or service) by name or id.")] = None,
    user: UserOption = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    settings: SettingsOption = "production",
) -> None:
    """The children behind a figure, each with the reason it counts or does not."""
    from casegrip.measures.runner import child_rows
    from casegrip.web.accounts.access_log import record_command_access

    measure = _measure(measure_id)
    _django(settings)
    who, unit, team_ids = _child_level_scope(user, team, None)
    frame = _live_frame(None, _windows(as_at, period, 1))
    try:
        rows = child_rows(measure, frame, team_ids=None if unit.parent is None else team_ids)
    finally:
        frame.connection.close()
    record_command_access(
        who,
        what=f"Children behind {measure.id} for {unit}",
        command=f"casegrip measures rows {measure.id} --team {team or ''}",
        unit=unit,
        child_ids=[r["child_id"] for r in rows],
    )
    _write_rows(
        rows,
        output,
        f"{measure.name}: the rows behind the figure ({unit})",
        {
            "window_end": "Up to",
            "child_id": "Child",
            "team_id": "Team",
            "worker_id": "Worker",
            "place": "Counted as",
            "value": "Value",
            "reason": "Why",
        },
    )


returns_app = typer.Typer(help="Statutory returns built from the live snapshot.")
app.add_typer(returns_app, name="returns")


@returns_app.command("build")
def returns_build(
    kind: Annotated[
        str, typer.Argument(help="903 (a folder of CSV files), cin (one XML) or annex-a (XLSX).")
    ],
    out: Annotated[Path, typer.Option(help="The folder (903), XML (cin) or XLSX file to write.")],
    year: Annotated[
        int | None,
        typer.Option(
            help="Collection year: 2026 is April 2025 to March 2026 (903, cin; annex-a ignores it)."
        ),
    ] = None,
    inspection_date: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            help="annex-a: the inspection date. Default: the extract date.",
        ),
    ] = None,
    user: UserOption = None,
    settings: SettingsOption = "production",
) -> None:
    """Build the SSDA903 return or the CIN census of a collection year, or Ofsted's Annex A for
    an inspection date, from the live snapshot."""
    from casegrip.returns.build import build_return
    from casegrip.returns.layouts import UnsupportedYear
    from casegrip.store.live import live_snapshot
    from casegrip.store.snapshots import snapshot_config
    from casegrip.web.accounts.access_log import record_command_access

    if kind not in ("903", "cin", "annex-a"):
        _err().print(f"[red]No return {kind!r}:[/red] build 903, cin or annex-a.")
        raise typer.Exit(2)
    if kind != "annex-a" and year is None:
        _err().print(f"[red]Building {kind} needs --year[/red] (the collection year).")
        raise typer.Exit(2)
    _django(settings)
    who, unit, _teams = _child_level_scope(user, None, None)
    if unit.parent is not None:
        _err().print(
            f"[red]A return covers the whole authority:[/red] {user} may see child-level "
            f"records only for {unit}."
        )
        raise typer.Exit(2)
    live = live_snapshot()
    if live is None:
        _err().print("[red]No snapshot has been imported yet.[/red] Run casegrip import first.")
        raise typer.Exit(2)
    on = inspection_date.date() if inspection_date else None
    try:
        built = build_return(kind, live, snapshot_config(live), out, year=year, inspection_date=on)
    except (UnsupportedYear, ValueError) as exc:
        _err().print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    children, what = built.children, built.what
    command = (
        f"casegrip returns build annex-a --date {on or live.extract_date} --out {out}"
        if kind == "annex-a"
        else f"casegrip returns build {kind} --year {year} --out {out}"
    )
    record_command_access(
        who, what=f"{what} for {unit}", command=command, unit=unit, child_ids=children
    )
    _console().print(
        f"Wrote the {what} of {len(children):,} children to {out} "
        f"(snapshot {live.snapshot_id}, extract date {live.extract_date})."
    )
    for note in built.notes:
        _console().print(f"[yellow]Note[/yellow] {note}")


@returns_app.command("validate")
def returns_validate(
    path: Annotated[Path, typer.Argument(help="A folder of SSDA903 CSVs, or a CIN census XML.")],
    year: Annotated[int, typer.Option(help="Collection year: 2026 is April 2025 to March 2026.")],
    out: Annotated[
        Path | None,
        typer.Option(help="Write every finding to this CSV (rule_code, table, row, ...)."),
    ] = None,
    la: Annotated[
        str | None,
        typer.Option(
            help="The return's local authority, by its DfE code (318) or ONS code (E09000027):"
            " the SSDA903 rules that compare placements with your own authority run only when"
            " it is given."
        ),
    ] = None,
    providers: Annotated[
        list[Path] | None,
        typer.Option(
            "--providers",
            help="Ofsted's provider lists (XLSX): the Children's Homes list and the Social Care"
            " Providers list, or the one combined list; give --providers once per file. The"
            " SSDA903 rules that look up placements' URNs run only when they are given.",
        ),
    ] = None,
) -> None:
    """Check a return against the DfE validation rules for its year. Reads only the files
    given (they already name their children), so it needs no casegrip user."""
    from casegrip.returns.validation.command import CommandError, validate_summary

    try:
        summary = validate_summary(path, year, out, la, providers)
    except CommandError as exc:
        _err().print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    typer.echo(summary)


def _version(package: str) -> str:
    # Imported here: it takes longer to import than some commands take to run.
    import importlib.metadata

    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _postgres_answers(url: str) -> str:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            return "answers: " + str(conn.execute("select version()").fetchone()[0]).split(",")[0]
    except Exception as exc:
        return f"does not answer ({type(exc).__name__})"


@app.command()
def doctor(settings: SettingsOption = "production") -> None:
    """What is installed, which databases answer, which snapshot is live."""
    import platform

    from casegrip.store.live import live_snapshot

    table = _table(title="casegrip doctor", show_header=False)
    table.add_column("Check")
    table.add_column("Result")
    table.add_row("casegrip", __version__)
    table.add_row("Python", f"{platform.python_version()} ({sys.executable})")
    for package in ("django", "gunicorn", "psycopg", "ibis-framework", "duckdb", "pyspark"):
        table.add_row(package, _version(package))
    table.add_row("Data directory", str(data_dir()))
    table.add_row("Page styles", "built" if _assets_built() else "not built: run make assets")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    table.add_row("Chromium (browser tests)", chromium or "not found")
    try:
        from casegrip.web import setup

        setup(settings)
        from django.db import connection

        connection.ensure_connection()
        db = f"{connection.vendor} answers ({connection.settings_dict['NAME']})"
    except Exception as exc:
        db = f"not reachable with {settings} settings: {exc}"
    table.add_row("Oversight database", db)
    pg_url = os.environ.get(
        "CASEGRIP_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    table.add_row(f"PostgreSQL ({pg_url})", _postgres_answers(pg_url))
    snapshot = live_snapshot()
    table.add_row(
        "Live snapshot",
        f"{snapshot.snapshot_id}, extracted {snapshot.extract_date}" if snapshot else "none yet",
    )
    _console().print(table)


def main() -> None:
    app()
