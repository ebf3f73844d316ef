"""The list of invite codes `svodka invites` writes: for scripts and for people.

- `csv`: the columns `school,code,link`, comma-separated UTF-8 without a BOM — what scripts
  read (the contract in DESIGN.md).
- `csv-excel`: for Russian Excel, which opens a CSV as cp1251 split on `;` unless the file
  starts with a BOM: UTF-8 with BOM, `;`, Russian column titles, the code as people type it.
- `xlsx`: the same table as a workbook.
- `text`: one school per paragraph, for reading out or pasting into a letter.

Every cell goes through `spreadsheet_safety`: a school name is text, never a formula. Pure:
text or bytes out, no I/O.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.domain.invite_codes import IssuedInvite, display
from bot.domain.spreadsheet_safety import SafeCsvWriter, append_row

FORMATS = ("csv", "csv-excel", "xlsx", "text")
BY_SUFFIX = {".csv": "csv-excel", ".xlsx": "xlsx", ".txt": "text"}
SCRIPT_HEADER = ["school", "code", "link"]
PEOPLE_HEADER = ["Школа", "Код", "Ссылка"]
SHEET_TITLE = "Приглашения"
_WIDTHS = {"A": 50, "B": 14, "C": 45}


def for_scripts(items: Sequence[IssuedInvite]) -> str:
    stream = io.StringIO()
    writer = SafeCsvWriter(stream, lineterminator="\n")
    writer.writerow(SCRIPT_HEADER)
    for item in items:
        writer.writerow([item.school, item.code, item.link or ""])
    return stream.getvalue()


def for_excel(items: Sequence[IssuedInvite]) -> bytes:
    stream = io.StringIO()
    writer = SafeCsvWriter(stream, delimiter=";")
    for row in _people_rows(items):
        writer.writerow(row)
    return stream.getvalue().encode("utf-8-sig")


def workbook(items: Sequence[IssuedInvite]) -> bytes:
    from openpyxl import Workbook  # imported on use (memory at start-up)

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    for row in _people_rows(items):
        append_row(sheet, row)
    for column, width in _WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_text(items: Sequence[IssuedInvite]) -> str:
    lines = []
    for item in items:
        lines += [item.school, f"  код: {display(item.code)}"]
        if item.link:
            lines.append(f"  ссылка: {item.link}")
    return "\n".join(lines) + "\n"


def _people_rows(items: Sequence[IssuedInvite]) -> list[list[str]]:
    return [
        PEOPLE_HEADER,
        *([item.school, display(item.code), item.link or ""] for item in items),
    ]
