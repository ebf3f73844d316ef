"""A school head joins with an invite code through VK."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain import invite_codes
from bot.domain.permissions import Actor, StaffRole
from bot.texts import help as help_texts
from bot.texts import onboarding as texts
from storage.db import Database
from storage.models import AuditEvent, Person, SchoolStaff
from tests.integration.onboarding.conftest import ADMIN, labels, seed_district
from tests.utils.harness import running_bot

DEGVA = "МКОУ «Дегвинская СОШ»"
MURGUK = "МКОУ «Мургукская СОШ»"
YES = {"c": "onb_yes"}
NO = {"c": "onb_no"}
HEAD_OPTIONS = help_texts.options(Actor(501, 1, False, frozenset(), (StaffRole(1, 1, "head"),)))


async def audit_actions(db: Database) -> list[str]:
    async with db.reads() as session:
        return list(await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


async def staff(db: Database) -> list[tuple[int, str, bool]]:
    async with db.reads() as session:
        rows = await session.execute(
            select(Person.vk_id, SchoolStaff.role, SchoolStaff.confirmed).join(
                Person, Person.id == SchoolStaff.person_id
            )
        )
        return sorted(tuple(row) for row in rows)


async def test_deep_link_greets_by_name_and_asks_to_confirm(db: Database, clock: FakeClock) -> None:
    codes = await seed_district(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        bot.user(501, "Патимат", "Магомедова")
        replies = await bot.say(501, "Начать", ref=codes[DEGVA])
        assert len(replies) == 1
        text = replies[0]["text"]
        assert text.startswith("Здравствуйте, Патимат!")
        assert DEGVA in text
        assert "по понедельникам в 09:00 по московскому времени" in text
        assert "до пятницы 16:00" in text
        assert labels(replies[0]) == [texts.BUTTON_YES, texts.BUTTON_NO]
        confirmed = await bot.say(501, texts.BUTTON_YES, payload=YES)
        assert [r["text"] for r in confirmed] == [texts.CONFIRMED]
    assert await staff(db) == [(501, "head", True)]
    assert await audit_actions(db) == [
        "schools.import",
        "invites.issue",
        "invite.redeem",
        "role.confirm",
    ]


async def test_code_typed_with_or_without_dash_in_any_case_or_after_start(
    sqlite_db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(sqlite_db, clock)
    names = list(codes)
    typed = [
        invite_codes.display(codes[names[0]]),
        codes[names[1]].lower(),
        " " + invite_codes.display(codes[names[2]]).lower() + " ",
        "/start " + codes[names[3]],
    ]
    async with running_bot(sqlite_db, clock) as bot:
        for n, text in enumerate(typed):
            bot.user(600 + n, f"Имя{n}")
            replies = await bot.say(600 + n, text)
            assert f"Здравствуйте, Имя{n}!" in replies[0]["text"], text
            assert names[n] in replies[0]["text"]
    assert [vk_id for vk_id, _, _ in await staff(sqlite_db)] == [600, 601, 602, 603]


async def test_the_name_comes_from_vk_once_then_from_storage(
    sqlite_db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(501, "Патимат", "Магомедова")
        await bot.say(501, codes[DEGVA])
        second = await bot.say(501, codes[MURGUK])
        assert second[0]["text"].startswith("Здравствуйте, Патимат!")
        assert len(bot.emulator.calls_log("users.get")) == 1
    async with sqlite_db.reads() as session:
        person = (await session.scalars(select(Person))).one()
    assert (person.first_name, person.last_name) == ("Патимат", "Магомедова")


async def test_a_head_of_two_schools_sees_both(sqlite_db: Database, clock: FakeClock) -> None:
    codes = await seed_district(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(501, "Патимат")
        await bot.say(501, codes[DEGVA])
        replies = await bot.say(501, codes[MURGUK])
    text = replies[0]["text"]
    assert "Теперь за вами закреплены школы" in text
    assert f"• {DEGVA} — руководитель" in text and f"• {MURGUK} — руководитель" in text


async def test_no_undoes_the_binding_and_tells_the_admin(
    sqlite_db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(sqlite_db, clock)
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        bot.user(ADMIN)
        await bot.say(ADMIN, "/help")
        bot.user(501)
        await bot.say(501, codes[DEGVA])
        replies = await bot.say(501, texts.BUTTON_NO, payload=NO)
        assert "отменил привязку" in replies[0]["text"] and DEGVA in replies[0]["text"]
        assert "Нет, это ошибка" in bot.texts(ADMIN)[-1]
        # The code stays used: whoever opened the wrong link cannot try again.
        again = await bot.say(501, codes[DEGVA])
        assert [r["text"] for r in again] == [texts.USED_CODE]
        # Pressing the button again changes nothing.
        replay = await bot.say(501, texts.BUTTON_NO, payload=NO)
        assert [r["text"] for r in replay] == [texts.STRANGER]
    assert await staff(sqlite_db) == []
    assert "role.lost" in await audit_actions(sqlite_db)


async def test_a_used_code_is_refused_and_admins_are_told(db: Database, clock: FakeClock) -> None:
    codes = await seed_district(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        bot.user(ADMIN)
        await bot.say(ADMIN, "/admin")
        bot.user(501)
        bot.user(502)
        await bot.say(501, codes[DEGVA])
        replies = await bot.say(502, invite_codes.display(codes[DEGVA]))
        assert [r["text"] for r in replies] == [texts.USED_CODE]
        warning = bot.texts(ADMIN)[-1]
        assert "502" in warning and DEGVA in warning and "/reissue" in warning
        # The rightful holder using it again is told it is already theirs.
        mine = await bot.say(501, codes[DEGVA])
        assert [r["text"] for r in mine] == [texts.ALREADY_YOURS]
    assert await staff(db) == [(501, "head", False)]
    assert (await audit_actions(db)).count("invite.refused") == 1


async def test_an_expired_code_is_refused(sqlite_db: Database, clock: FakeClock) -> None:
    codes = await seed_district(sqlite_db, clock)
    clock.advance(timedelta(days=30, seconds=1))
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(501)
        replies = await bot.say(501, codes[DEGVA])
    assert [r["text"] for r in replies] == [texts.EXPIRED_CODE]


async def test_guessing_codes_is_blocked_for_fifteen_minutes(
    sqlite_db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(sqlite_db, clock)
    guesses = ["ABCDE-23456", "abcde23457", "12345678", "QWERTY7"]
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(666)
        for guess in guesses:
            assert bot.texts(666, bot.last_sent_id()) == []
            replies = await bot.say(666, guess)
            assert [r["text"] for r in replies] == [texts.UNKNOWN_CODE]
        fifth = await bot.say(666, "ZZZZZ-99999")
        assert "подождите 15 минут" in fifth[0]["text"]
        # Blocked: even the right code is not looked at.
        right = await bot.say(666, codes[DEGVA])
        assert "подождите 15 минут" in right[0]["text"]
        # Another person is not affected.
        bot.user(501)
        assert "Здравствуйте" in (await bot.say(501, codes[MURGUK]))[0]["text"]
        clock.advance(timedelta(minutes=15))
        later = await bot.say(666, codes[DEGVA])
        assert DEGVA in later[0]["text"]


async def test_a_school_with_a_head_refuses_a_second_code_until_reissued(
    db: Database, clock: FakeClock
) -> None:
    first = await seed_district(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        bot.user(ADMIN)
        await bot.say(ADMIN, "/admin")
        bot.user(501, "Старый")
        bot.user(502, "Новый")
        await bot.say(501, first[DEGVA])
        # A second plain invite for the same school (e.g. `svodka invites` run twice).
        second = await seed_district(db, clock)
        refused = await bot.say(502, second[DEGVA])
        assert "уже есть руководитель" in refused[0]["text"]
        assert "502" in bot.texts(ADMIN)[-1]

        reissued = await bot.say(ADMIN, "/reissue дегвинская")
        code = reissued[0]["text"].split(": ")[1].split("\n")[0]
        mark = bot.last_sent_id()
        welcome = await bot.say(502, code)
        assert welcome[0]["text"].startswith("Здравствуйте, Новый!")
        assert "передало школу" in bot.texts(501, mark)[0]
    assert await staff(db) == [(502, "head", False)]
    actions = await audit_actions(db)
    assert "invite.reissue" in actions and "role.lost" in actions


async def test_a_deputy_code_binds_a_deputy_beside_the_head(
    sqlite_db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(sqlite_db, clock)
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        bot.user(ADMIN)
        await bot.say(501, codes[DEGVA])
        issued = await bot.say(ADMIN, "/reissue Дегвинская deputy")
        assert "заместитель руководителя" in issued[0]["text"]
        code = issued[0]["text"].split(": ")[1].split("\n")[0]
        welcome = await bot.say(502, code)
        assert "вы — заместитель руководителя школы" in welcome[0]["text"]
    assert await staff(sqlite_db) == [(501, "head", False), (502, "deputy", False)]


async def test_a_bound_heads_numbers_are_not_taken_for_codes(
    sqlite_db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(sqlite_db, clock)
    async with running_bot(sqlite_db, clock) as bot:
        await bot.say(501, codes[DEGVA])
        for text in ("45", "2345678923", "152 74"):
            replies = await bot.say(501, text)
            assert [r["text"] for r in replies] == [HEAD_OPTIONS], text


async def test_a_code_inside_a_sentence_redeems(sqlite_db: Database, clock: FakeClock) -> None:
    codes = await seed_district(sqlite_db, clock)
    degva, murguk = codes[DEGVA], codes[MURGUK]
    spaced = f"{degva[:5].lower()}-{degva[5:].lower()}"
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        bot.user(501, "Патимат", "Магомедова")
        welcome = await bot.say(501, f"Здравствуйте! Мне дали код {spaced}")
        assert (
            welcome[0]["text"].startswith("Здравствуйте, Патимат!") and DEGVA in welcome[0]["text"]
        )
        # Bound now: a comment with no code in it is not an attempt; a sentence with one is.
        comment = await bot.say(501, "Спасибо, всё понятно")
        assert DEGVA not in comment[0]["text"] and texts.UNKNOWN_CODE not in comment[0]["text"]
        second = await bot.say(501, f"код: {murguk}")
        assert MURGUK in second[0]["text"]
        wrong = await bot.say(502, "Мой код ABCDE-2345O не подходит")
        assert [r["text"] for r in wrong] == [texts.UNKNOWN_CODE]
    assert await staff(sqlite_db) == [(501, "head", False), (501, "head", False)]
