"""Receiving an uploaded extract without trusting it.

An upload is either one .zip of an SSD extract folder or the extract's own files
(``ssd_<table>.csv`` / ``.parquet``, optionally ``authority.yaml``). Nothing larger than the
limit reaches the disk, and a zip is refused, before anything is unpacked, if a name in it points
outside its folder, if it holds more than ``MAX_ZIP_MEMBERS`` files, or if it would unpack to more
than the limit (a zip bomb). Files land under the data directory, which the web server never
serves, and only under names casegrip chose or checked against the SSD file pattern.
"""

import re
import shutil
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.move import file_move_safe
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from casegrip.home import data_dir
from casegrip.model.findings import SourceError
from casegrip.sources.ssd import FILE_PATTERN

DEFAULT_LIMIT = 500 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
CONFIG_NAME = "authority.yaml"
ZIP_NAME = "upload.zip"  # the user's name for it is kept on the job, never used on disk
RECEIVED = "received"
EXTRACT = "extract"
ACCEPTED = ".zip,.csv,.parquet,.yaml"


class UploadRefused(SourceError):
    """The upload cannot be imported: each problem names the file and says why."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(*problems[0])
        self.problems = problems
        self.args = ("; ".join(f"{name}: {reason}" for name, reason in problems),)


def upload_limit() -> int:
    """The most an upload (and what a zip unpacks to) may hold, in bytes."""
    return int(getattr(settings, "CASEGRIP_UPLOAD_MAX_BYTES", DEFAULT_LIMIT))


def describe_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.0f} MB"
    if size >= 1024:
        return f"{size / 1024:,.0f} KB"
    return f"{size:,} bytes"


def upload_folder(job_id: int) -> Path:
    return data_dir() / "uploads" / str(job_id)


class LimitedUpload(FileUploadHandler):
    """Counts what arrives and drops a file once the upload passes the limit, so an oversized
    upload is never written out whole. The dropped files' names are kept to say why."""

    def __init__(self, request, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large: list[str] = []

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large.append(self.file_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the handlers after this one keep the file


def _kind(name: str) -> str | None:
    lowered = name.lower()
    if lowered.endswith(".zip"):
        return "zip"
    if lowered == CONFIG_NAME:
        return "config"
    if FILE_PATTERN.match(name):
        return "extract"
    return None


def receive(
    uploads: list[UploadedFile], folder: Path, refused: list[tuple[str, str]]
) -> list[list[str]]:
    """Check the uploaded files' names and save them in ``folder``; returns every problem found
    (with those already found while receiving). Nothing is saved when there is a problem."""
    problems = [[name, reason] for name, reason in refused]
    kinds = [_kind(upload.name) for upload in uploads]
    seen: set[str] = set()
    chosen: list[tuple[UploadedFile, str]] = []
    for upload, kind in zip(uploads, kinds, strict=True):
        if kind is None:
            problems.append(
                [
                    upload.name,
                    "is not part of an SSD extract: upload a .zip of the extract folder, or "
                    "ssd_<table>.csv or .parquet files and, if you have one, authority.yaml",
                ]
            )
            continue
        if kind == "zip" and len(uploads) > 1:
            problems.append(
                [upload.name, "upload a zip on its own, or the extract's files without a zip"]
            )
            continue
        target = {"zip": ZIP_NAME, "config": CONFIG_NAME}.get(kind, upload.name)
        if target.lower() in seen:
            problems.append([upload.name, "was uploaded twice; keep only one"])
            continue
        seen.add(target.lower())
        chosen.append((upload, target))
    if problems:
        return problems
    received = folder / RECEIVED
    received.mkdir(parents=True, exist_ok=True)
    for upload, target in chosen:
        if hasattr(upload, "temporary_file_path"):
            # Already on disk (large files): moved, not copied, so hundreds of MB are not
            # written twice and no copy stays in the temporary folder.
            file_move_safe(upload.temporary_file_path(), received / target)
            continue
        with (received / target).open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
    return []


def _unsafe(name: str) -> str | None:
    """Why a name in a zip could write outside the folder it unpacks into, or None."""
    path = name.replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        return "an absolute path"
    if ".." in path.split("/"):
        return "a path that climbs out of the folder (..)"
    return None


def _extract_member(name: str) -> str | None:
    """The name an SSD extract's zip member is unpacked as, or None to leave it out."""
    kind = _kind(name)
    if kind == "config":
        return CONFIG_NAME
    return name if kind == "extract" else None


def unpack_zip(
    archive_path: Path,
    shown: str,
    target: Path,
    limit: int,
    *,
    keep: Callable[[str], str | None] = _extract_member,
    wanted: str = "ssd_<table>.csv or .parquet files",
) -> None:
    """Unpack the members ``keep`` names (flattened into ``target``), refusing unsafe paths,
    too many members, duplicates and more than ``limit`` bytes, each with a reason."""
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError):
        raise UploadRefused([(shown, "is not a zip file that can be opened")]) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise UploadRefused(
                [(shown, f"holds {len(members):,} files; a zip may hold {MAX_ZIP_MEMBERS} at most")]
            )
        for info in members:
            why = _unsafe(info.filename)
            if why:
                raise UploadRefused([(shown, f"holds {info.filename!r}, {why}; it was refused")])
        declared = sum(info.file_size for info in members)
        if declared > limit:
            raise UploadRefused(
                [
                    (
                        shown,
                        f"would unpack to {describe_size(declared)}, more than the "
                        f"{describe_size(limit)} limit",
                    )
                ]
            )
        chosen: dict[str, tuple[str, zipfile.ZipInfo]] = {}  # lower-case name: (name, member)
        for info in members:
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            # An extract folder zipped on a Mac carries __MACOSX/ copies: not the extract.
            if info.is_dir() or not parts or "__MACOSX" in parts or parts[-1].startswith("._"):
                continue
            name = parts[-1]
            out = keep(name)
            if out is None:
                continue
            if out.lower() in chosen:
                raise UploadRefused([(shown, f"holds two files named {name}; keep only one")])
            chosen[out.lower()] = (out, info)
        if not any(key != CONFIG_NAME.lower() for key in chosen):
            raise UploadRefused([(shown, f"holds no {wanted}")])
        target.mkdir(parents=True, exist_ok=True)
        written = 0
        try:
            for out, info in chosen.values():
                with archive.open(info) as source, (target / out).open("wb") as sink:
                    # Counted as it unpacks too: the sizes a zip declares are its own word.
                    while block := source.read(1 << 20):
                        written += len(block)
                        if written > limit:
                            raise UploadRefused(
                                [(shown, f"unpacks to more than the {describe_size(limit)} limit")]
                            )
                        sink.write(block)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise UploadRefused([(shown, f"cannot be unpacked: {exc}")]) from exc
        except (RuntimeError, NotImplementedError) as exc:  # encrypted, or an unknown method
            raise UploadRefused([(shown, f"cannot be unpacked: {exc}")]) from exc


def unpack(folder: Path, files: list[dict], refused: list[list[str]], limit: int) -> Path:
    """The folder of extract files the job reads, made from what was received.

    Raises ``UploadRefused`` naming the file and the reason."""
    if refused:
        raise UploadRefused([(name, reason) for name, reason in refused])
    received, target = folder / RECEIVED, folder / EXTRACT
    if (received / ZIP_NAME).exists():
        shown = next((f["name"] for f in files if f["name"].lower().endswith(".zip")), ZIP_NAME)
        unpack_zip(received / ZIP_NAME, shown, target, limit)
        (received / ZIP_NAME).unlink()
    else:
        shutil.rmtree(target, ignore_errors=True)
        received.rename(target)
        if not any(FILE_PATTERN.match(path.name) for path in target.iterdir()):
            names = ", ".join(f["name"] for f in files) or "the upload"
            raise UploadRefused([(names, "holds no ssd_<table>.csv or .parquet files")])
    return target
