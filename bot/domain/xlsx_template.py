"""The XLSX template a head fills for a `file` question: the declared columns, ready to type.

Header row bold and frozen, columns wide enough for their labels, drop-downs «да»/«нет» for
yes/no columns and whole-number checks for int columns, so most mistakes are caught by the
spreadsheet before the bot sees the file. Pure: bytes out, no I/O.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from bot.domain.questionnaire import Column, Question
from bot.domain.spreadsheet_safety import append_row

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation

YES, NO = "да", "нет"
_SHEET_TITLE_LIMIT = 31  # Excel's limit
_FORBIDDEN_IN_TITLE = re.compile(r"[\[\]:*?/\\]")
_MIN_WIDTH, _MAX_WIDTH = 12, 45


def sheet_title(label: str) -> str:
    """A valid sheet name from a label: no []:*?/\\ and at most 31 characters."""
    title = _FORBIDDEN_IN_TITLE.sub(" ", label).strip() or "Таблица"
    return title[:_SHEET_TITLE_LIMIT].rstrip()


def template_filename(question: Question) -> str:
    return f"{sheet_title(question.label)}.xlsx"


def build_template(question: Question) -> bytes:
    """An empty table with the question's columns, for up to `question.row_limit` rows."""
    # openpyxl is imported on use: the bot need not carry it from start-up.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_title(question.label)
    append_row(sheet, [column.label for column in question.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    last_row = question.row_limit + 1
    for number, column in enumerate(question.columns, start=1):
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = min(
            _MAX_WIDTH, max(_MIN_WIDTH, len(column.label) + 4)
        )
        validation = _validation(column)
        if validation is not None:
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _validation(column: Column) -> DataValidation | None:
    from openpyxl.worksheet.datavalidation import DataValidation

    if column.type == "yes_no":
        return DataValidation(
            type="list",
            formula1=f'"{YES},{NO}"',
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle=column.label,
            error=f"Выберите «{YES}» или «{NO}».",
        )
    if column.type == "int":
        lo, hi = column.bounds
        return DataValidation(
            type="whole",
            operator="between",
            formula1=str(lo),
            formula2=str(hi),
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle=column.label,
            error=f"Целое число от {lo} до {hi}.",
        )
    return None
