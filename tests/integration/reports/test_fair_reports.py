"""The trial of three weeks in a sandbox of five schools, through VK: the week's change
follows the schools that answered both weeks, and a school that still uses a foreign
messenger is named first in /status, the Friday summary and the Monday escalation."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.domain.weeks import IsoWeek
from bot.scheduler import Scheduler
from storage.db import Database
from tests.integration.delivery.helpers import FRIDAY_1701, NEXT_MONDAY_0901, once
from tests.utils import report_factories as f
from tests.utils.harness import running_bot

OFFICIAL, HEAD, ADMIN = 500, 100, 1
CHAT_PEER = 2_000_000_001
W42, W43 = IsoWeek(2024, 42), IsoWeek(2024, 43)
NAMES = ["А СОШ", "Б СОШ", "В СОШ", "Г СОШ", "Д СОШ"]
# А (the head answers through the bot below) is big and idle; Б big and active, and only
# answered week 42; В, Г and Д go from 20 to 24 active teachers of 40.
LAST_WEEK = {"Б СОШ": 90, "В СОШ": 20, "Г СОШ": 20, "Д СОШ": 20}
THIS_WEEK = {"В СОШ": 24, "Г СОШ": 24, "Д СОШ": 24}
WHATSAPP = "WhatsApp — родительские чаты 2 классов"
FORM = f"""Педагогов всего: 100
Педагогов в Сферуме: 100
Педагогов, создавших ≥1 групповой чат: 20
Педагогов, написавших ≥3 сообщений за неделю: 10
Обучающихся всего: 300
Обучающихся, активных в Сферуме: 150
Классов всего: 11
Классов с чатом в Сферуме: 10
Используются ли иностранные мессенджеры: да
Какие иностранные мессенджеры: {WHATSAPP}
Комментарий: нет"""
# Naively 150 of 220 active (68,18 %) against 82 of 220 (37,27 %): down 30,91. Over the
# three schools of both weeks 60 of 120 against 72 of 120: up 10.
TEACHERS = "• Педагогов, активных за неделю — 37,27 % (▲ 10,00 п. п. за неделю)"
MATCHED = "Изменение по 3 школам, ответившим обе недели."
FOREIGN = ["⚠ Иностранные мессенджеры — 1 школа:", f"• А СОШ: {WHATSAPP}"]


def _answers(registered: int, active: int) -> dict[str, object]:
    return {
        **f.FULL_ANSWERS,
        "staff_total": registered,
        "staff_registered": registered,
        "teachers_with_chat": 20,
        "teachers_active": active,
    }


async def _seed(db: Database, clock: FakeClock) -> None:
    now = clock.now()
    async with db.sessions.begin() as s:
        district, schools = await f.district_with_schools(
            s, name="Песочница", schools=NAMES, now=now
        )
        await f.official(s, district=district, vk_id=OFFICIAL, now=now)
        await f.chat(s, district=district, peer_id=CHAT_PEER, now=now)
        for i, school in enumerate(schools):
            await f.head(s, school=school, vk_id=HEAD + i, now=now, first="Рук", last=f"Школы{i}")
            for week, actives in ((W42, LAST_WEEK), (W43, THIS_WEEK)):
                if school.name in actives:
                    registered = 100 if school.name == "Б СОШ" else 40
                    values = _answers(registered, actives[school.name])
                    await f.answer(
                        s, district=district, school=school, week=week, values=values, now=now
                    )


def _before_indicators(text: str, block: list[str]) -> None:
    lines = text.split("\n")
    start = lines.index(block[0])
    assert lines[start : start + len(block)] == block
    assert start < lines.index("Показатели района:")


async def test_the_change_and_foreign_messengers_reach_status_summary_and_escalation(
    db: Database, clock: FakeClock
) -> None:
    await _seed(db, clock)
    async with running_bot(db, clock) as bot:
        assert bot.app is not None
        bot.user(OFFICIAL)
        bot.user(HEAD)
        bot.emulator.add_chat(CHAT_PEER - 2_000_000_000, "Руководители", [OFFICIAL, HEAD])
        await bot.say(HEAD, FORM)
        await bot.press(HEAD, {"c": "send"})

        [status] = await bot.say(OFFICIAL, "/status")
        assert "Ответили 4 из 5 школ." in status["text"]
        _before_indicators(status["text"], FOREIGN)
        assert TEACHERS in status["text"].split("\n")
        assert MATCHED in status["text"].split("\n")

        [rating] = await bot.say(OFFICIAL, "/rating педагогов, активных")
        assert "4. А СОШ — 10,00 % ⚠" in rating["text"]

        scheduler = Scheduler(bot.app.context)
        await scheduler.run_due(FRIDAY_1701)
        await scheduler.run_due(FRIDAY_1701 + timedelta(hours=6))
        summary = once(bot, CHAT_PEER, "Итоги за 21.10–27.10.2024 — Песочница")
        _before_indicators(summary, FOREIGN)
        assert TEACHERS in summary.split("\n")
        assert MATCHED in summary.split("\n")

        mark = bot.last_sent_id()
        await scheduler.run_due(NEXT_MONDAY_0901)
        await scheduler.run_due(NEXT_MONDAY_0901 + timedelta(hours=6))
        escalation = once(bot, OFFICIAL, "На прошлой неделе (21.10–27.10.2024)", mark)
        assert escalation.split("\n")[:2] == [
            "⚠ Иностранные мессенджеры на прошлой неделе (21.10–27.10.2024), "
            "район «Песочница» — 1 школа:",
            f"• А СОШ: {WHATSAPP}",
        ]
        assert "• Б СОШ — Рук Школы1" in escalation


async def test_the_region_roll_up_follows_the_same_rules(db: Database, clock: FakeClock) -> None:
    await _seed(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        bot.user(HEAD)
        bot.user(ADMIN)
        await bot.say(HEAD, FORM)
        await bot.press(HEAD, {"c": "send"})
        [region] = await bot.say(ADMIN, "/status регион")
    lines = region["text"].split("\n")
    start = lines.index("⚠ Иностранные мессенджеры — 1 школа:")
    assert lines[start + 1] == f"• А СОШ (Песочница): {WHATSAPP}"
    assert start < lines.index("Песочница (21.10–27.10.2024): ответили 4 из 5")
    assert f"  {TEACHERS.removeprefix('•')}" in lines
    assert f"   {MATCHED}" in lines
