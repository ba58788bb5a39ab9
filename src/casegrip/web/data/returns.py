"""Statutory returns on the Data page: build the SSDA903 return or the CIN census from the live
snapshot and download it; check a return (an upload, or what casegrip builds) against the DfE
rules, with findings by rule and a fix list by child. Both are child-level: they need
``build_returns`` on the whole authority and are written to the access log."""

import io
import tempfile
import uuid
import zipfile
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from casegrip.home import data_dir
from casegrip.returns.authorities import UnknownAuthority, ons_code
from casegrip.returns.build import KINDS as RETURN_KINDS
from casegrip.returns.build import Built, build_return
from casegrip.returns.layouts import UnsupportedYear
from casegrip.returns.validation.findings_file import FindingsFile
from casegrip.returns.validation.run import NotAReturn, validate_to_csv
from casegrip.returns.validation.ssda903.providers import UnreadableProviders
from casegrip.store.live import live_snapshot
from casegrip.store.snapshots import snapshot_config
from casegrip.web.accounts.access import grants
from casegrip.web.accounts.access_log import record_access
from casegrip.web.accounts.models import AccessLog
from casegrip.web.accounts.roles import Permission
from casegrip.web.organisation.models import OrgUnit, UnitKind
from casegrip.web.sections import require_section

from .models import ReturnCheck
from .uploads import UploadRefused, describe_size, unpack_zip, upload_limit

KINDS = {"903": "SSDA903 return", "cin": "CIN census"}  # the returns the DfE rules check
BUILD_KINDS = RETURN_KINDS  # what can be built: Annex A too
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIX_LIST_SHOWN = 200


def _authority(request: HttpRequest) -> OrgUnit:
    """Returns cover the whole authority: only someone who may build them for all of it."""
    require_section(request, "data")
    authority = OrgUnit.objects.filter(kind=UnitKind.AUTHORITY).first()
    if authority is None or not grants(request).has(Permission.BUILD_RETURNS, authority):
        raise PermissionDenied
    return authority


def _ons_code(authority: OrgUnit) -> str | None:
    """The authority's ONS code, for the SSDA903 rules that compare placements with it: the
    configuration's, else the one its DfE code stands for."""
    live = live_snapshot()
    given = snapshot_config(live).ons_code if live is not None else None
    if given is not None:
        return given
    try:
        return ons_code(authority.la_code)
    except UnknownAuthority:
        return None


def _year_choices(today: date) -> list[int]:
    latest = today.year if today.month > 3 else today.year - 1
    return list(range(latest + 1, latest - 5, -1))


def index(request: HttpRequest, errors: list | None = None, status: int = 200) -> HttpResponse:
    _authority(request)
    today = timezone.localdate()
    errors = errors or []
    return render(
        request,
        "data/returns.html",
        {
            "snapshot": live_snapshot(),
            "years": _year_choices(today),
            "default_year": today.year if today.month > 3 else today.year - 1,
            "kinds": KINDS.items(),
            "build_kinds": BUILD_KINDS.items(),
            "checks": ReturnCheck.objects.select_related("created_by")[:10],
            "errors": errors,
            "error_fields": {f for f, _ in errors},
            "limit": describe_size(upload_limit()),
        },
        status=status,
    )


def _year(request: HttpRequest) -> int:
    value = request.POST.get("year", "")
    if not value.isdigit() or not 2015 <= int(value) <= 2100:
        raise ValueError("Choose the collection year.")
    return int(value)


def _build(kind: str, year: int, target: Path, on: date | None = None) -> Built:
    """Write the return under ``target`` from the live snapshot."""
    live = live_snapshot()
    if live is None:
        raise ValueError("No case record has been imported yet: there is nothing to build from.")
    out = target / {"903": "ssda903", "cin": f"cin-census-{year}.xml"}.get(
        kind, f"annex-a-{on or live.extract_date}.xlsx"
    )
    return build_return(kind, live, snapshot_config(live), out, year=year, inspection_date=on)


def build(request: HttpRequest) -> HttpResponse:
    """Build a return and send it: a zip of CSV files (SSDA903) or the XML (CIN census)."""
    authority = _authority(request)
    if request.method != "POST":
        return redirect("data:returns")
    kind = request.POST.get("kind", "")
    try:
        if kind not in BUILD_KINDS:
            raise ValueError("Choose the return to build.")
        year = _year(request)
        on = None
        if kind == "annex-a" and request.POST.get("date"):
            try:
                on = date.fromisoformat(request.POST["date"])
            except ValueError:
                raise ValueError("Enter the inspection date as a real date.") from None
        with tempfile.TemporaryDirectory() as folder:
            built = _build(kind, year, Path(folder), on)
            path = built.path
            if path.is_dir():
                body = io.BytesIO()
                with zipfile.ZipFile(body, "w", zipfile.ZIP_DEFLATED) as archive:
                    for file in sorted(path.iterdir()):
                        archive.write(file, file.name)
                content, name, mime = body.getvalue(), f"ssda903-{year}.zip", "application/zip"
            elif path.suffix == ".xlsx":
                content, name, mime = path.read_bytes(), path.name, XLSX
            else:
                content, name, mime = path.read_bytes(), path.name, "application/xml"
    except (ValueError, UnsupportedYear) as exc:
        return index(request, [("build-kind", str(exc))], status=400)
    record_access(
        request,
        what=f"{built.what} built",
        action=AccessLog.Action.EXPORT,
        unit=authority,
        child_ids=built.children,
    )
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _keep_return_file(name: str) -> str | None:
    lowered = name.lower()
    return name if lowered.endswith((".csv", ".xml")) else None


def _received(request: HttpRequest, folder: Path) -> Path:
    """The uploaded return in ``folder``: a zip of SSDA903 CSVs, CSV files, or one XML."""
    files = request.FILES.getlist("files")
    if not files:
        raise ValueError("Choose the return's files to check, or check what casegrip builds.")
    limit = upload_limit()
    for upload in files:
        name = Path(upload.name).name
        if upload.size > limit:
            raise UploadRefused([(name, f"is larger than the {describe_size(limit)} limit")])
        lowered = name.lower()
        if lowered.endswith(".zip"):
            archive = folder / "upload.zip"
            with archive.open("wb") as sink:
                for chunk in upload.chunks():
                    sink.write(chunk)
            unpack_zip(
                archive,
                name,
                folder / "return",
                limit,
                keep=_keep_return_file,
                wanted="SSDA903 CSV files or CIN census XML",
            )
            archive.unlink()
        elif lowered.endswith((".csv", ".xml")):
            (folder / "return").mkdir(exist_ok=True)
            with (folder / "return" / name).open("wb") as sink:
                for chunk in upload.chunks():
                    sink.write(chunk)
        else:
            raise UploadRefused([(name, "is not a zip, CSV or XML file")])
    return folder / "return"


def _provider_lists(request: HttpRequest, folder: Path) -> list[Path]:
    """Ofsted's provider lists, if any were uploaded, saved in ``folder``."""
    saved = []
    limit = upload_limit()
    for upload in request.FILES.getlist("providers"):
        name = Path(upload.name).name
        if upload.size > limit:
            raise UnreadableProviders(f"{name} is larger than the {describe_size(limit)} limit")
        if not name.lower().endswith(".xlsx"):
            raise UnreadableProviders(f"{name} is not an XLSX workbook, as Ofsted publishes it")
        # Numbered: the lists' own names may be the same.
        target = folder / f"{len(saved)}-{name}"
        with target.open("wb") as sink:
            for chunk in upload.chunks():
                sink.write(chunk)
        saved.append(target)
    return saved


def check(request: HttpRequest) -> HttpResponse:
    """Check an uploaded return, or the one casegrip builds, and keep the findings."""
    authority = _authority(request)
    if request.method != "POST":
        return redirect("data:returns")
    source = request.POST.get("source", "upload")
    started = timezone.now()
    folder = data_dir() / "return-checks"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.csv"
    kept = folder / name  # written only when the check succeeds
    try:
        year = _year(request)
        with tempfile.TemporaryDirectory() as scratch:
            work = Path(scratch)
            if source == "built":
                kind = request.POST.get("kind", "")
                if kind not in KINDS:
                    raise ValueError("Choose the return to check.")
                path = _build(kind, year, work).path
                shown = f"casegrip's {KINDS[kind]} {year}"
            else:
                path = _received(request, work)
                shown = ", ".join(Path(f.name).name for f in request.FILES.getlist("files"))
            providers = _provider_lists(request, work)
            if providers:
                shown += ", with Ofsted's provider lists"
            kind, _ = validate_to_csv(
                path, year, kept, authority=_ons_code(authority), providers=providers
            )
    except UploadRefused as exc:
        return index(request, [("files", f"{n} {why}") for n, why in exc.problems], status=400)
    except UnreadableProviders as exc:
        return index(request, [("providers", str(exc))], status=400)
    except (ValueError, NotAReturn, UnsupportedYear) as exc:
        field = "files" if source == "upload" else "check-kind"
        return index(request, [(field, str(exc))], status=400)
    took = (timezone.now() - started).total_seconds()
    with FindingsFile(kept) as found:
        (findings, children, rules), named = found.summary(), found.children()
    checked = ReturnCheck.objects.create(
        kind=kind,
        year=year,
        source=shown[:300],
        created_by=request.user,
        findings=findings,
        children=children,
        rules=rules,
        seconds=took,
        file_name=name,
    )
    record_access(
        request,
        what=f"{KINDS[kind]} {year} checked",
        unit=authority,
        child_ids=named,
    )
    return redirect("data:return_check", checked.pk)


def _kept(checked: ReturnCheck) -> Path:
    """The check's findings CSV, as ``run.findings_csv`` writes it."""
    path = data_dir() / "return-checks" / checked.file_name
    if not path.exists():
        raise Http404("The findings of this check are no longer kept")
    return path


def check_page(request: HttpRequest, pk: int) -> HttpResponse:
    authority = _authority(request)
    checked = get_object_or_404(ReturnCheck, pk=pk)
    with FindingsFile(_kept(checked)) as found:
        fix_list, rules = found.by_child(), found.by_rule()
    record_access(
        request,
        what=f"{checked.get_kind_display()} {checked.year} findings",
        unit=authority,
        child_ids=[child for child, _, _ in fix_list[:FIX_LIST_SHOWN]],
    )
    return render(
        request,
        "data/return_check.html",
        {
            "check": checked,
            "rules": rules,
            "fix_list": fix_list[:FIX_LIST_SHOWN],
            "fix_total": len(fix_list),
            "shown": FIX_LIST_SHOWN,
        },
    )


def check_csv(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """Every finding, the counts by rule, or the fix list by child, as CSV."""
    from casegrip.reports.tables import to_csv

    authority = _authority(request)
    checked = get_object_or_404(ReturnCheck, pk=pk)
    if what not in ("findings", "rules", "children"):
        raise Http404("No such download")
    kept = _kept(checked)
    with FindingsFile(kept) as found:
        if what == "findings":
            body, children = kept.read_bytes(), found.children()
        elif what == "rules":
            header = ("rule_code", "message", "findings", "children")
            body, children = to_csv(header, found.by_rule()), []
        else:
            fix_list = found.by_child()
            body = to_csv(("child_id", "findings", "rules"), fix_list)
            children = [child for child, _, _ in fix_list]
    if children:
        record_access(
            request,
            what=f"{checked.get_kind_display()} {checked.year} findings ({what})",
            action=AccessLog.Action.EXPORT,
            unit=authority,
            child_ids=children,
        )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{checked.kind}-{checked.year}-{what}.csv"'
    )
    return response
