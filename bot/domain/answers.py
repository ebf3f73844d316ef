"""Parsing one typed answer into a JSON-friendly value, and showing it back in Russian."""

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TypeVar

from bot.domain import messages_ru as msg
from bot.domain.formatting import format_decimal, format_int, plural
from bot.domain.questionnaire import (
    COLUMN_TEXT_MAX_LENGTH,
    Column,
    Question,
)
from bot.domain.textnorm import clean, fold, strip_invisible

Cell = int | bool | str | None
AnswerValue = int | float | bool | str | list[dict[str, Cell]]
_N = TypeVar("_N", int, float)

# Longer input cannot be a number we accept; checking length first keeps int() away from
# thousands of digits (ValueError above 4300 digits) and the regexes cheap.
_MAX_NUMBER_CHARS = 40
# Rounding to two decimals needs room for every digit such a number has, and two more: the
# default context's 28 digits made "1" followed by 26 zeros raise InvalidOperation.
_PERCENT_ROUNDING = Context(prec=_MAX_NUMBER_CHARS + 2, rounding=ROUND_HALF_UP)
_INT = re.compile(
    r"(?P<sign>[+-]?)(?P<digits>[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:[.,](?P<frac>[0-9]+))?"
    r" ?(?P<unit>%|(?:чел(?:овек[а]?)?|шт)\.?)?",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(?P<sign>[+-]?)(?P<whole>[0-9]+)(?:[.,](?P<frac>[0-9]+))? ?%?")
_MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-"})
_YES = frozenset({"да", "д", "yes", "y", "+", "da", "ага", "есть"})
_NO = frozenset({"нет", "н", "no", "n", "-", "\u2212", "–", "—", "net", "не"})
_TRAILING_PUNCT = ".!;,"


class AnswerError(ValueError):
    """The answer was not accepted; str(error) is a polite Russian message for the user."""


def parse_answer(question: Question, raw: str) -> AnswerValue | None:
    """The value of a typed answer; None when an optional question is left blank."""
    if question.type == "file":
        return parse_rows(question, _split_table(raw))
    text = clean(raw)
    if not text:
        if not question.required:
            return None
        raise AnswerError(f"{msg.EMPTY} {expected(question)}")
    match question.type:
        case "int":
            lo, hi = question.bounds
            return _parse_int(text, int(lo), int(hi))
        case "percent":
            return _parse_percent(text, *question.bounds)
        case "yes_no":
            return _parse_yes_no(text)
        case "choice":
            return _parse_choice(text, question.choices)
        case _:
            return _parse_text(text, question.text_limit)


def parse_rows(question: Question, rows: Sequence[Sequence[str]]) -> list[dict[str, Cell]] | None:
    """Rows of a table (from a pasted message or an uploaded file) checked against the columns.

    A header row of column labels or keys is skipped; "Строка N" in messages counts the
    rows as the person sees them, header included.
    """
    columns = question.columns
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(clean(c) for c in row)]
    if numbered and _is_header(numbered[0][1], columns):
        numbered = numbered[1:]
    if not numbered:
        if not question.required:
            return None
        raise AnswerError(f"{msg.EMPTY} {expected(question)}")
    if len(numbered) > question.row_limit:
        raise AnswerError(
            msg.TABLE_TOO_MANY_ROWS.format(
                n=format_int(len(numbered)),
                max=format_int(question.row_limit),
                max_rows=plural(question.row_limit, msg.ROWS_GEN),
            )
        )
    return [_parse_row(n, row, columns) for n, row in numbered]


def expected(question: Question) -> str:
    """What a valid answer looks like, e.g. «Введите целое число от 0 до 1 000.»."""
    match question.type:
        case "int" | "percent":
            lo, hi = question.bounds
            template = msg.EXPECT_INT if question.type == "int" else msg.EXPECT_PERCENT
            return _expect_range(template, lo, hi)
        case "yes_no":
            return msg.EXPECT_YES_NO
        case "choice":
            return _expect_choice(question.choices)
        case "file":
            return msg.EXPECT_TABLE.format(columns=_column_list(question.columns))
        case _:
            return msg.EXPECT_TEXT


def format_answer(question: Question, value: AnswerValue | None) -> str:
    """An answer as shown on the review screen and in reports."""
    if value is None:
        return msg.NO_ANSWER
    if isinstance(value, bool):
        return msg.YES if value else msg.NO
    if isinstance(value, list):
        return f"{format_int(len(value))} {plural(len(value), msg.ROWS_NOM)}"
    if question.type == "percent" and isinstance(value, int | float):
        return f"{format_decimal(value)} %"
    if isinstance(value, int | float):
        return _number(value)
    return value


def _number(x: int | float) -> str:
    return format_int(x) if isinstance(x, int) else format_decimal(x)


def _expect_range(template: str, lo: float, hi: float) -> str:
    return template.format(lo=_number(lo), hi=_number(hi))


def _expect_choice(choices: Sequence[str]) -> str:
    options = "; ".join(f"{i} — {c}" for i, c in enumerate(choices, start=1))
    return msg.EXPECT_CHOICE.format(options=options)


def _fail(reason: str, expectation: str) -> AnswerError:
    return AnswerError(f"{reason} {expectation}" if reason else expectation)


def _parse_int(text: str, lo: int, hi: int) -> int:
    expectation = _expect_range(msg.EXPECT_INT, lo, hi)
    text = text.translate(_MINUSES)
    m = _INT.fullmatch(text) if len(text) <= _MAX_NUMBER_CHARS else None
    if m is None:
        raise _fail("", expectation)
    if m["unit"] == "%":
        raise _fail(msg.PERCENT_FOR_COUNT, expectation)
    if m["frac"] is not None:
        raise _fail(msg.NOT_INTEGER, expectation)
    return _in_range(int(m["digits"].replace(" ", "")), m["sign"], lo, hi, expectation)


def _parse_percent(text: str, lo: float, hi: float) -> float:
    expectation = _expect_range(msg.EXPECT_PERCENT, lo, hi)
    text = text.translate(_MINUSES)
    m = _PERCENT.fullmatch(text) if len(text) <= _MAX_NUMBER_CHARS else None
    if m is None:
        raise _fail("", expectation)
    exact = Decimal(f"{m['whole']}.{m['frac'] or 0}")
    # Two decimals are what the statistics show; more would be noise from a calculator.
    value = float(exact.quantize(Decimal("0.01"), context=_PERCENT_ROUNDING))
    return _in_range(value, m["sign"], lo, hi, expectation)


def _in_range(value: _N, sign: str, lo: float, hi: float, expectation: str) -> _N:
    """The magnitude `value` with its typed sign, if it lies within lo..hi ("-0" is 0)."""
    if sign == "-" and value:
        raise _fail(msg.NEGATIVE, expectation)
    if value < lo:
        raise _fail(msg.TOO_SMALL, expectation)
    if value > hi:
        raise _fail(msg.TOO_BIG, expectation)
    return value


def _parse_yes_no(text: str) -> bool:
    word = fold(text).rstrip(_TRAILING_PUNCT).strip()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise AnswerError(msg.EXPECT_YES_NO)


def _parse_choice(text: str, choices: Sequence[str]) -> str:
    wanted = fold(text).rstrip(_TRAILING_PUNCT).strip()
    # Compared as strings: int() of a 5000-digit reply would raise ValueError.
    numbered = {str(i): c for i, c in enumerate(choices, start=1)}
    if wanted in numbered:
        return numbered[wanted]
    exact = [c for c in choices if fold(c) == wanted]
    # A unique beginning is enough: on a phone people type «дист» for «Дистанционно».
    starts = [c for c in choices if wanted and fold(c).startswith(wanted)]
    found = exact or starts
    if len(found) == 1:
        return found[0]
    raise AnswerError(_expect_choice(choices))


def _parse_text(text: str, limit: int) -> str:
    if len(text) > limit:
        raise AnswerError(
            msg.TEXT_TOO_LONG.format(
                n=format_int(len(text)),
                chars=plural(len(text), msg.CHARS_NOM),
                max=format_int(limit),
                max_chars=plural(limit, msg.CHARS_GEN),
            )
        )
    return text


def _split_table(raw: str) -> list[list[str]]:
    # Cells copied from a spreadsheet arrive tab-separated; typed ones use ";". Commas are
    # left alone: they are the decimal separator and appear in names.
    lines = strip_invisible(raw).split("\n")
    return [line.split("\t") if "\t" in line else line.split(";") for line in lines]


def _is_header(row: Sequence[str], columns: Sequence[Column]) -> bool:
    cells = [fold(c) for c in row if clean(c)]
    names = {fold(c.label) for c in columns} | {c.key for c in columns}
    return all(c in names for c in cells)


def _column_list(columns: Sequence[Column]) -> str:
    return "; ".join(c.label for c in columns)


def _parse_row(n: int, row: Sequence[str], columns: Sequence[Column]) -> dict[str, Cell]:
    cells = [clean(c) for c in row]
    if any(cells[len(columns) :]):
        raise AnswerError(msg.TABLE_EXTRA_CELLS.format(row=n, columns=_column_list(columns)))
    cells += [""] * (len(columns) - len(cells))
    result: dict[str, Cell] = {}
    for column, cell in zip(columns, cells, strict=False):
        try:
            result[column.key] = _parse_cell(column, cell)
        except AnswerError as exc:
            raise AnswerError(
                msg.TABLE_CELL.format(row=n, label=column.label, reason=exc)
            ) from None
    return result


def _parse_cell(column: Column, cell: str) -> Cell:
    if not cell:
        if column.required:
            raise AnswerError(msg.EMPTY)
        return None
    match column.type:
        case "int":
            return _parse_int(cell, *column.bounds)
        case "yes_no":
            return _parse_yes_no(cell)
        case _:
            return _parse_text(cell, COLUMN_TEXT_MAX_LENGTH)
