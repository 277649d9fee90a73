"""Uploaded files (citizens' attachments, ATR documents, visit photos): checked by
extension and by their first bytes, stored via default storage under fresh names."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.core.errors import InvalidInput

MAX_FILES = 3
MAX_BYTES = 5 * 1024 * 1024
# Extension -> (content type, the magic bytes the file must start with).
ALLOWED: dict[str, tuple[str, bytes]] = {
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".pdf": ("application/pdf", b"%PDF-"),
}


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    extension: str
    content_type: str
    size: int


def attachments_check(
    files: Sequence[UploadedFile], *, field: str = "attachments", max_files: int = MAX_FILES
) -> list[CheckedFile]:
    """Every file or none: raise InvalidInput naming each bad one."""
    if len(files) > max_files:
        too_many = _("Attach at most %(count)s files.") % {"count": max_files}
        raise InvalidInput(too_many, fields={field: [too_many]})
    checked: list[CheckedFile] = []
    problems: list[str] = []
    for upload in files:
        name = upload.name or ""
        extension = PurePath(name).suffix.lower()
        size = upload.size or 0
        if extension not in ALLOWED:
            problems.append(_("%(name)s: only JPG, PNG or PDF files.") % {"name": name})
            continue
        if size > MAX_BYTES:
            problems.append(_("%(name)s: a file may be at most 5 MB.") % {"name": name})
            continue
        content_type, magic = ALLOWED[extension]
        upload.seek(0)
        head = upload.read(len(magic))
        upload.seek(0)
        if head != magic:
            problems.append(
                _("%(name)s: the file's content is not a real JPG, PNG or PDF.") % {"name": name}
            )
            continue
        checked.append(CheckedFile(upload, extension, content_type, size))
    if problems:
        raise InvalidInput(" ".join(problems), fields={field: problems})
    return checked


def storage_name(extension: str, folder: str = "portal/attachments") -> str:
    """A fresh, unguessable name: the uploader's file name is never used as a path."""
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"
