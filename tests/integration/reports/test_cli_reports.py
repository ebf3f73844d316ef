"""`svodka status` and `svodka export` from the terminal."""

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import main
from bot.domain.outbox import VkMessage
from bot.domain.weeks import IsoWeek
from bot.services.outbox.rows import new_row
from storage.db import open_database
from storage.migrate import upgrade
from storage.models import OutboxMessage, Round, School
from tests.fixtures.sergokala import SCHOOLS, student_answers
from tests.utils import report_factories as f

DISTRICT = "Сергокалинский район"
NOW = datetime(2024, 10, 24, 10, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "400")  # rich would squeeze the table into 80 columns
    asyncio.run(_seed(url))
    return tmp_path


async def _seed(url: str) -> None:
    db = open_database(url)
    try:
        await upgrade(db.engine)
        async with db.sessions.begin() as s:
            district, schools = await f.district_with_schools(
                s, name=DISTRICT, schools=[x.name for x in SCHOOLS], now=NOW
            )
            for index, (school, source) in enumerate(zip(schools[:11], SCHOOLS, strict=False)):
                values = {**f.FULL_ANSWERS, **student_answers(source)}
                weeks = [IsoWeek(2024, 43), IsoWeek(2024, 42)][: 2 if index < 5 else 1]
                for week in weeks:
                    await f.answer(
                        s, district=district, school=school, week=week, values=values, now=NOW
                    )
    finally:
        await db.dispose()


def test_status_prints_the_week(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--district", DISTRICT, "--week", "2024-W43"]) == 0
    out = capsys.readouterr().out
    assert "МКОУ «Дегвинская СОШ»" in out and "48,68 %" in out
    assert "Ответили 11 из 12 школ." in out
    # As /status: the change against last week, whom it is over, foreign messengers.
    assert "За неделю" in out and "= 0,00 п. п." in out
    assert "Изменение по 5 школам, ответившим обе недели." in out
    assert "Иностранными мессенджерами не пользуется ни одна из ответивших школ." in out
    assert main(["status"]) == 0
    assert DISTRICT in capsys.readouterr().out


def test_status_of_the_region_for_a_week_asked_for(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The region's table is printed whatever the date today: the week is given.
    assert main(["status", "--week", "2024-W42"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if DISTRICT in line)
    assert "2024-W42" in row and "5 / 12" in row


def test_status_names_the_schools_a_message_did_not_reach(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_refused_prompt(f"sqlite+aiosqlite:///{database}/cli.db", SCHOOLS[11].name))
    assert main(["status", "--district", DISTRICT, "--week", "2024-W43"]) == 0
    assert f"Не доставлено: 1 — {SCHOOLS[11].name}." in capsys.readouterr().out


async def _refused_prompt(url: str, school_name: str) -> None:
    """A prompt of the week's round to the school's head that VK refused for good."""
    db = open_database(url)
    try:
        async with db.sessions.begin() as s:
            school = await s.scalar(select(School).where(School.name == school_name))
            round_id = await s.scalar(select(Round.id).where(Round.period == "2024-W43"))
            row = new_row(
                kind="prompt",
                payload=VkMessage.of("Здравствуйте!"),
                natural_key="test:refused",
                round_id=round_id,
                school_id=school.id,
                peer_id=4242,
                not_before=NOW,
                not_after=None,
                now=NOW,
            )
            s.add(OutboxMessage(**{**row, "status": "failed", "error_code": 901}))
    finally:
        await db.dispose()


def test_status_refuses_bad_week_and_unknown_district(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["status", "--week", "2024-W99"])
    assert main(["status", "--district", "Нет такого"]) == 1
    assert "Район «Нет такого» не найден" in capsys.readouterr().err


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))


def test_export_writes_csv(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["export", "--district", DISTRICT, "--weeks", "4", "--format", "csv", "-o", "out.csv"]
    assert main(args) == 0
    header, *rows = _csv(database / "out.csv")
    degva = next(r for r in rows if r[2] == "МКОУ «Дегвинская СОШ»" and r[1] == "2024-W43")
    assert degva[header.index("Обучающихся, активных в Сферуме, %")] == "48,68"
    assert next(r for r in rows if r[2] == SCHOOLS[11].name)[3] == "не ответила"
    assert "за 2 недели: 14.10–27.10.2024 записана в out.csv" in capsys.readouterr().err


@pytest.mark.parametrize(
    "span",
    [
        ["--week", "2024-W42"],
        ["--from", "2024-10-14", "--to", "2024-10-20"],
        ["--from", "14.10.2024", "--to", "16.10.2024"],
        ["--to", "2024-10-20", "--weeks", "3"],
    ],
)
def test_export_takes_a_span(
    database: Path, capsys: pytest.CaptureFixture[str], span: list[str]
) -> None:
    args = ["export", "--district", DISTRICT, *span, "--format", "xlsx", "-o", "out.xlsx"]
    assert main(args) == 0
    assert "за 1 неделю: 14.10–20.10.2024 записана в out.xlsx" in capsys.readouterr().err
    book = load_workbook(database / "out.xlsx")
    sheet = book["Ответы"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in rows} == {"2024-W42"} and len(rows) == 12 + 1
    assert rows[-1][2:4] == ("Итого по району", "Ответили 5 из 12")
    assert sheet.freeze_panes == "D2" and sheet[1][0].font.bold


def test_export_from_a_date_to_today(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["export", "--district", DISTRICT, "--from", "01.10.2024", "--format", "csv"]
    assert main([*args, "-o", "out.csv"]) == 0
    assert "за 2 недели: 14.10–27.10.2024" in capsys.readouterr().err
    assert {r[1] for r in _csv(database / "out.csv")[1:]} == {"2024-W42", "2024-W43"}


def test_export_refuses_a_span_it_cannot_read(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["export", "--district", DISTRICT, "--format", "csv", "-o", "out.csv"]
    with pytest.raises(SystemExit):
        main([*base, "--from", "31.02.2024"])
    assert "Не понял дату «31.02.2024»" in capsys.readouterr().err
    assert main([*base, "--week", "2024-W42", "--from", "2024-10-14"]) == 2
    assert "либо --week, либо --from и --to" in capsys.readouterr().err
    assert main([*base, "--from", "2024-10-20", "--to", "2024-10-01"]) == 2
    assert "Начало срока позже его конца" in capsys.readouterr().err
    assert main([*base, "--week", "2024-W30"]) == 0
    assert "за этот срок не было" in capsys.readouterr().err
