"""`svodka status` and `svodka export` from the terminal."""

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
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
            for school, source in zip(schools[:11], SCHOOLS, strict=False):
                values = {**f.FULL_ANSWERS, **student_answers(source)}
                await f.answer(
                    s,
                    district=district,
                    school=school,
                    week=IsoWeek(2024, 43),
                    values=values,
                    now=NOW,
                )
    finally:
        await db.dispose()


def test_status_prints_the_week(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--district", DISTRICT, "--week", "2024-W43"]) == 0
    out = capsys.readouterr().out
    assert "МКОУ «Дегвинская СОШ»" in out and "48,68 %" in out
    assert "Ответили 11 из 12 школ." in out
    assert main(["status"]) == 0
    assert DISTRICT in capsys.readouterr().out


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


def test_export_writes_csv(database: Path) -> None:
    args = ["export", "--district", DISTRICT, "--weeks", "4", "--format", "csv", "-o", "out.csv"]
    assert main(args) == 0
    rows = list(
        csv.reader(io.StringIO((database / "out.csv").read_text("utf-8-sig")), delimiter=";")
    )
    degva = next(r for r in rows if r[1] == "МКОУ «Дегвинская СОШ»")
    assert degva[rows[0].index("Обучающихся, активных в Сферуме, %")] == "48,68"
