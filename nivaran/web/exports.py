"""Spreadsheet exports of the officers' reports: CSV (streamed, UTF-8 with a byte order mark
so that Excel shows Hindi) and Excel workbooks (openpyxl).

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a
leading apostrophe: a spreadsheet would otherwise run it as a formula (CSV injection), and a
post title or a name is typed by people.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Cell = str | int | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_lines(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Sequence[Cell]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if v is None else safe_cell(v) for v in values])
        return buffer.getvalue()

    yield "\ufeff" + line(header)
    for row in rows:
        yield line(row)


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> StreamingHttpResponse:
    """A CSV download written row by row as the rows are read."""
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in _csv_lines(header, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> HttpResponse:
    """An Excel workbook of one sheet: the header row in bold, frozen, then the rows."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        width = max(len(str(v or "")) for v in column)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
