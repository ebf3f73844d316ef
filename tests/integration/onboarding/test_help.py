"""/help lists what the asker may do; strangers learn how to join; bad input is answered."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.services.admin import officials as roles
from bot.texts import common
from bot.texts import help as help_texts
from bot.texts import onboarding as texts
from storage.db import Database
from tests.integration.onboarding.conftest import ADMIN, labels, seed_district
from tests.utils.harness import running_bot
from tests.utils.sergokala import DISTRICT

DEGVA = "МКОУ «Дегвинская СОШ»"
OFFICIAL, HEAD, STRANGER = 700, 501, 999


def commands_in(text: str) -> set[str]:
    return {line.split(" ")[0].removeprefix("/") for line in text.splitlines()[1:]}


async def seed_with_official(db: Database, clock: FakeClock) -> dict[str, str]:
    """The district with its invites (returned) and OFFICIAL appointed."""
    codes = await seed_district(db, clock)
    async with db.sessions.begin() as session:
        await roles.add_official(
            session=session, vk_id=OFFICIAL, district_name=DISTRICT, now=clock.now()
        )
    return codes


async def test_help_lists_exactly_what_each_person_may_use(
    sqlite_db: Database, clock: FakeClock
) -> None:
    codes = await seed_with_official(sqlite_db, clock)
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        await bot.say(HEAD, codes[DEGVA])
        head = (await bot.say(HEAD, "/help"))[0]["text"]
        official = (await bot.say(OFFICIAL, "помощь"))[0]["text"]
        admin = (await bot.say(ADMIN, "Начать"))[0]["text"]
        stranger = await bot.say(STRANGER, "/start")
    assert head.startswith(help_texts.HEADER)
    assert commands_in(head) == {"help", "report", "my", "web"}
    assert commands_in(official) == {
        "help",
        "status",
        "missing",
        "rating",
        "remind",
        "export",
        "chart",
        "bind",
        "unbind",
        "request",
        "correct",
        "web",
    }
    assert commands_in(admin) == set(help_texts.COMMAND_LINES) - {"report"}
    assert [r["text"] for r in stranger] == [texts.STRANGER]


async def test_a_stranger_writing_anything_learns_how_to_join(
    sqlite_db: Database, clock: FakeClock
) -> None:
    async with running_bot(sqlite_db, clock) as bot:
        for text in ("Здравствуйте", "🙂🙂🙂", "я" * 10_000, "", "/frobnicate"):
            replies = await bot.say(STRANGER, text)
            assert [r["text"] for r in replies] == [texts.STRANGER], text[:40]


async def test_bad_input_from_admins_and_heads_never_crashes(
    sqlite_db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(sqlite_db, clock)
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        await bot.say(HEAD, codes[DEGVA])
        for vk_id, text in [
            (ADMIN, "/schedule " + "я" * 10_000),
            (ADMIN, "/holidays 🙂 🙂"),
            (ADMIN, "/tz 🙂"),
            (ADMIN, "/official add 🙂 🙂"),
            (ADMIN, "/reissue " + "🙂" * 3000),
            (ADMIN, "/unbound 🙂"),
            (HEAD, "/start " + "Z" * 10_000),
            (HEAD, "🙂"),
        ]:
            replies = await bot.say(vk_id, text)
            assert len(replies) == 1, text[:40]
            assert replies[0]["text"] != common.SOMETHING_WENT_WRONG, text[:40]
        assert bot.app.pipeline.stats.failed == 0


async def test_a_replayed_redemption_is_handled_once(sqlite_db: Database, clock: FakeClock) -> None:
    codes = await seed_district(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        await bot.say(HEAD, codes[DEGVA])
        update = bot.emulator.longpoll._updates[-1]
        await bot.emulator.longpoll.push(dict(update))
        await bot.settle()
        assert len(bot.texts(HEAD)) == 1


async def test_unplaced_text_names_what_this_person_can_do(
    sqlite_db: Database, clock: FakeClock
) -> None:
    codes = await seed_with_official(sqlite_db, clock)
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        await bot.say(HEAD, codes[DEGVA])
        await bot.say(HEAD, texts.BUTTON_YES, payload={"c": "onb_yes"})
        (head,) = await bot.say(HEAD, "Здравствуйте, когда сдавать?")
        assert head["text"].startswith("Не понял сообщение. Что можно сделать сейчас:")
        assert "«Заполнить отчёт»" in head["text"] and "/my" in head["text"]
        assert "/status" not in head["text"] and "Не знаю такой команды" not in head["text"]
        assert labels(head) == ["Заполнить"]
        typed = [r["text"] for r in await bot.say(HEAD, "Заполнить отчёт")]
        assert DEGVA in typed[0] and typed[0].startswith("Отчёт за неделю")

        (official,) = await bot.say(OFFICIAL, "добрый день")
        assert "/status" in official["text"] and "/missing" in official["text"]
        assert "/my" not in official["text"] and "/admin" not in official["text"]
        (admin,) = await bot.say(ADMIN, "/frobnicate")
        assert admin["text"].startswith("Не знаю команды /frobnicate. Что можно сделать сейчас:")
        assert "/admin" in admin["text"] and "/status" in admin["text"]

        (stranger,) = await bot.say(STRANGER, "как подключиться?")
        assert "Приглашения выдаёт управление образования района" in stranger["text"]
