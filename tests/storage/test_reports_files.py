"""Exports and charts built from stored answers: files that open and hold the right values."""

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from PIL import Image
from sqlalchemy import select

from bot.domain.formatting import format_decimal
from bot.domain.week_query import WeekRange
from bot.domain.weeks import IsoWeek
from bot.services.reports import charts, export
from bot.services.reports import data as reports
from storage.db import Database
from storage.models import AuditEvent
from tests.fixtures.sergokala import SCHOOLS, student_answers
from tests.utils import report_factories as f

NOW = datetime(2024, 10, 24, 10, 0, tzinfo=UTC)


async def _sergokala(db: Database):
    async with db.sessions.begin() as s:
        district, schools = await f.district_with_schools(
            s, name="Сергокалинский район", schools=[x.name for x in SCHOOLS], now=NOW
        )
        for school, source in zip(schools[:11], SCHOOLS, strict=False):
            values = {**f.FULL_ANSWERS, **student_answers(source)}
            await f.answer(
                s, district=district, school=school, week=IsoWeek(2024, 43), values=values, now=NOW
            )
            await f.answer(
                s,
                district=district,
                school=school,
                week=IsoWeek(2024, 42),
                values=f.FULL_ANSWERS,
                now=NOW,
            )
    return district


async def _export(db: Database, district, fmt: str) -> bytes:
    exported = await export.export_district(
        db=db, district_id=district.id, now=NOW, weeks=4, fmt=fmt, actor_id=None
    )
    assert exported.name == f"Сергокалинский_район_14.10-27.10.2024.{fmt}"
    assert (exported.weeks, exported.span.label()) == (2, "14.10–27.10.2024")
    return exported.data


def _rows(sheet) -> dict[tuple[str, str], tuple]:
    return {(r[1], r[2]): r for r in sheet.iter_rows(min_row=2, values_only=True)}


async def test_xlsx_is_a_workbook_an_office_sends_on(sqlite_db: Database) -> None:
    district = await _sergokala(sqlite_db)
    book = load_workbook(io.BytesIO(await _export(sqlite_db, district, "xlsx")))
    assert book.sheetnames == ["Ответы", "Рейтинг"]
    data = book["Ответы"]
    header = [c.value for c in data[1]]
    assert header[:4] == ["Неделя", "ISO-неделя", "Школа", "Ответ"]
    students, active = (
        header.index("Обучающихся всего"),
        header.index("Обучающихся, активных в Сферуме"),
    )
    share = header.index("Обучающихся, активных в Сферуме, %")
    assert all(c.font.bold for c in data[1])
    assert data.freeze_panes == "D2"
    assert data.max_row == 1 + 2 * (12 + 1)  # two weeks × every school, and the total
    assert data.auto_filter.ref == f"A1:{get_column_letter(len(header))}{data.max_row}"
    assert data.column_dimensions["C"].width >= 40
    assert 10 <= data.column_dimensions[get_column_letter(share + 1)].width <= 45

    rows = _rows(data)
    degva = rows["2024-W43", "МКОУ «Дегвинская СОШ»"]
    assert degva[:4] == ("21.10–27.10.2024", "2024-W43", "МКОУ «Дегвинская СОШ»", "ответила")
    assert (degva[students], degva[active]) == (152, 74)
    assert degva[share] == pytest.approx(74 / 152)
    assert degva[header.index("Используются ли иностранные мессенджеры")] == "Нет"
    row_of = {r[2].value: r for r in data.iter_rows(min_row=2) if r[1].value == "2024-W43"}
    cells = row_of["МКОУ «Дегвинская СОШ»"]
    assert cells[students].number_format == "0" and cells[students].data_type == "n"
    assert cells[share].number_format == "0.00%" and cells[share].data_type == "n"

    silent = rows["2024-W43", "МКОУ «Канасирагинская СОШ»"]
    assert silent[3] == "не ответила" and silent[students] is None

    # The district's week as /status computes it: weighted, over the schools that answered.
    total = rows["2024-W43", "Итого по району"]
    assert total[3] == "Ответили 11 из 12"
    assert total[students] == sum(x.students_total for x in SCHOOLS[:11])
    async with sqlite_db.reads() as s:
        week = await reports.district_week(session=s, district=district, now=NOW)
    status_share = next(v.ratio for v in week.indicators if v.key == "students_active_pct")
    assert total[share] == status_share
    assert row_of["Итого по району"][share].font.bold
    assert [r[2] for r in data.iter_rows(min_row=2, values_only=True)][12::13] == [
        "Итого по району",
        "Итого по району",
    ]
    async with sqlite_db.reads() as s:
        assert await s.scalar(select(AuditEvent.action).where(AuditEvent.action == "export"))


async def test_ranking_is_the_resolutions_table(sqlite_db: Database) -> None:
    district = await _sergokala(sqlite_db)
    book = load_workbook(io.BytesIO(await _export(sqlite_db, district, "xlsx")))
    ranking = book["Рейтинг"]
    assert [c.value for c in ranking[1]] == [
        "Неделя",
        "Школа",
        "Обучающихся всего",
        "Обучающихся, активных в Сферуме",
        "Обучающихся, активных в Сферуме, %",
        "Место",
    ]
    assert ranking.freeze_panes == "C2" and ranking.auto_filter.ref == "A1:F13"
    rows = list(ranking.iter_rows(min_row=2, values_only=True))
    # The last week's schools by share, as the resolution lists them; the silent one last.
    assert [r[1] for r in rows] == [x.name for x in SCHOOLS]
    assert rows[0] == ("21.10–27.10.2024", "МКОУ «Дегвинская СОШ»", 152, 74, 74 / 152, 1)
    assert [r[5] for r in rows] == [*range(1, 12), None]
    assert rows[-1][2:] == (None, None, "не ответила", None)
    assert ranking.cell(row=2, column=5).number_format == "0.00%"


async def test_equal_shares_share_a_place(sqlite_db: Database) -> None:
    async with sqlite_db.sessions.begin() as s:
        district, schools = await f.district_with_schools(
            s, name="Сергокалинский район", schools=[x.name for x in SCHOOLS], now=NOW
        )
        for school, source in zip(schools, SCHOOLS, strict=True):
            values = {**f.FULL_ANSWERS, **student_answers(source)}
            await f.answer(
                s, district=district, school=school, week=IsoWeek(2024, 43), values=values, now=NOW
            )
    exported = await export.export_district(
        db=sqlite_db, district_id=district.id, now=NOW, weeks=4, fmt="xlsx", actor_id=None
    )
    ranking = load_workbook(io.BytesIO(exported.data))["Рейтинг"]
    places = [r[5] for r in ranking.iter_rows(min_row=2, values_only=True)]
    assert places == [*range(1, 11), 11, 11]  # Бурдекинская and Канасирагинская: 18,49 %


async def test_csv_is_for_russian_excel(sqlite_db: Database) -> None:
    district = await _sergokala(sqlite_db)
    data = await _export(sqlite_db, district, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:4] == ["Неделя", "ISO-неделя", "Школа", "Ответ"]
    by_key = {(r[1], r[2]): r for r in rows[1:]}
    degva = by_key["2024-W43", "МКОУ «Дегвинская СОШ»"]
    assert degva[0] == "21.10–27.10.2024" and degva[3] == "ответила"
    assert degva[header.index("Обучающихся, активных в Сферуме, %")] == "48,68"
    assert degva[header.index("Обучающихся всего")] == "152"
    silent = by_key["2024-W43", "МКОУ «Канасирагинская СОШ»"]
    assert silent[3] == "не ответила" and silent[header.index("Обучающихся всего")] == ""
    total = by_key["2024-W43", "Итого по району"]
    assert total[3] == "Ответили 11 из 12"
    active = sum(x.students_active for x in SCHOOLS[:11])
    students = sum(x.students_total for x in SCHOOLS[:11])
    assert total[header.index("Обучающихся всего")] == str(students)
    assert total[header.index("Обучающихся, активных в Сферуме, %")] == format_decimal(
        active / students * 100
    )
    assert len(rows) == 1 + 2 * 13


async def test_a_span_exports_the_weeks_within_it(sqlite_db: Database) -> None:
    district = await _sergokala(sqlite_db)
    exported = await export.export_district(
        db=sqlite_db,
        district_id=district.id,
        now=NOW,
        weeks=12,
        fmt="csv",
        actor_id=None,
        span=WeekRange(IsoWeek(2024, 43), IsoWeek(2024, 50)),
    )
    assert (exported.weeks, exported.span) == (1, WeekRange(IsoWeek(2024, 43), IsoWeek(2024, 43)))
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig")), delimiter=";"))
    assert {r[1] for r in rows[1:]} == {"2024-W43"}
    nothing = await export.export_district(
        db=sqlite_db,
        district_id=district.id,
        now=NOW,
        weeks=12,
        fmt="xlsx",
        actor_id=None,
        span=WeekRange(IsoWeek(2024, 30), IsoWeek(2024, 40)),
    )
    assert (nothing.weeks, nothing.span, nothing.name) == (0, None, "Сергокалинский_район.xlsx")


async def test_bar_chart_keeps_the_silent_schools(sqlite_db: Database) -> None:
    district = await _sergokala(sqlite_db)
    async with sqlite_db.reads() as s:
        week = await reports.district_week(session=s, district=district, now=NOW)
    bars = charts.school_bars(week, "students_active_pct")
    assert len(bars) == 12
    assert bars[0][:3] == ("Дегвинская СОШ", 74 / 152, "48,68 %")
    assert bars[-1][:3] == ("Канасирагинская СОШ", 0.0, "нет ответа")


async def test_charts_are_phone_sized_pngs(sqlite_db: Database) -> None:
    district = await _sergokala(sqlite_db)
    async with sqlite_db.reads() as s:
        images = await charts.district_charts(
            session=s, district=district, now=NOW, weeks=8, key="students_active_pct"
        )
    assert images is not None and [name for name, _ in images] == ["trend.png", "schools.png"]
    for _, data in images:
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG"
        assert 800 <= image.width <= 2000 and 300 <= image.height <= 2500
        assert len(data) < 1_000_000


async def test_no_chart_without_answers(sqlite_db: Database) -> None:
    async with sqlite_db.sessions.begin() as s:
        district, _ = await f.district_with_schools(s, name="Пусто", schools=["А"], now=NOW)
    async with sqlite_db.reads() as s:
        assert (
            await charts.district_charts(
                session=s, district=district, now=NOW, weeks=8, key="students_active_pct"
            )
            is None
        )
        week = await reports.district_week(session=s, district=district, now=NOW)
    assert len(week.missing) == 1
