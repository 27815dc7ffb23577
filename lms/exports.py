"""The cells of every export (XLSX, CSV): text a spreadsheet would run as a formula is written as text.

A person may name themselves `=HYPERLINK("http://evil.example","x")`, an officer may rename a village
`=1+1`: opened in a spreadsheet, such a cell must show the text, never run it. Every export writes
its rows through `xlsx_row` or `csv_row`; no export puts a formula in a cell.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

# what spreadsheets read as the start of a formula (or of a DDE payload through a formula)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def risky(value: Any) -> bool:
    """True when a value is text that a spreadsheet could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


# dates as everywhere else in the platform: dd/mm/yyyy, whatever the spreadsheet's language
XLSX_DATE = "DD/MM/YYYY"
XLSX_DATETIME = "DD/MM/YYYY HH:MM"


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """Return the value to append to an openpyxl sheet: risky text as a string cell with a quote prefix,
    a date (a real date cell) shown as dd/mm/yyyy."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # openpyxl writes dates; its stubs omit them
        cell.number_format = XLSX_DATETIME if isinstance(value, datetime) else XLSX_DATE
        return cell
    if not risky(value):
        return value

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl made it a formula ("f") because it starts with "="
    cell.quotePrefix = True  # and the spreadsheet keeps it text when someone edits the cell
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Return a row for `sheet.append`: every risky text written as text (normal and write-only sheets)."""
    return [xlsx_cell(sheet, value) for value in values]


def csv_row(values: Iterable[Any]) -> list[Any]:
    """Return a row for `csv.writer`: risky text gets a leading apostrophe, which spreadsheets show as text."""
    return [f"'{value}" if risky(value) else value for value in values]
