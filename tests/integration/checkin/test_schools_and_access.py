"""Several schools, deputies, strangers and forged buttons."""

from bot.clock import FakeClock
from bot.texts import checkin as texts
from bot.texts import onboarding
from storage.db import Database
from tests.integration.checkin.helpers import (
    DEPUTY_VK,
    FORM,
    HEAD_VK,
    button,
    labels,
    one_head,
    stored_responses,
)
from tests.utils.factories import make_district, make_staff
from tests.utils.harness import running_bot

SCHOOLS = [
    ("МКОУ «Аймаумахинская СОШ»", "Аймаумахи"),
    ("МКОУ «Бурдекинская ООШ»", "Бурдеки"),
    ("МКОУ «Сергокалинская СОШ №1»", None),
]


async def test_head_of_several_schools_chooses_the_school(db: Database, clock: FakeClock) -> None:
    district = await make_district(db, now=clock.now(), schools=SCHOOLS)
    await make_staff(db, vk_id=HEAD_VK, school_ids=district.school_ids[:2], now=clock.now())
    async with running_bot(db, clock) as bot:
        bot.user(HEAD_VK)
        [choice] = await bot.say(HEAD_VK, "Заполнить")
        assert choice["text"] == texts.CHOOSE_SCHOOL
        assert labels(choice) == ["Аймаумахи", "Бурдеки"]
        # A form before the school is chosen is not guessed at.
        [again] = await bot.say(HEAD_VK, FORM)
        assert again["text"] == texts.CHOOSE_SCHOOL_FIRST
        intro, _ = await bot.say(HEAD_VK, "Бурдеки", payload=button(choice, "Бурдеки"))
        assert "Бурдеки" in intro["text"]
        [review] = await bot.say(HEAD_VK, FORM)
        thanks, others = await bot.press(HEAD_VK, button(review, texts.SEND))
        assert thanks["text"].startswith("Спасибо! Отчёт принят: Бурдеки")
        assert others["text"] == texts.OTHER_SCHOOLS
        assert labels(others) == ["Аймаумахи"]
        await bot.say(HEAD_VK, "Аймаумахи", payload=button(others, "Аймаумахи"))
        await bot.say(HEAD_VK, FORM)
        [thanks] = await bot.press(HEAD_VK, {"c": "send"})
        assert thanks["text"].startswith("Спасибо! Отчёт принят: Аймаумахи")
        [choice] = await bot.say(HEAD_VK, "Заполнить")
        assert labels(choice) == ["✅ Аймаумахи", "✅ Бурдеки"]
    stored = await stored_responses(db)
    assert sorted(r.school_id for r in stored) == sorted(district.school_ids[:2])


async def test_deputy_answers_and_is_the_author(sqlite_db: Database, clock: FakeClock) -> None:
    setup = await one_head(sqlite_db, clock)
    deputy = await make_staff(
        sqlite_db, vk_id=DEPUTY_VK, school_ids=[setup.school_id], now=clock.now(), role="deputy"
    )
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(DEPUTY_VK)
        await bot.say(DEPUTY_VK, FORM)
        await bot.press(DEPUTY_VK, {"c": "send"})
    [response] = await stored_responses(sqlite_db)
    assert response.author_id == deputy


async def test_forged_payload_for_another_school_is_refused(
    sqlite_db: Database, clock: FakeClock
) -> None:
    district = await make_district(sqlite_db, now=clock.now(), schools=SCHOOLS)
    await make_staff(sqlite_db, vk_id=HEAD_VK, school_ids=district.school_ids[:1], now=clock.now())
    foreign = district.school_ids[2]
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        for payload in ({"c": "school", "s": foreign}, {"c": "start", "s": foreign}):
            [item] = await bot.say(HEAD_VK, "Заполнить", payload=payload)
            assert item["text"] == texts.NOT_YOUR_SCHOOL
            assert labels(item) == ["Аймаумахи"]
        await bot.press(HEAD_VK, {"c": "school", "s": foreign})
        _, review = await bot.say(HEAD_VK, FORM)
        assert "Аймаумахи" in review["text"]
        await bot.press(HEAD_VK, {"c": "send", "s": foreign})
    [response] = await stored_responses(sqlite_db)
    assert response.school_id == district.school_ids[0]


async def test_strangers_and_other_commands_are_left_alone(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await one_head(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        bot.user(500)
        assert [i["text"] for i in await bot.say(500, "Заполнить")] == [texts.NOT_STAFF]
        assert [i["text"] for i in await bot.say(500, FORM)] == [onboarding.STRANGER]
        assert [i["text"] for i in await bot.press(500, {"c": "send"})] == [texts.NOT_STAFF]
        await bot.say(HEAD_VK, "Заполнить")
        # Mid-questionnaire, other features' commands still reach them.
        [help_reply] = await bot.say(HEAD_VK, "/help")
        assert "/my" in help_reply["text"]
        [item] = await bot.say(HEAD_VK, "45")
        assert item["text"].startswith("Вопрос 2 из 10")
    assert await stored_responses(sqlite_db) == []
