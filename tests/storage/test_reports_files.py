"""Exports and charts built from stored answers: files that open and hold the right values."""

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

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
    name, data = await export.export_district(
        db=db, district_id=district.id, now=NOW, weeks=4, fmt=fmt, actor_id=None
    )
    assert name == f"svodka-2024-W43.{fmt}"
    return data


async def test_xlsx_has_values_formats_and_summary(sqlite_db: Database) -> None:
    district = await _sergokala(sqlite_db)
    book = load_workbook(io.BytesIO(await _export(sqlite_db, district, "xlsx")))
    data, summary = book["Ответы"], book["Район по неделям"]
    header = [c.value for c in data[1]]
    assert header[:3] == ["Неделя", "Школа", "С опозданием"]
    assert "Обучающихся всего" in header and "Обучающихся, активных в Сферуме" in header
    assert data.freeze_panes == "C2"
    assert data.max_row == 1 + 2 * 12  # two weeks × every school, answered or not
    rows = {(r[0], r[1]): r for r in data.iter_rows(min_row=2, values_only=True)}
    degva = rows["2024-W43", "МКОУ «Дегвинская СОШ»"]
    students_col = header.index("Обучающихся всего")
    assert degva[students_col] == 152
    pct_col = len(header) - header[::-1].index("Обучающихся, активных в Сферуме") - 1
    assert abs(degva[pct_col] - 74 / 152) < 1e-9
    assert data.cell(row=2, column=pct_col + 1).number_format == "0.00%"
    assert degva[header.index("Используются ли иностранные мессенджеры")] == "Нет"
    assert rows["2024-W43", "МКОУ «Канасирагинская СОШ»"][2] is None  # did not answer
    assert data.column_dimensions["B"].width >= 40
    weeks = list(summary.iter_rows(min_row=2, values_only=True))
    assert [w[0] for w in weeks] == ["2024-W42", "2024-W43"]
    assert [w[1] for w in weeks] == [11, 11]
    active = sum(x.students_active for x in SCHOOLS[:11])
    total = sum(x.students_total for x in SCHOOLS[:11])
    assert abs(weeks[1][2 + 3] - active / total) < 1e-9
    async with sqlite_db.reads() as s:
        assert await s.scalar(select(AuditEvent.action).where(AuditEvent.action == "export"))


async def test_csv_is_for_russian_excel(sqlite_db: Database) -> None:
    district = await _sergokala(sqlite_db)
    data = await _export(sqlite_db, district, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    degva = next(r for r in rows if r[0] == "2024-W43" and r[1] == "МКОУ «Дегвинская СОШ»")
    assert degva[header.index("Обучающихся, активных в Сферуме, %")] == "48,68"
    assert degva[header.index("Обучающихся всего")] == "152"
    assert len(rows) == 1 + 24


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
