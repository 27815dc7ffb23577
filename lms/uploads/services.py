"""Store uploads: type checked by content (magic bytes), named by SHA-256 under UPLOAD_DIR, served as attachments.

The name a user gave a file is only ever a display name: it is cleaned here and never becomes a path.
Validation reads the request's own temporary file, so a refused upload writes nothing to UPLOAD_DIR.
"""

import hashlib
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import Response, abort, current_app, send_file
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

CHUNK = 1024 * 1024
HEAD = 4096
NAME_MAX = 150


@dataclass(frozen=True)
class FileType:
    """An accepted type: what users call it, its MIME type and the file name endings it may carry."""

    label: str
    mime: str
    extensions: tuple[str, ...]


TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", "application/pdf", (".pdf",)),
    "docx": FileType("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "pptx": FileType("PPTX", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)),
    "xlsx": FileType("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "png": FileType("PNG", "image/png", (".png",)),
    "jpeg": FileType("JPEG", "image/jpeg", (".jpg", ".jpeg", ".jfif")),
    "webp": FileType("WebP", "image/webp", (".webp",)),
    "mp4": FileType("MP4", "video/mp4", (".mp4", ".m4v")),
}
# ISO base media brands of MP4 video (phones, cameras, encoders); not HEIC/AVIF images nor QuickTime.
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VH", b"M4VP",
    b"dash", b"mmp4", b"MSNV", b"f4v ", b"3gp4", b"3gp5", b"3gp6", b"3g2a",
}  # fmt: skip
# OOXML: a zip with [Content_Types].xml and the main part of each kind
OOXML_PARTS = {"word/document.xml": "docx", "ppt/presentation.xml": "pptx", "xl/workbook.xml": "xlsx"}
MARKUP = re.compile(rb"^\s*(<\?xml|<!doctype|<html|<svg|<head|<body|<script|<!--|<iframe|<a\s)", re.IGNORECASE)


class UploadError(ValueError):
    """A refused upload; the message (already translated) says why."""


@dataclass(frozen=True)
class StoredUpload:
    """A stored file: its content hash, size in bytes, type and cleaned display name."""

    sha256: str
    size: int
    kind: str
    name: str

    @property
    def mime(self) -> str:
        """Return the MIME type the file is served with."""
        return TYPES[self.kind].mime


def accepted_types() -> str:
    """Return the accepted types as a short list for hints and messages."""
    return ", ".join(t.label for t in TYPES.values())


def accept_attribute() -> str:
    """Return the `accept` attribute of a file input (a hint for the picker; the server checks content)."""
    return ",".join(ext for t in TYPES.values() for ext in t.extensions)


def file_size(size: int | None) -> str:
    """Format a size in bytes for people: 820 KB, 12.5 MB."""
    from flask_babel import format_decimal

    if not size:
        return "0 KB"
    if size < 1024 * 1024:
        return f"{format_decimal(max(1, round(size / 1024)))} KB"
    return f"{format_decimal(round(size / (1024 * 1024), 1))} MB"


def upload_dir() -> Path:
    """Return the folder uploads are stored in (outside static/)."""
    configured = current_app.config.get("UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def path_of(sha256: str) -> Path:
    """Return where the file with this content hash is stored."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a SHA-256 hex digest")
    return upload_dir() / sha256[:2] / sha256


def clean_name(raw: str | None) -> str:
    """Return a display name: no folders, no control characters (NUL, bidi overrides), at most NAME_MAX long."""
    name = unicodedata.normalize("NFC", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10 or not stem:
        stem, ext = name, ""
    stem = stem[: NAME_MAX - len(ext) - 1].rstrip(" .")
    return f"{stem}.{ext}" if ext else stem


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem else ""


def sniff(stream: IO[bytes]) -> str:
    """Return the accepted type of the content, or raise UploadError (the stream is left at its start)."""
    stream.seek(0)
    head = stream.read(HEAD)
    stream.seek(0)
    kind = _binary_kind(head, stream)
    if kind is not None:
        return kind
    if MARKUP.match(head.lstrip(b"\xef\xbb\xbf")):
        raise UploadError(_("Không nhận tệp HTML, SVG hay XML: các tệp này có thể chứa mã độc."))
    raise UploadError(_("Loại tệp không được hỗ trợ. Chỉ nhận: %(types)s.", types=accepted_types()))


def _binary_kind(head: bytes, stream: IO[bytes]) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        return "mp4"
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(stream)
    return None


def _ooxml_kind(stream: IO[bytes]) -> str | None:
    """Tell DOCX, PPTX and XLSX apart by their parts (reads the zip directory only, never inflates)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        stream.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadError(_("Không nhận tệp có macro (DOCM, PPTM, XLSM). Hãy lưu lại dưới dạng DOCX, PPTX, XLSX."))
    found = [kind for part, kind in OOXML_PARTS.items() if part in names]
    return found[0] if len(found) == 1 else None


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def check_upload(file: FileStorage) -> tuple[str, str, int]:
    """Validate an upload without storing it: return (kind, display name, size) or raise UploadError."""
    stream = file.stream
    size = _size(stream)
    if size == 0:
        raise UploadError(_("Tệp rỗng (0 byte). Hãy chọn lại tệp."))
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and size > limit:
        raise UploadError(_("Tệp quá lớn so với giới hạn cho phép."))
    kind = sniff(stream)
    name = clean_name(file.filename)
    ext = _extension(name)
    if ext and ext not in TYPES[kind].extensions:
        raise UploadError(
            _(
                "Tên tệp có đuôi %(ext)s nhưng nội dung là tệp %(type)s. Hãy kiểm tra lại tệp.",
                ext=ext,
                type=TYPES[kind].label,
            )
        )
    if not ext:
        name = f"{name or 'tai-lieu'}{TYPES[kind].extensions[0]}"
    return kind, name, size


def store_upload(file: FileStorage, room: int | None = None) -> StoredUpload:
    """Validate an upload and store its content once under its SHA-256 (streamed in 1 MB chunks); with
    `room`, the bytes the uploader may still store (a per-person quota), a larger file is refused first."""
    kind, name, checked_size = check_upload(file)
    if room is not None and checked_size > room:
        raise UploadError(
            _(
                "Tệp này (%(size)s) vượt quá dung lượng tải lên còn lại của bạn (%(left)s).",
                size=file_size(checked_size),
                left=file_size(max(room, 0)),
            )
        )
    staging = upload_dir() / ".tmp"
    staging.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    stream = file.stream
    stream.seek(0)
    with tempfile.NamedTemporaryFile(dir=staging, delete=False) as out:
        try:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        except BaseException:
            out.close()
            os.unlink(out.name)
            raise
    sha256 = digest.hexdigest()
    final = path_of(sha256)
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        os.unlink(out.name)  # the same content is stored already
        os.utime(final)  # in use again: the retention of unreferenced uploads counts from now
    else:
        os.replace(out.name, final)
    return StoredUpload(sha256=sha256, size=size, kind=kind, name=name)


def send_upload(sha256: str, kind: str, name: str) -> Response:
    """Send a stored file as a download: attachment, nosniff, no script may run in it."""
    try:
        path = path_of(sha256)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    file_type = TYPES.get(kind)
    response = send_file(
        path,
        mimetype=file_type.mime if file_type else "application/octet-stream",
        as_attachment=True,
        download_name=name or sha256,
        conditional=True,
        etag=sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
