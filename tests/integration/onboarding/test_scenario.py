"""From `svodka import schools` + `svodka invites` to a district with 12 heads, an official
and a bound chat — all through VK, with one used code and one person guessing codes."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.clock import FakeClock
from bot.texts import admin as admin_texts
from bot.texts import onboarding as texts
from storage.db import Database
from storage.models import AuditEvent, SchoolStaff
from tests.integration.onboarding.conftest import ADMIN
from tests.utils import sergokala
from tests.utils.harness import running_bot

OFFICIAL, INTRUDER, GUESSER = 700, 900, 666


async def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert await asyncio.to_thread(main, list(argv)) == 0
    return capsys.readouterr().out


async def test_a_district_is_onboarded_through_vk(
    sqlite_db: Database,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", str(sqlite_db.engine.url))
    monkeypatch.setenv("VK_GROUP_ID", "1")
    (tmp_path / "schools.csv").write_bytes(sergokala.cp1251_semicolon_csv())
    await cli(
        capsys, "import", "schools", str(tmp_path / "schools.csv"), "--district", sergokala.DISTRICT
    )
    out = await cli(capsys, "invites", "--district", sergokala.DISTRICT)
    invites = list(csv.DictReader(io.StringIO(out)))
    assert len(invites) == 12

    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        bot.user(ADMIN, "Админ")
        await bot.say(ADMIN, "/admin")
        for n, invite in enumerate(invites):
            vk_id = 1000 + n
            bot.user(vk_id, f"Руководитель{n}")
            if n % 2:  # half open the deep link, half type the code
                replies = await bot.say(vk_id, "Начать", ref=invite["link"].split("ref=")[1])
            else:
                replies = await bot.say(vk_id, invite["code"].lower())
            assert replies[0]["text"].startswith(f"Здравствуйте, Руководитель{n}!")
            assert invite["school"] in replies[0]["text"]
            confirmed = await bot.say(vk_id, texts.BUTTON_YES, payload={"c": "onb_yes"})
            assert confirmed[0]["text"] == texts.CONFIRMED

        used = await bot.say(INTRUDER, invites[0]["code"])
        assert used[0]["text"] == texts.USED_CODE
        assert str(INTRUDER) in bot.texts(ADMIN)[-1]

        for guess in range(5):
            last = await bot.say(GUESSER, f"ABCDE-{23456 + guess}")
        assert "подождите 15 минут" in last[0]["text"]

        appointed = await bot.say(ADMIN, f"/official add {OFFICIAL} Сергокалинский")
        assert "Назначен ответственным" in appointed[0]["text"]
        peer = bot.emulator.add_chat(1, "Руководители ОО Сергокалинского района", [OFFICIAL])
        bound = await bot.say(OFFICIAL, "/bind", peer_id=peer)
        assert bound[0]["text"] == admin_texts.BOUND_WITH_STATUS.format(district=sergokala.DISTRICT)

        unbound = await bot.say(ADMIN, "/unbound")
        assert unbound[0]["text"] == admin_texts.ALL_BOUND.format(district=sergokala.DISTRICT)

    async with sqlite_db.reads() as session:
        confirmed_heads = await session.scalar(
            select(func.count()).select_from(SchoolStaff).where(SchoolStaff.confirmed.is_(True))
        )
        actions = list(await session.scalars(select(AuditEvent.action)))
    assert confirmed_heads == 12
    assert actions.count("invite.redeem") == 12
    assert actions.count("invite.refused") == 1
    assert actions.count("official.add") == 1
    assert actions.count("chat.bind") == 1
