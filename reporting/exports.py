"""Any `Table` as a CSV or XLSX file, safe to open in a spreadsheet (core.spreadsheets: text
a spreadsheet would run as a formula is written after an apostrophe)."""

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from core.spreadsheets import safe_cell

from .tables import Table

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Progress = Callable[[int, int], None]


def _plain(value: Any) -> Any:
    """What a cell holds: numbers, dates and text; anything else as its text."""
    if value is None or isinstance(value, (int, float, dt.date)):
        return value
    return str(value)


def export_table(table: Table, fmt: str, *, on_progress: Progress | None = None) -> bytes:
    """The table as a file: a header row of column labels, then one row per table row."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}")
    writer = _csv if fmt == "csv" else _xlsx
    return writer(table, on_progress or (lambda done, total: None))


def _every() -> int:
    from django.conf import settings

    return max(1, int(getattr(settings, "EXPORT_PROGRESS_EVERY", 500)))


def _csv(table: Table, on_progress: Progress) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c.label) for c in table.columns])
    total, every = len(table.rows), _every()
    for n, row in enumerate(table.rows, start=1):
        cells = []
        for column in table.columns:
            value = _plain(row.get(column.key))
            if isinstance(value, dt.datetime):
                value = value.isoformat(sep=" ", timespec="minutes")
            elif isinstance(value, dt.date):
                value = value.isoformat()
            cells.append("" if value is None else safe_cell(value))
        writer.writerow(cells)
        if n % every == 0:
            on_progress(n, total)
    on_progress(total, total)
    # With a byte-order mark, so Excel reads the accents in names as UTF-8.
    return out.getvalue().encode("utf-8-sig")


def _xlsx_value(value: Any) -> Any:
    value = _plain(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones; the service's local time
    if isinstance(value, str):
        value = safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _xlsx(table: Table, on_progress: Progress) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(table.title or table.key)[:31].translate(_SHEET_NAME))
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.label) + 2)
    sheet.append([_xlsx_value(c.label) for c in table.columns])
    total, every = len(table.rows), _every()
    for n, row in enumerate(table.rows, start=1):
        sheet.append([_xlsx_value(row.get(c.key)) for c in table.columns])
        if n % every == 0:
            on_progress(n, total)
    out = io.BytesIO()
    book.save(out)
    on_progress(total, total)
    return out.getvalue()


# Characters Excel refuses in a sheet name.
_SHEET_NAME = str.maketrans({c: " " for c in "[]:*?/\\"})
