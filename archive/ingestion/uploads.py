"""Files uploaded by editors in admin, imported by the same importer as the command line.

Uploads are written to a temporary folder first; a .zip is unpacked there with its member paths checked
(no absolute paths, no `..`) and its size and file count bounded, so an archive cannot write outside the
folder or fill the disk.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from django.core.files.uploadedfile import UploadedFile

from .importer import ImportReport, articles_import

MAX_ZIP_BYTES = 500 * 1024 * 1024
MAX_ZIP_FILES = 20_000


def _safe_name(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name or "upload"


def _unzip(upload: UploadedFile, target: Path) -> list[tuple[str, str]]:
    """Unpack into `target`; returns problems (location, reason) for what was refused."""
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile:
        return [(upload.name, "not a readable zip file")]
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > MAX_ZIP_FILES or sum(info.file_size for info in members) > MAX_ZIP_BYTES:
        return [
            (
                upload.name,
                f"the zip holds more than {MAX_ZIP_FILES} files or {MAX_ZIP_BYTES // 2**20} MB; split it",
            )
        ]
    problems = []
    for info in members:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts:
            problems.append((f"{upload.name}:{info.filename}", "refused: the path points outside the zip"))
            continue
        destination = target.joinpath(*path.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, destination.open("wb") as out:
            out.write(source.read())
    return problems


def uploads_import(files: Iterable[UploadedFile]) -> ImportReport:
    with tempfile.TemporaryDirectory(prefix="archive-upload-") as folder:
        root = Path(folder)
        problems: list[tuple[str, str]] = []
        for upload in files:
            name = _safe_name(upload.name)
            if name.lower().endswith(".zip"):
                problems += _unzip(upload, root / name.removesuffix(".zip"))
            else:
                with (root / name).open("wb") as out:
                    for chunk in upload.chunks():
                        out.write(chunk)
        report = articles_import([root])
    for location, reason in problems:
        report.reject(location, reason)
    return report
