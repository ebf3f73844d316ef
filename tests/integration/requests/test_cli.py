"""`svodka request create` and `svodka district emails` from the terminal."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from storage.db import open_database
from storage.models import Campaign, District, Round
from tests.utils import sergokala

QUESTIONNAIRE = str(Path("bot/questionnaires/class_chats.toml").resolve())


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    (tmp_path / "s.xlsx").write_bytes(sergokala.xlsx())
    assert (
        main(["import", "schools", str(tmp_path / "s.xlsx"), "--district", sergokala.DISTRICT]) == 0
    )
    return tmp_path


async def _stored(path: Path) -> tuple[list[Campaign], list[Round], District]:
    db = open_database(f"sqlite+aiosqlite:///{path}/cli.db")
    try:
        async with db.reads() as session:
            campaigns = list(await session.scalars(select(Campaign)))
            rounds = list(await session.scalars(select(Round)))
            district = (await session.scalars(select(District))).one()
            return campaigns, rounds, district
    finally:
        await db.dispose()


def _create(*extra: str, deadline: str = "2099-11-02T18:00") -> int:
    return main(
        [
            "request", "create", "--district", sergokala.DISTRICT, "--questionnaire",
            QUESTIONNAIRE, "--deadline", deadline, "--title", "Чаты классов", *extra,
        ]
    )  # fmt: skip


def test_create_for_chosen_schools(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _create("--schools", "Дегвинская; мургукская") == 0
    assert "школ — 2" in capsys.readouterr().out
    campaigns, rounds, _ = asyncio.run(_stored(database))
    [campaign] = campaigns
    assert campaign.kind == "request" and len(campaign.audience or []) == 2
    assert [r.period for r in rounds] == ["once"]
    assert rounds[0].deadline_at.isoformat() == "2099-11-02T15:00:00+00:00"


def test_refusals_are_one_russian_line(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _create(deadline="2001-01-01T10:00") == 2
    assert "срок уже прошёл" in capsys.readouterr().err
    assert _create("--schools", "СОШ") == 2
    assert "подходит к нескольким школам" in capsys.readouterr().err
    assert _create("--schools", "Несуществующая") == 2
    assert "Не нашёл школу «Несуществующая»" in capsys.readouterr().err
    assert _create(deadline="завтра") == 2
    assert "Не понимаю срок" in capsys.readouterr().err


def test_district_emails(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    district = sergokala.DISTRICT
    assert main(["district", "emails", district, "a@b.ru, c@d.ru", "--subject", "Сферум"]) == 0
    assert "a@b.ru, c@d.ru" in capsys.readouterr().out
    assert asyncio.run(_stored(database))[2].emails == ["a@b.ru", "c@d.ru"]
    assert main(["district", "emails", district, "not-an-address"]) == 2
    assert "не похоже на адрес" in capsys.readouterr().err.casefold()
    assert main(["district", "emails", district, "-"]) == 0
    assert asyncio.run(_stored(database))[2].emails == []
