"""A school head joins with an invite code through VK."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain import invite_codes
from bot.texts import onboarding as texts
from storage.db import Database
from storage.models import AuditEvent, SchoolStaff
from tests.integration.onboarding.conftest import ADMIN, labels, seed_district
from tests.utils.harness import running_bot

DEGVA = "МКОУ «Дегвинская СОШ»"
MURGUK = "МКОУ «Мургукская СОШ»"


async def test_deep_link_greets_by_name_and_asks_to_confirm(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    codes = await seed_district(db, clock)
    async with running_bot(db, clock, tmp_path, admin_ids=[ADMIN]) as bot:
        bot.user(501, "Патимат", "Магомедова")
        replies = await bot.say(501, "Начать", ref=codes[DEGVA])
        assert len(replies) == 1
        text = replies[0]["text"]
        assert text.startswith("Здравствуйте, Патимат!")
        assert DEGVA in text
        assert "по понедельникам в 09:00 по московскому времени" in text
        assert "до пятницы 16:00" in text
        assert labels(replies[0]) == [texts.BUTTON_YES, texts.BUTTON_NO]
        confirmed = await bot.say(501, texts.BUTTON_YES, payload={"c": "onb_yes"})
        assert [r["text"] for r in confirmed] == [texts.CONFIRMED]
    async with db.reads() as session:
        staff = (await session.scalars(select(SchoolStaff))).one()
        assert staff.confirmed and staff.role == "head"
        actions = set(await session.scalars(select(AuditEvent.action)))
    assert {"invite.redeem", "role.confirm"} <= actions
