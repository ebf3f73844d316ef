"""Officials and heads ask for reports through VK (the emulator) and get them."""

import io
from datetime import timedelta

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain.weeks import IsoWeek
from bot.texts import onboarding as onboarding_texts
from storage.db import Database
from storage.models import OutboxMessage
from tests.fixtures.sergokala import SCHOOLS, student_answers
from tests.utils import report_factories as f
from tests.utils.harness import running_bot

OFFICIAL, OTHER_OFFICIAL, ADMIN, STRANGER, HEAD = 500, 501, 1, 777, 100
CHAT_PEER = 2_000_000_001
W43 = IsoWeek(2024, 43)


async def _seed(db: Database, clock: FakeClock) -> None:
    now = clock.now()
    async with db.sessions.begin() as s:
        district, schools = await f.district_with_schools(
            s, name="Сергокалинский район", schools=[x.name for x in SCHOOLS], now=now
        )
        other, _ = await f.district_with_schools(
            s, name="Хасавюртовский район", schools=["Х СОШ"], now=now
        )
        await f.official(s, district=district, vk_id=OFFICIAL, now=now)
        await f.official(s, district=other, vk_id=OTHER_OFFICIAL, now=now)
        await f.chat(s, district=district, peer_id=CHAT_PEER, now=now)
        for i, (school, source) in enumerate(zip(schools, SCHOOLS, strict=True)):
            await f.head(s, school=school, vk_id=HEAD + i, now=now, first="Рук", last=f"Школы{i}")
            if i < 10:
                values = {**f.FULL_ANSWERS, **student_answers(source)}
                await f.answer(
                    s, district=district, school=school, week=W43, values=values, now=now
                )


async def test_official_sees_status_and_missing(db: Database, clock: FakeClock) -> None:
    await _seed(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL)
        [status] = await bot.say(OFFICIAL, "/status")
        assert "Ответили 10 из 12 школ." in status["text"]
        # Σ active / Σ students of the 10 answering schools: 960 / 2434.
        assert "Обучающихся, активных в Сферуме — 39,44 %" in status["text"]
        assert "• МКОУ «Бурдекинская СОШ» — Рук Школы10" in status["text"]
        [missing] = await bot.say(OFFICIAL, "/missing")
        assert "Не ответили (2 школы):" in missing["text"]
        assert "Показатели" not in missing["text"]


async def test_status_in_the_district_chat_and_for_one_school(db, clock) -> None:
    await _seed(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(HEAD)
        bot.emulator.add_chat(1, "Руководители", [HEAD, OFFICIAL])
        [status] = await bot.say(HEAD, "[club1|@svodka] /status", peer_id=CHAT_PEER)
        assert "Ответили 10 из 12 школ." in status["text"]
        [school] = await bot.say(HEAD, "/status дегва", peer_id=CHAT_PEER)
        assert school["text"].startswith("МКОУ «Дегвинская СОШ»")
        assert "• Обучающихся всего: 152" in school["text"]
        [rating] = await bot.say(HEAD, "/rating", peer_id=CHAT_PEER)
        assert "1. МКОУ «Дегвинская СОШ» — 48,68 %" in rating["text"]


async def test_refusals_carry_no_data(db, clock) -> None:
    await _seed(db, clock)
    async with running_bot(db, clock) as bot:
        for vk_id in (STRANGER, OTHER_OFFICIAL):
            bot.user(vk_id)
        [stranger] = await bot.say(STRANGER, "/status")
        assert stranger["text"] == onboarding_texts.REFUSED_OFFICE
        [other] = await bot.say(OTHER_OFFICIAL, "/status Сергокалинский район")
        assert other["text"] == "У вас нет доступа к этому району."
        [export] = await bot.say(OTHER_OFFICIAL, "/export Сергокалинский район")
        assert export["text"] == "У вас нет доступа к этому району."
        assert export["attachments"] == []
        bot.emulator.add_chat(1, "Руководители", [HEAD, OFFICIAL])
        [remind] = await bot.say(HEAD, "/remind", peer_id=CHAT_PEER)
        assert remind["text"] == onboarding_texts.REFUSED_OFFICE
        bot.emulator.add_chat(2, "Не привязанная беседа", [STRANGER, OFFICIAL])
        [stranger_there] = await bot.say(STRANGER, "/status", peer_id=2_000_000_002)
        assert "не привязана" in stranger_there["text"]
        [unbound] = await bot.say(OFFICIAL, "/status", peer_id=2_000_000_002)
        assert "не привязана" in unbound["text"]


async def test_admin_sees_region_and_picks_a_district(db, clock) -> None:
    await _seed(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        bot.user(ADMIN)
        [choose] = await bot.say(ADMIN, "/status")
        assert "Укажите район" in choose["text"]
        [region] = await bot.say(ADMIN, "/status регион")
        assert "Регион · 2 района" in region["text"]
        assert "Сергокалинский район (21.10–27.10.2024): ответили 10 из 12" in region["text"]
        [last_week] = await bot.say(ADMIN, "/status регион прошлая неделя")
        assert "Сергокалинский район (14.10–20.10.2024): ответили 0 из 12" in last_week["text"]
        assert "Хасавюртовский район (14.10–20.10.2024): ответили 0 из 1" in last_week["text"]
        [one] = await bot.say(ADMIN, "/status Хасавюртовский район 2024-W42")
        assert "Хасавюртовский район · неделя 14.10–20.10.2024" in one["text"]
        [bad] = await bot.say(ADMIN, "/status 2024-W99")
        assert bad["text"] == (
            "Недели «2024-W99» нет в календаре. Неделю можно указать так: прошлая неделя, "
            "18.11, 18.11.2024, неделя 47 или 2024-W47."
        )


async def test_head_sees_own_history(db, clock) -> None:
    await _seed(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(HEAD)
        [my] = await bot.say(HEAD, "/my")
        assert my["text"].startswith("МКОУ «Дегвинская СОШ» (Сергокалинский район)")
        assert "• Обучающихся, активных в Сферуме: 48,68" in my["text"]
        # District reports are for officials; the guard answers a head's /status.
        [status] = await bot.say(HEAD, "/status")
        assert status["text"] == onboarding_texts.REFUSED_OFFICE
        bot.user(STRANGER)
        [nope] = await bot.say(STRANGER, "/my")
        assert nope["text"] == onboarding_texts.REFUSED_STAFF


async def test_remind_is_rate_limited_per_district(db, clock) -> None:
    await _seed(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL)
        [first] = await bot.say(OFFICIAL, "/remind")
        assert first["text"] == "Напоминание отправлено 2 школам."
        clock.advance(timedelta(minutes=30))
        [second] = await bot.say(OFFICIAL, "/remind")
        assert second["text"].startswith(
            "Напоминание уже отправляли недавно. Следующее можно после"
        )
        assert "в 10:00" in second["text"]
    async with db.reads() as s:
        query = select(OutboxMessage.kind, OutboxMessage.peer_id).order_by(OutboxMessage.peer_id)
        rows = [tuple(row) for row in await s.execute(query)]
    # The two heads, and the report on them to the official, all from the first /remind.
    assert rows == [
        ("reminder_manual", HEAD + 10),
        ("reminder_manual", HEAD + 11),
        ("remind_report", OFFICIAL),
    ]


async def test_export_and_chart_are_uploaded(db, clock) -> None:
    await _seed(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL)
        [doc] = await bot.say(OFFICIAL, "/export")
        [attachment] = doc["attachments"]
        book = load_workbook(io.BytesIO(bot.emulator.file_bytes(attachment)))
        assert book.sheetnames == ["Ответы", "Рейтинг"]
        [csv_doc] = await bot.say(OFFICIAL, "/export csv 26")
        assert csv_doc["text"] == (
            "Сергокалинский район: выгрузка CSV за 1 неделю: 21.10–27.10.2024."
        )
        assert bot.emulator.file_bytes(csv_doc["attachments"][0]).startswith(b"\xef\xbb\xbf")
        [chart] = await bot.say(OFFICIAL, "/chart")
        assert len(chart["attachments"]) == 2
        for photo in chart["attachments"]:
            assert Image.open(io.BytesIO(bot.emulator.file_bytes(photo))).format == "PNG"


async def test_hostile_input_gets_a_polite_answer(db, clock) -> None:
    await _seed(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL)
        for text in (
            "/status " + "я" * 10_000,
            "/status 🙂🙂",
            "/rating nonsense",
            "/export pdf xlsx csv",
        ):
            replies = await bot.say(OFFICIAL, text)
            assert replies and all(len(r["text"]) <= 4096 for r in replies)
            assert "что-то пошло не так" not in replies[0]["text"]
