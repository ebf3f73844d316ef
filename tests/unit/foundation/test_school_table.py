import pytest

from bot.domain.school_table import SchoolTableError, parse_school_table
from tests.utils import sergokala


def test_cp1251_semicolon_csv() -> None:
    rows = parse_school_table(sergokala.cp1251_semicolon_csv(), "schools.csv")
    assert [r.name for r in rows] == sergokala.school_names()
    assert rows[0].line == 2


def test_utf8_comma_csv_with_bom_and_all_columns() -> None:
    data = "\ufeffschool,head_vk_id,inn,short_name\n«Школа 1»,id123,0527001634,Ш1\n"
    (row,) = parse_school_table(data.encode("utf-8"), "x.csv")
    assert (row.name, row.head_vk_id, row.inn, row.short_name) == (
        "«Школа 1»",
        123,
        "0527001634",
        "Ш1",
    )


def test_xlsx() -> None:
    rows = parse_school_table(sergokala.xlsx(), "schools.xlsx")
    assert len(rows) == 12
    assert rows[3].short_name == "Сергокалинская СОШ №2"


def test_number_sign_survives() -> None:
    (row,) = parse_school_table("ОО\nСОШ №2\n".encode(), "x.csv")
    assert row.name == "СОШ №2"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name\nСОШ №1\n", "В первых 10 строках нет строки заголовков со столбцом названия"),
        ("school;inn\nШкола;12345\n", "Строка 2: ИНН должен состоять из 10 или 12 цифр"),
        ("school;head_vk_id\nШкола;abc\n", "Строка 2: VK id руководителя"),
        ("school\nШкола 1\n\nшкола  1\n", "Строка 4: школа «школа 1» уже была в строке 2"),
        (
            'school\n"МКОУ «СОШ №1»"\n"мкоу «сош № 1»"\n',
            "Строка 3: школа мкоу «сош № 1» уже была в строке 2",
        ),
        ("school;inn\n;0527001634\n", "Строка 2: не указано название школы"),
        ("", "Файл пустой"),
        ("school\n", "В файле нет ни одной школы"),
    ],
)
def test_problems_name_their_line(content: str, expected: str) -> None:
    with pytest.raises(SchoolTableError) as caught:
        parse_school_table(content.encode("utf-8"), "x.csv")
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems


def test_broken_xlsx_is_reported() -> None:
    with pytest.raises(SchoolTableError, match="XLSX"):
        parse_school_table(b"PK\x03\x04garbage", "x.xlsx")
