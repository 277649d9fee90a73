"""File writers of the export task, one row at a time in constant memory.

CSV: UTF-8 with a byte order mark (so that Excel shows Hindi), cells made formula-safe by
`nivaran.web.exports.safe_cell`. Excel: an openpyxl *write-only* workbook, which streams
each appended row to a temporary file instead of keeping every cell as an object (a
normal workbook holds the whole sheet in memory: some hundreds of MB for 100,000 rows).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import IO, Protocol

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from nivaran.exports.kinds import Cell
from nivaran.web.exports import safe_cell


class RowWriter(Protocol):
    def row(self, cells: Sequence[Cell]) -> None: ...


def _local(value: datetime) -> datetime:
    """In the state's time zone, as a spreadsheet wants it: naive, to the second."""
    return value.astimezone(timezone.get_current_timezone()).replace(tzinfo=None, microsecond=0)


class CsvWriter:
    def __init__(self, fh: IO[str], header: Sequence[str]) -> None:
        self._writer = csv.writer(fh)
        fh.write("\ufeff")
        self._writer.writerow([safe_cell(h) for h in header])

    def row(self, cells: Sequence[Cell]) -> None:
        self._writer.writerow(
            [
                ""
                if v is None
                else _local(v).strftime("%Y-%m-%d %H:%M")
                if isinstance(v, datetime)
                else safe_cell(v)
                if isinstance(v, str)
                else v
                for v in cells
            ]
        )


class XlsxWriter:
    def __init__(self, workbook: Workbook, title: str, header: Sequence[str]) -> None:
        self._sheet = workbook.create_sheet(title[:31])
        self._sheet.freeze_panes = "A2"
        for index in range(1, len(header) + 1):
            self._sheet.column_dimensions[get_column_letter(index)].width = 18
        bold = Font(bold=True)
        cells = []
        for text in header:
            cell = WriteOnlyCell(self._sheet, value=text)
            cell.font = bold
            cells.append(cell)
        self._sheet.append(cells)

    def row(self, cells: Sequence[Cell]) -> None:
        self._sheet.append(
            [
                _local(v) if isinstance(v, datetime) else safe_cell(v) if isinstance(v, str) else v
                for v in cells
            ]
        )


@contextmanager
def writer_for(fmt: str, path: str, *, title: str, header: Sequence[str]) -> Iterator[RowWriter]:
    """A writer of `fmt` ("csv" or "xlsx") into `path`; the file is complete on exit."""
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            yield CsvWriter(fh, header)
        return
    workbook = Workbook(write_only=True)
    writer = XlsxWriter(workbook, title, header)
    yield writer
    workbook.save(path)
