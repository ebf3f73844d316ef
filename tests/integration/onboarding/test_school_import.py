"""Importing office lists into the database: the shipped samples, identity by ИНН and by the
name, region files, questions instead of guesses, and a dry run that changes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain.school_import import Action, Doubt, ImportReport, Unsure
from bot.domain.school_table import read_school_table
from bot.services.admin import school_import
from storage.db import Database
from storage.models import AuditEvent, District, School
from tests.fixtures.office_files import OTHER_DISTRICT, sergokala
from tests.utils.sergokala import DISTRICT

EXAMPLES = Path(__file__).parents[3] / "examples"


async def run(
    db: Database,
    clock: FakeClock,
    data: bytes,
    filename: str,
    district: str | None = DISTRICT,
    **kwargs,
) -> ImportReport:
    return await school_import.import_table(
        db=db,
        table=read_school_table(data, filename),
        district=district,
        tz="Europe/Moscow",
        now=clock.now(),
        **kwargs,
    )


async def schools(
    db: Database,
) -> list[tuple[str, str, str | None, str | None, str | None, str | None]]:
    async with db.reads() as session:
        rows = await session.execute(
            select(
                District.name, School.name, School.inn, School.head_name, School.phone, School.email
            )
            .join(District, District.id == School.district_id)
            .order_by(District.name, School.name)
        )
        return [tuple(row) for row in rows]


async def test_the_sample_xlsx_with_a_title_row(db: Database, clock: FakeClock) -> None:
    report = await run(db, clock, (EXAMPLES / "schools.xlsx").read_bytes(), "schools.xlsx")
    (result,) = report.districts
    assert (result.created, result.new_district) == (12, True)
    assert report.extra_columns == ("№ п/п", "Адрес")
    expected = sorted((DISTRICT, s.name, s.inn, s.head, s.phone, s.email) for s in sergokala())
    assert await schools(db) == expected


async def test_the_sample_csv_is_a_region_split_by_district(db: Database, clock: FakeClock) -> None:
    await run(db, clock, (EXAMPLES / "schools.xlsx").read_bytes(), "schools.xlsx")
    data = (EXAMPLES / "schools.csv").read_bytes()
    one = await run(db, clock, data, "schools.csv", district="Сергокалинский")
    assert [(r.district, r.unchanged, r.created) for r in one.districts] == [(DISTRICT, 12, 0)]
    both = await run(db, clock, data, "schools.csv", district=None)
    assert [(r.district, r.total, r.created) for r in both.districts] == [
        (DISTRICT, 12, 0),  # «СОШ № 2» in this file is «СОШ №2» of the first
        (OTHER_DISTRICT, 3, 3),
    ]
    found = await schools(db)
    assert len(found) == 15 and {row[0] for row in found} == {DISTRICT, OTHER_DISTRICT}


async def test_reimport_with_a_spaced_number_sign_never_duplicates(
    db: Database, clock: FakeClock
) -> None:
    await run(db, clock, "ОО\nМКОУ «Сергокалинская СОШ №2»\n".encode(), "s.csv")
    report = await run(
        db, clock, "ОО;Телефон\nмкоу «сергокалинская СОШ № 2»;89281234567\n".encode(), "s.csv"
    )
    assert report.districts[0].updated == 1
    assert await schools(db) == [
        (DISTRICT, "МКОУ «Сергокалинская СОШ №2»", None, None, "+7 928 123-45-67", None)
    ]


async def test_inn_identifies_a_school_whose_name_changed(db: Database, clock: FakeClock) -> None:
    await run(db, clock, "ОО;ИНН\nМКОУ «Дегвинская СОШ»;0527000001\n".encode(), "s.csv")
    renamed = "ИНН;Наименование ОО\n0527000001;МБОУ «Дегвинская гимназия»\n"
    report = await run(db, clock, renamed.encode(), "s.csv")
    (decision,) = report.districts[0].decisions
    assert decision.changes == {"name": "МБОУ «Дегвинская гимназия»"}
    assert [row[1] for row in await schools(db)] == ["МБОУ «Дегвинская гимназия»"]


async def test_a_near_match_is_asked_then_answered(db: Database, clock: FakeClock) -> None:
    await run(db, clock, "ОО\nМКОУ «Дегвинская СОШ»\n".encode(), "s.csv")
    near = "ОО\nДегвинская средняя общеобразовательная школа\n".encode()
    asked = await run(db, clock, near, "s.csv")
    (decision,) = asked.districts[0].decisions
    assert (decision.action, decision.doubt) == (Action.UNSURE, Doubt.ALIKE)
    assert [row[1] for row in await schools(db)] == ["МКОУ «Дегвинская СОШ»"]
    await run(db, clock, near, "s.csv", unsure=Unsure.SAME)
    assert [row[1] for row in await schools(db)] == ["Дегвинская средняя общеобразовательная школа"]


async def test_a_dry_run_changes_nothing_and_tells_the_same(db: Database, clock: FakeClock) -> None:
    first = "ОО\nМКОУ «Дегвинская СОШ»\nМКОУ «Мургукская СОШ»\nМКОУ «Бурдекинская СОШ»\n"
    await run(db, clock, first.encode(), "s.csv")
    before = await schools(db)
    async with db.reads() as session:
        audits = len(list(await session.scalars(select(AuditEvent))))
    data = (
        "ОО;ФИО руководителя\nМКОУ «Дегвинская СОШ»;Иванов И. И.\nМКОУ «Мургукская СОШ»;\n"
        "Бурдекинская СОШ;\nМКОУ «Кадиркентская СОШ»;\n"
    )
    dry = await run(db, clock, data.encode(), "s.csv", dry_run=True)
    assert await schools(db) == before
    async with db.reads() as session:
        assert len(list(await session.scalars(select(AuditEvent)))) == audits
    real = await run(db, clock, data.encode(), "s.csv")
    assert dry.districts == real.districts
    result = real.districts[0]
    assert (result.created, result.updated, result.unchanged, result.unsure) == (1, 1, 1, 1)
    assert len(await schools(db)) == 4


async def test_a_dry_run_of_a_new_district_creates_nothing(db: Database, clock: FakeClock) -> None:
    report = await run(
        db, clock, "ОО\nСОШ №1\n".encode(), "s.csv", district="Новый район", dry_run=True
    )
    assert report.districts[0].new_district and report.districts[0].created == 1
    async with db.reads() as session:
        assert list(await session.scalars(select(District))) == []


async def test_schools_the_file_does_not_list_are_named_not_removed(
    db: Database, clock: FakeClock
) -> None:
    await run(db, clock, "ОО\nСОШ №1\nСОШ №2\n".encode(), "s.csv")
    report = await run(db, clock, "ОО\nСОШ №1\n".encode(), "s.csv")
    assert report.districts[0].not_in_file == ("СОШ №2",)
    assert len(await schools(db)) == 2
