"""Reading a head's filled XLSX back into the rows of a `file` question.

Untrusted input: the size is capped before and after unpacking (a zip bomb is refused
without inflating it), only so many rows are scanned, formulas are refused (the export
must carry the values the head saw, and a formula could run in an official's Excel), and
every refusal is one Russian sentence naming the row and column as Excel shows them, so a
head on a phone can find the cell. Pure: bytes in, rows or FileAnswerError out.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from bot.domain.answers import Cell
from bot.domain.formatting import format_int
from bot.domain.questionnaire import COLUMN_TEXT_MAX_LENGTH, Column, Question
from bot.domain.textnorm import clean, fold
from bot.domain.xlsx_template import sheet_title

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
# Rows looked at in all (empty ones included) before giving up on a sheet.
MAX_SCANNED_ROWS = 20_000
# Columns read to the right of the declared ones, to notice unknown headers.
_EXTRA_COLUMNS = 10

# Messages (Russian, for the head).
TOO_BIG = "Файл слишком большой: можно до 2 МБ. Оставьте в нём только таблицу."
NOT_XLSX = "Не получилось открыть файл как таблицу Excel (.xlsx). Заполните, пожалуйста, присланный шаблон."
NO_HEADER = "В файле не нашлось строки заголовков. Нужны столбцы: {columns}."
MISSING_COLUMNS = "В файле нет столбцов: {missing}. Нужны столбцы: {columns}."
UNKNOWN_COLUMNS = "В файле лишние столбцы: {unknown}. Нужны только: {columns}."
NO_ROWS = "В таблице нет ни одной заполненной строки."
TOO_MANY_ROWS = "В таблице больше {max} строк — столько не нужно. Проверьте файл."
SHEET_TOO_LONG = "Лист слишком длинный: удалите пустые и лишние строки внизу."
CELL = "Строка {row}, столбец «{label}»: {reason}"
NEED_INT = "нужно целое число от {lo} до {hi}."
NEED_YES_NO = "нужно «да» или «нет»."
NEED_VALUE = "ячейка пустая, заполните её."
TEXT_TOO_LONG = "слишком длинный текст, можно до {max} символов."
FORMULA = "здесь формула — вставьте, пожалуйста, значение."

_YES = frozenset({"да", "д", "yes", "y", "+", "есть"})
_NO = frozenset({"нет", "н", "no", "n", "-", "—", "–"})
_INTEGER = re.compile(r"\d{1,12}")


class FileAnswerError(ValueError):
    """The file is not accepted; str(error) is the Russian reason for the head."""


def read_table(question: Question, data: bytes) -> list[dict[str, Cell]] | None:
    """The rows of the filled table, checked against the question's columns.

    None when an optional question's table is left empty.
    """
    if len(data) > MAX_FILE_BYTES:
        raise FileAnswerError(TOO_BIG)
    sheet = _open_sheet(question, data)
    columns = question.columns
    rows = sheet.iter_rows(max_col=len(columns) + _EXTRA_COLUMNS)
    header: dict[int, Column] | None = None
    result: list[dict[str, Cell]] = []
    for row_no, cells in enumerate(rows, start=1):
        if row_no > MAX_SCANNED_ROWS:
            raise FileAnswerError(SHEET_TOO_LONG)
        if all(_blank(cell.value) for cell in cells):
            continue
        if header is None:
            header = _header(cells, columns)
            continue
        if len(result) == question.row_limit:
            raise FileAnswerError(TOO_MANY_ROWS.format(max=format_int(question.row_limit)))
        result.append(_row(row_no, cells, header))
    if header is None:
        raise FileAnswerError(NO_HEADER.format(columns=_labels(columns)))
    if not result:
        if question.required:
            raise FileAnswerError(NO_ROWS)
        return None
    return result


def _open_sheet(question: Question, data: bytes) -> Any:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileAnswerError(NOT_XLSX) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileAnswerError(TOO_BIG)
    try:
        from openpyxl import load_workbook  # imported on use (memory at start-up)

        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a malformed file
        logger.info("unreadable XLSX: %s", type(exc).__name__)
        raise FileAnswerError(NOT_XLSX) from None
    sheets = workbook.worksheets
    if not sheets:
        raise FileAnswerError(NOT_XLSX)
    wanted = fold(sheet_title(question.label))
    return next((s for s in sheets if fold(s.title) == wanted), sheets[0])


def _header(cells: Sequence[Any], columns: Sequence[Column]) -> dict[int, Column]:
    """Column position → declared column, matched by label or key (case, spaces, ё ignored)."""
    by_name = {fold(c.label): c for c in columns} | {c.key: c for c in columns}
    found: dict[int, Column] = {}
    unknown = []
    for position, cell in enumerate(cells):
        if _blank(cell.value):
            continue
        column = by_name.get(fold(str(cell.value)))
        if column is None or column in found.values():
            unknown.append(f"«{clean(str(cell.value))[:40]}»")
        else:
            found[position] = column
    missing = [f"«{c.label}»" for c in columns if c not in found.values()]
    if missing:
        raise FileAnswerError(
            MISSING_COLUMNS.format(missing=", ".join(missing), columns=_labels(columns))
        )
    if unknown:
        raise FileAnswerError(
            UNKNOWN_COLUMNS.format(unknown=", ".join(unknown), columns=_labels(columns))
        )
    return found


def _row(row_no: int, cells: Sequence[Any], header: dict[int, Column]) -> dict[str, Cell]:
    row: dict[str, Cell] = {}
    for position, column in header.items():
        cell = cells[position] if position < len(cells) else None
        value = None if cell is None else cell.value
        reason = None
        if cell is not None and getattr(cell, "data_type", None) == "f":
            reason = FORMULA
        else:
            try:
                row[column.key] = _value(column, value)
            except FileAnswerError as exc:
                reason = str(exc)
        if reason is not None:
            raise FileAnswerError(CELL.format(row=row_no, label=column.label, reason=reason))
    return row


def _value(column: Column, value: Any) -> Cell:
    if _blank(value):
        if column.required:
            raise FileAnswerError(NEED_VALUE)
        return None
    match column.type:
        case "int":
            return _integer(column, value)
        case "yes_no":
            return _yes_no(value)
        case _:
            return _text(value)


def _integer(column: Column, value: Any) -> int:
    lo, hi = column.bounds
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = clean(value).replace(" ", "")
        number = int(text) if _INTEGER.fullmatch(text) else None
    if number is None or not lo <= number <= hi:
        raise FileAnswerError(NEED_INT.format(lo=format_int(lo), hi=format_int(hi)))
    return number


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = fold(str(value)).rstrip(".!")
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise FileAnswerError(NEED_YES_NO)


def _text(value: Any) -> str:
    if isinstance(value, datetime | date):
        text = f"{value:%d.%m.%Y}"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = clean(str(value))
    if len(text) > COLUMN_TEXT_MAX_LENGTH:
        raise FileAnswerError(TEXT_TOO_LONG.format(max=COLUMN_TEXT_MAX_LENGTH))
    return text


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not clean(value))


def _labels(columns: Sequence[Column]) -> str:
    return ", ".join(f"«{c.label}»" for c in columns)
