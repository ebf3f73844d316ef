"""The district export as an XLSX workbook an office sends on: the rows with real number
formats (counts as integers, shares as percents) under a bold, frozen, filtered header, and
the last week's ranking like the table of the Sergokala resolution."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from bot.domain.ranking import places
from bot.domain.report_render import week_label
from bot.domain.spreadsheet_safety import append_row, xlsx_cell
from bot.services.reports.export_rows import (
    Column,
    ExportTable,
    columns_of,
    leading,
    percent_title,
    text_cell,
)
from bot.texts import reports as t

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

PERCENT_FORMAT = "0.00%"
COUNT_FORMAT = "0"
MAX_WIDTH = 45
# The share the ranking sheet orders by: the one the Sergokala resolution tabulates.
RANKED = "students_active_pct"


def to_xlsx(table: ExportTable) -> bytes:
    """Write-only mode streams the rows: a year of a large district stays fast and small."""
    from openpyxl import Workbook  # imported on use: the bot need not carry it at start

    workbook = Workbook(write_only=True)
    _data_sheet(workbook, table)
    _ranking_sheet(workbook, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _data_sheet(workbook: Any, table: ExportTable) -> None:
    qn = table.questionnaire
    columns = columns_of(qn)
    sheet = workbook.create_sheet(t.SHEET_DATA)
    header = [t.COL_WEEK, t.COL_ISO_WEEK, t.COL_SCHOOL, t.COL_ANSWER, t.COL_AUTHOR]
    header += [c.title for c in columns]
    widths = [14, 11, MAX_WIDTH, 20, 30, *(_width(c) for c in columns)]
    _start(sheet, header, widths, rows=len(table.rows), freeze="D2")
    for row in table.rows:
        bold = bool(row.get("total"))
        cells = [_styled(sheet, value, bold=bold) for value in leading(row)]
        for column in columns:
            value = row.get(column.key)
            if column.kind == "text":
                cells.append(_styled(sheet, text_cell(column, value), bold=bold))
            else:
                cells.append(_number(sheet, value, column.kind, bold=bold))
        append_row(sheet, cells)


def _ranking_sheet(workbook: Any, table: ExportTable) -> None:
    """The last week's schools by the share of active students, like the resolution's table:
    school, students, active, share, place; schools without an answer last, with no place."""
    qn = table.questionnaire
    ind = next((i for i in qn.indicators if i.key == RANKED), None) or (
        qn.indicators[0] if qn.indicators else None
    )
    sheet = workbook.create_sheet(t.SHEET_RANKING)
    if ind is None:
        return
    last = table.weeks[-1].period if table.weeks else None
    schools = [r for r in table.rows if r["week"] == last and not r.get("total")]
    # Highest share first; schools without one (no answer, or no numbers) after them.
    schools.sort(key=lambda row: -share if isinstance(share := row.get(ind.key), float) else 1.0)
    header = [
        t.COL_WEEK,
        t.COL_SCHOOL,
        qn.question(ind.denominator).label,
        qn.question(ind.numerator).label,
        percent_title(ind),
        t.COL_PLACE,
    ]
    _start(sheet, header, [14, MAX_WIDTH, 16, 16, 16, 8], rows=len(schools), freeze="C2")
    ranks = places([r.get(ind.key) for r in schools])
    for row, place in zip(schools, ranks, strict=True):
        share = row.get(ind.key)
        answered = row["state"] != t.EXPORT_MISSING
        append_row(
            sheet,
            [
                week_label(row["week"]),
                row["school"],
                _number(sheet, row.get(ind.denominator), "count"),
                _number(sheet, row.get(ind.numerator), "count"),
                _number(sheet, share, "percent") if answered else t.EXPORT_MISSING,
                place,
            ],
        )


def _width(column: Column) -> int:
    """Long titles wrap onto two or three lines; text answers get room to be read."""
    if column.kind == "text":
        return 30
    return min(MAX_WIDTH, max(12, len(column.title) // 2 + 2))


def _start(sheet: Any, header: list[str], widths: list[int], *, rows: int, freeze: str) -> None:
    """Bold, wrapped, frozen header with an autofilter; widths are set before any row, as
    a write-only sheet needs."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = freeze
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{rows + 1}"
    cells = [_styled(sheet, title, bold=True) for title in header]
    for cell in cells:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    append_row(sheet, cells)


def _styled(sheet: Any, value: Any, *, bold: bool) -> Any:
    """A text cell through the formula-proof writer, bold if asked."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    safe = xlsx_cell(sheet, value)
    if not bold or value is None:
        return safe
    cell = WriteOnlyCell(sheet, value=safe) if isinstance(safe, str) else safe
    cell.font = Font(bold=True)
    return cell


def _number(sheet: Any, value: Any, kind: str, *, bold: bool = False) -> Cell | None:
    """Counts as integers, shares as percents with two decimals: numbers Excel sums."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    cell = WriteOnlyCell(sheet, value=value)
    if kind == "percent":
        cell.number_format = PERCENT_FORMAT
    elif kind == "count" and isinstance(value, int):
        cell.number_format = COUNT_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell
