"""School lists as offices keep them: titles above the header, Russian column names,
contacts, region files, errors that name the row and the column."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.domain.school_table import SchoolTableError, read_school_table
from tests.fixtures import office_files

EXAMPLES = Path(__file__).parents[3] / "examples"


def xlsx(rows: list[list[object]], merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_1251(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("cp1251")


@pytest.mark.parametrize(
    "header",
    [
        "Наименование образовательной организации",
        "Наименование ОО",
        "Полное наименование",
        "Краткое наименование",
        "ОО",
        "ОУ",
        "Школа",
        "Организация",
        "Образовательная организация",
        "school",
        "НАИМЕНОВАНИЕ ОО:",
        "Наименование общеобразовательного учреждения (полное)",
    ],
)
def test_each_usual_header_names_the_school(header: str) -> None:
    table = read_school_table(csv_1251(f"{header};ИНН\nМКОУ «СОШ №2»;0527000001\n"), "s.csv")
    assert [(r.name, r.inn) for r in table.rows] == [("МКОУ «СОШ №2»", "0527000001")]


def test_title_blank_and_merged_rows_above_the_header() -> None:
    data = xlsx(
        [
            ["Список ОО Сергокалинского района на 01.09.2024"],
            [],
            ["Утверждено приказом № 12"],
            ["№ п/п", "Наименование ОО", "ИНН"],
            [1, 2, 3],
            [1, "МКОУ «Дегвинская СОШ»", 527000001],
            ["", "Итого: 1"],
        ],
        merge="A1:C1",
    )
    table = read_school_table(data, "s.xlsx")
    assert table.header_line == 4
    assert [(r.line, r.name, r.inn) for r in table.rows] == [
        (6, "МКОУ «Дегвинская СОШ»", "0527000001")  # Excel kept the ИНН as a number
    ]
    assert table.extra_columns == ["№ п/п"]


def test_a_title_that_names_a_column_is_not_the_header() -> None:
    text = "Наименование ОО Сергокалинского района\nНаименование ОО;ИНН\nСОШ №1;0527000001\n"
    table = read_school_table(csv_1251(text), "s.csv")
    assert table.header_line == 2 and table.rows[0].name == "СОШ №1"


def test_header_is_looked_for_in_the_first_ten_rows_only() -> None:
    text = "\n".join(["Справка"] * 10 + ["ОО", "СОШ №1"]) + "\n"
    with pytest.raises(SchoolTableError, match="В первых 10 строках нет строки заголовков"):
        read_school_table(csv_1251(text), "s.csv")


def test_contacts_and_extra_columns() -> None:
    text = (
        "№;Наименование ОО;ФИО руководителя;Телефон (рабочий);E-mail;Адрес\n"
        "1;СОШ №1;Гаджиева Патимат Магомедовна;8 (928) 123-45-67;SOSH1@Mail.ru;с. Дегва\n"
    )
    table = read_school_table(csv_1251(text), "s.csv")
    (row,) = table.rows
    assert (row.head_name, row.phone, row.email) == (
        "Гаджиева Патимат Магомедовна",
        "+7 928 123-45-67",
        "sosh1@mail.ru",
    )
    assert table.extra_columns == ["№", "Адрес"]


@pytest.mark.parametrize(
    ("head", "phone", "email"),
    [
        ("Руководитель", "Телефон", "E-mail"),
        ("Директор", "Контактный телефон", "Электронная почта"),
    ],
)
def test_contact_header_variants(head: str, phone: str, email: str) -> None:
    text = f"ОО;{head};{phone};{email}\nСОШ №1;Иванов И. И.;89281234567;a@b.ru\n"
    (row,) = read_school_table(csv_1251(text), "s.csv").rows
    assert (row.head_name, row.phone, row.email) == ("Иванов И. И.", "+7 928 123-45-67", "a@b.ru")


def test_a_header_merged_over_two_rows() -> None:
    data = xlsx(
        [
            ["Наименование ОО", "Руководитель", None, None, "Примечание"],
            [None, "ФИО", "Телефон", "E-mail", None],
            ["СОШ №1", "Иванов И. И.", "89281234567", "a@b.ru", "новая"],
        ],
    )
    table = read_school_table(data, "s.xlsx")
    (row,) = table.rows
    assert (row.name, row.head_name, row.phone, row.email) == (
        "СОШ №1",
        "Иванов И. И.",
        "+7 928 123-45-67",
        "a@b.ru",
    )
    assert table.extra_columns == ["Примечание"]


@pytest.mark.parametrize("column", ["Район", "Муниципалитет", "Муниципальное образование"])
def test_a_region_file_carries_the_district_down_merged_cells(column: str) -> None:
    data = xlsx(
        [
            [column, "ОО"],
            ["Сергокалинский район", "СОШ №1"],
            [None, "СОШ №2"],
            ["Левашинский район", "СОШ №1"],  # the same name in another district is fine
        ],
        merge="A2:A3",
    )
    table = read_school_table(data, "s.xlsx")
    assert table.has_district
    assert [(r.district, r.name) for r in table.rows] == [
        ("Сергокалинский район", "СОШ №1"),
        ("Сергокалинский район", "СОШ №2"),
        ("Левашинский район", "СОШ №1"),
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "ОО;ИНН\nСОШ №1;12345\n",
            "Строка 2: ИНН должен состоять из 10 или 12 цифр (столбец B «ИНН»)",
        ),
        (
            "№;ОО;Телефон\n1;СОШ №1;нет\n",
            "Строка 2: «нет» не похоже на номер телефона (столбец C «Телефон»)",
        ),
        (
            "ОО;E-mail\nСОШ №1;почта\n",
            "Строка 2: «почта» не похоже на адрес электронной почты (столбец B «E-mail»)",
        ),
        ("ОО;ФИО руководителя\nСОШ №1;=cmd()\n", "Строка 2: текст похож на формулу таблицы"),
        (
            "Наименование ОО;ИНН\n;0527000001\n",
            "Строка 2: не указано название школы (столбец A «Наименование ОО»)",
        ),
        ("ОО\nСОШ № 2\nсош №2\n", "Строка 3: школа «сош №2» уже была в строке 2"),
        (
            "ОО;ИНН\nСОШ №1;0527000001\nСОШ №2;0527000001\n",
            "Строка 3: ИНН 0527000001 уже был в строке 2",
        ),
        ("Район;ОО\n;СОШ №1\n", "Строка 2: не указан район (столбец A «Район»)"),
    ],
)
def test_problems_name_the_row_and_the_column(content: str, expected: str) -> None:
    with pytest.raises(SchoolTableError) as caught:
        read_school_table(csv_1251(content), "s.csv")
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems


def test_every_problem_at_once() -> None:
    content = "ОО;ИНН;Телефон\nСОШ №1;1;нет\n;0527000001;\n"
    with pytest.raises(SchoolTableError) as caught:
        read_school_table(csv_1251(content), "s.csv")
    assert len(caught.value.problems) == 3


def test_a_cover_sheet_before_the_list() -> None:
    workbook = Workbook()
    workbook.active.append(["Пояснительная записка"])
    workbook.create_sheet("ОО").append(["ОО"])
    workbook["ОО"].append(["СОШ №1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [r.name for r in read_school_table(buffer.getvalue(), "s.xlsx").rows] == ["СОШ №1"]


def test_utf16_tab_separated_as_excel_saves_unicode_text() -> None:
    data = "Наименование ОО\tИНН\r\nСОШ №1\t0527000001\r\n".encode("utf-16")
    assert read_school_table(data, "s.txt").rows[0].inn == "0527000001"


def test_the_shipped_samples_are_what_the_fixture_builds() -> None:
    xlsx_table = read_school_table((EXAMPLES / "schools.xlsx").read_bytes(), "schools.xlsx")
    built = read_school_table(office_files.schools_xlsx(), "schools.xlsx")
    assert xlsx_table.rows == built.rows and len(built.rows) == 12
    assert xlsx_table.header_line == 3 and xlsx_table.extra_columns == ["№ п/п", "Адрес"]
    assert (EXAMPLES / "schools.csv").read_bytes() == office_files.schools_csv()
    csv_table = read_school_table(office_files.schools_csv(), "schools.csv")
    assert {r.district for r in csv_table.rows} == {"Сергокалинский район", "Левашинский район"}
    assert all(r.head_name and r.phone and r.email and r.inn for r in csv_table.rows)
