"""Reading a filled class-chat table: what is accepted, and the Russian reason otherwise."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from bot.domain.file_answers import MAX_FILE_BYTES, FileAnswerError, read_table
from bot.domain.questionnaire import Question
from bot.domain.xlsx_template import build_template
from bot.resources import load_questionnaire

QUESTION: Question = load_questionnaire("bot/questionnaires/class_chats.toml").questions[0]
HEADER = ["Класс", "Классный руководитель", "Чат создан (да/нет)", "Учеников в чате"]


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _error(data: bytes) -> str:
    with pytest.raises(FileAnswerError) as caught:
        read_table(QUESTION, data)
    return str(caught.value)


def test_the_filled_template_is_read() -> None:
    workbook = load_workbook(io.BytesIO(build_template(QUESTION)))
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["5А", " Иванова  Мария ", "Да", 25])
    sheet.append([10, "Петров", "нет", "7"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_table(QUESTION, buffer.getvalue()) == [
        {
            "class_name": "5А",
            "teacher": "Иванова Мария",
            "chat_created": True,
            "students_in_chat": 25,
        },
        {"class_name": "10", "teacher": "Петров", "chat_created": False, "students_in_chat": 7},
    ]


def test_header_tolerates_case_spaces_yo_and_order() -> None:
    header = ["  учеников в ЧАТЕ", "класс", "КЛАССНЫЙ руководитель", "чат создан (да/нет)"]
    rows = read_table(QUESTION, _xlsx([[], header, [20, "1А", "Алиева", "да"]]))
    assert rows == [
        {"students_in_chat": 20, "class_name": "1А", "teacher": "Алиева", "chat_created": True}
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["5А", "Иванова", "да", 70],
            "Строка 3, столбец «Учеников в чате»: нужно целое число от 0 до 60.",
        ),
        (["5А", "Иванова", "да", 2.5], "Строка 3, столбец «Учеников в чате»: нужно целое число"),
        (
            ["5А", "Иванова", "может", 5],
            "Строка 3, столбец «Чат создан (да/нет)»: нужно «да» или «нет».",
        ),
        (["5А", None, "да", 5], "Строка 3, столбец «Классный руководитель»: ячейка пустая"),
        (["5А", "Иванова", "да", "=1+2"], "Строка 3, столбец «Учеников в чате»: здесь формула"),
        (["5А", "x" * 300, "да", 5], "слишком длинный текст"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column(row: list[Any], message: str) -> None:
    data = _xlsx([HEADER, ["1А", "Алиева", "да", 20], row])
    assert message in _error(data)


def test_missing_and_unknown_columns() -> None:
    assert "нет столбцов: «Учеников в чате»" in _error(_xlsx([HEADER[:3], ["1А", "А", "да"]]))
    extra = _error(_xlsx([[*HEADER, "Телефон"], ["1А", "А", "да", 1, "x"]]))
    assert "лишние столбцы: «Телефон»" in extra


def test_empty_too_many_and_not_a_table() -> None:
    assert "нет ни одной заполненной строки" in _error(_xlsx([HEADER]))
    assert "не нашлось строки заголовков" in _error(_xlsx([]))
    rows = [[f"{n}А", "У", "да", 1] for n in range(61)]
    assert "больше 60 строк" in _error(_xlsx([HEADER, *rows]))
    assert "Не получилось открыть файл" in _error(b"PK\x03\x04 not really a zip")
    assert "Не получилось открыть файл" in _error("Класс;Учитель".encode())


def test_size_limits_before_and_after_unpacking() -> None:
    assert "слишком большой" in _error(b"x" * (MAX_FILE_BYTES + 1))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_FILE_BYTES
    assert "слишком большой" in _error(buffer.getvalue())
