"""Read an uploaded CSV or XLSX file as numbered rows of text: streamed, size-capped, zip-bomb-checked."""

import csv
import io
import os
import unicodedata
import zipfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from flask_babel import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
XLSX_NAMES = (".xlsx", ".xlsm")
MAX_ZIP_MEMBERS = 10_000
MAX_RATIO = 200  # uncompressed / compressed size of one member; real sheets stay far below
RATIO_FLOOR = 1 << 20  # members under 1 MB uncompressed are never suspicious

Rows = Generator[tuple[int, list[str]], None, None]


class FileProblem(Exception):
    """The file cannot be read as a table; `row` says where (1 is the header row)."""

    def __init__(self, message: str, row: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass
class Table:
    """The header cells and the following rows as (row number in the file, cells)."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]


@contextmanager
def read_table(stream: IO[bytes], filename: str, *, max_bytes: int | None, max_unzipped: int | None) -> Iterator[Table]:
    """Open a binary stream as a table (XLSX when it is a zip or named .xlsx, else CSV); close it after.

    Rows are streamed, so memory stays flat whatever the size; `max_bytes` / `max_unzipped` None:
    no size limit (the operator's command line), a zip bomb's inflation ratio is refused anyway."""
    with _seekable(stream, max_bytes) as data:
        size = data.seek(0, os.SEEK_END)
        data.seek(0)
        if max_bytes is not None and size > max_bytes:
            limit = _mb(max_bytes)
            raise FileProblem(_("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB", size=_mb(size), limit=limit))
        if size == 0:
            raise FileProblem(_("Tệp trống"))
        head = data.read(4)
        data.seek(0)
        if head == OLE_MAGIC:
            raise FileProblem(_("Định dạng .xls cũ không được hỗ trợ; hãy lưu thành .xlsx hoặc CSV UTF-8"))
        is_xlsx = head == ZIP_MAGIC or filename.lower().endswith(XLSX_NAMES)
        rows = _xlsx_rows(data, max_unzipped) if is_xlsx else _csv_rows(data)
        try:
            first = next(rows, None)
            if first is None:
                raise FileProblem(_("Tệp trống"))
            yield Table(header=first[1], rows=rows)
        finally:
            rows.close()


@contextmanager
def _seekable(stream: IO[bytes], max_bytes: int | None) -> Iterator[IO[bytes]]:
    """Yield the stream itself when it can seek, else a spooled copy of at most max_bytes + 1 bytes
    (all of it without a limit; beyond 8 MB the copy is on disk)."""
    if stream.seekable():
        yield stream
        return
    with SpooledTemporaryFile(max_size=8 << 20) as copy:
        left = max_bytes + 1 if max_bytes is not None else -1
        while left != 0 and (chunk := stream.read(1 << 20 if left < 0 else min(1 << 20, left))):
            copy.write(chunk)
            left -= len(chunk)
        yield copy


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.1f}"


def _clean(value: str) -> str:
    """Strip spaces and compose Vietnamese diacritics (NFC); refuse NUL and undecodable bytes."""
    return _clean_row([value])[0]


def _clean_row(cells: list[str]) -> list[str]:
    """Strip the cells and compose their diacritics (NFC); refuse NUL and bytes that were not UTF-8."""
    cells = list(map(str.strip, cells))
    joined = "".join(cells)
    if "\x00" in joined:
        raise FileProblem(_("Tệp chứa ký tự NUL; đây không phải tệp CSV văn bản"))
    if joined.isascii():
        return cells
    try:
        joined.encode("utf-8")  # surrogates left by surrogateescape: the bytes were not UTF-8
    except UnicodeEncodeError:
        raise FileProblem(_("Tệp không phải mã UTF-8; hãy lưu lại dưới dạng CSV UTF-8")) from None
    if unicodedata.is_normalized("NFC", joined):  # the usual case: one check instead of one per cell
        return cells
    return [unicodedata.normalize("NFC", c) for c in cells]


def _csv_rows(data: IO[bytes]) -> Rows:
    """Yield the rows of a UTF-8 CSV (BOM optional); a NUL or undecodable byte stops with its row number."""
    text = io.TextIOWrapper(data, encoding="utf-8-sig", errors="surrogateescape", newline="")
    number = 0
    try:
        for cells in csv.reader(text):
            number += 1
            yield number, _clean_row(cells)
    except FileProblem as exc:
        exc.row = number
        raise
    except csv.Error as exc:
        raise FileProblem(_("Không đọc được dòng CSV: %(detail)s", detail=str(exc)), number + 1) from None
    finally:
        text.detach()


def _check_zip(data: IO[bytes], max_unzipped: int | None) -> None:
    """Refuse a corrupt archive or one that would inflate beyond the limits (a zip bomb)."""
    try:
        with zipfile.ZipFile(data) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileProblem(_("Tệp XLSX bị hỏng hoặc không phải XLSX")) from None
    total = sum(m.file_size for m in members)
    inflated = any(m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members)
    too_big = max_unzipped is not None and total > max_unzipped
    if len(members) > MAX_ZIP_MEMBERS or too_big or inflated:
        raise FileProblem(_("Tệp XLSX giải nén ra quá lớn (nghi là zip bomb); không đọc"))
    data.seek(0)


def _xlsx_rows(data: IO[bytes], max_unzipped: int | None) -> Rows:
    """Yield the rows of the first worksheet, streamed (openpyxl read-only mode)."""
    import openpyxl

    _check_zip(data, max_unzipped)
    try:
        workbook = openpyxl.load_workbook(data, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file; all mean the same
        raise FileProblem(_("Tệp XLSX bị hỏng hoặc không đọc được")) from None
    number = 0
    try:
        if not workbook.worksheets:
            raise FileProblem(_("Tệp XLSX không có trang tính nào"))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the stored dimension may be wrong; read every row there is
        for values in sheet.iter_rows(values_only=True):
            number += 1
            yield number, [_cell(v) for v in values]
    except FileProblem:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet part fails while streaming
        raise FileProblem(_("Tệp XLSX bị hỏng hoặc không đọc được"), number + 1) from None
    finally:
        workbook.close()


def _cell(value: Any) -> str:
    """Return a worksheet value as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
