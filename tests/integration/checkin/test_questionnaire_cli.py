"""`svodka questionnaire load`: validation, versions, and running rounds keeping theirs."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.weeks import IsoWeek
from bot.services.rounds import round_for_week, round_questionnaire
from storage.db import open_database
from storage.models import District
from tests.utils import sergokala

V2 = (
    (Path(__file__).parents[3] / "bot" / "questionnaires" / "sferum.toml")
    .read_text(encoding="utf-8")
    .replace("version = 1", "version = 2")
    + """
[[questions]]
key = "parents_in_chats"
label = "Родителей в чатах"
type = "int"
required = false
"""
)
NOW = datetime(2024, 10, 21, 6, 0, tzinfo=UTC)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    (tmp_path / "s.xlsx").write_bytes(sergokala.xlsx())
    assert main(["import", "schools", "s.xlsx", "--district", sergokala.DISTRICT]) == 0
    return tmp_path


async def _versions(url: str, weeks: list[IsoWeek]) -> list[int]:
    db = open_database(url)
    try:
        async with db.sessions.begin() as session:
            district = (await session.execute(District.__table__.select())).first()
            district = await session.get(District, district.id)
            result = []
            for week in weeks:
                round_ = await round_for_week(session, district, week, NOW)
                result.append((await round_questionnaire(session, round_)).version)
            return result
    finally:
        await db.dispose()


def test_a_new_version_applies_to_new_rounds_only(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{workdir}/cli.db"
    assert asyncio.run(_versions(url, [IsoWeek(2024, 43)])) == [1]
    (workdir / "v2.toml").write_text(V2, encoding="utf-8")
    assert main(["questionnaire", "load", "v2.toml", "--district", sergokala.DISTRICT]) == 0
    assert "версии 2 (12 вопр.) загружена" in capsys.readouterr().out
    assert main(["questionnaire", "load", "v2.toml", "--district", sergokala.DISTRICT]) == 0
    assert "уже использует" in capsys.readouterr().out
    assert asyncio.run(_versions(url, [IsoWeek(2024, 43), IsoWeek(2024, 44)])) == [1, 2]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("id = 'x'\nversion = 1\n", "bad.toml: 'title' is required"),
        ("не toml", "bad.toml: invalid TOML"),
        (
            V2.replace('type = "int"\nrequired = false', 'type = "number"'),
            "bad.toml: question 'parents_in_chats': type",
        ),
    ],
)
def test_invalid_file_is_refused_in_one_line(
    workdir: Path, capsys: pytest.CaptureFixture[str], text: str, error: str
) -> None:
    (workdir / "bad.toml").write_text(text, encoding="utf-8")
    assert main(["questionnaire", "load", "bad.toml", "--district", sergokala.DISTRICT]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Ошибка: {error}")
    assert err.count("\n") == 1


def test_same_version_with_other_content_is_refused(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "v2.toml").write_text(V2, encoding="utf-8")
    assert main(["questionnaire", "load", "v2.toml", "--district", sergokala.DISTRICT]) == 0
    (workdir / "v2b.toml").write_text(V2.replace("Родителей в чатах", "Родители"), "utf-8")
    assert main(["questionnaire", "load", "v2b.toml", "--district", sergokala.DISTRICT]) == 1
    assert "увеличьте version" in capsys.readouterr().err
    assert main(["questionnaire", "load", "v2.toml", "--district", "Нет такого"]) == 1
    assert "Район «Нет такого» не найден" in capsys.readouterr().err
