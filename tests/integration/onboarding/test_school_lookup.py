"""One school search for every command that takes a school: spelled as people type it, only
where the asker may look, and with the district beside each choice when a name fits several."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import FakeClock
from bot.texts import onboarding as onboarding_texts
from bot.texts import reports as report_texts
from storage.db import Database
from storage.models import District, Person, School, SchoolStaff
from tests.integration.onboarding.conftest import ADMIN, seed_district
from tests.utils import report_factories as make
from tests.utils.harness import BotHarness, running_bot

ALPHA, BETA = "Альфинский район", "Бетинский район"
ONE, TWO, GYMNASIUM = "МКОУ «СОШ № 1»", "МКОУ «СОШ № 2»", "МКОУ «Гимназия»"
OFFICIAL_A, HEAD = 700, 501


async def two_districts(db: Database, clock: FakeClock) -> dict[str, dict[str, str]]:
    """«СОШ № 1» in both districts; «СОШ № 2» only in Альфинский; an official of Альфинский.
    Returns the invite codes issued, by district and school."""
    codes = {
        ALPHA: await seed_district(db, clock, ALPHA, [ONE, TWO]),
        BETA: await seed_district(db, clock, BETA, [ONE, GYMNASIUM]),
    }
    async with db.sessions.begin() as session:
        alpha = (await session.scalars(select(District).where(District.name == ALPHA))).one()
        await make.official(session, district=alpha, vk_id=OFFICIAL_A, now=clock.now())
    return codes


def code_in(reply: str) -> str:
    """The code in the reply to /reissue."""
    return reply.split(": ")[1].split("\n")[0].replace("-", "")


async def redeem(bot: BotHarness, code: str, vk_id: int) -> str:
    """A head sends the invite code; what the head is told."""
    bot.user(vk_id, "Зарема", "Магомедова")
    return (await bot.say(vk_id, code))[0]["text"]


async def held_school(db: Database, vk_id: int) -> tuple[str, str]:
    async with db.reads() as session:
        row = await session.execute(
            select(School.name, District.name)
            .join(SchoolStaff, SchoolStaff.school_id == School.id)
            .join(Person, Person.id == SchoolStaff.person_id)
            .join(District, District.id == School.district_id)
            .where(Person.vk_id == vk_id)
        )
        name, district = row.one()
        return name, district


async def test_reissue_finds_the_school_spelled_without_the_space_after_the_number_sign(
    db: Database, clock: FakeClock
) -> None:
    await two_districts(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        reply = (await bot.say(ADMIN, "/reissue СОШ №2"))[0]["text"]
        assert reply.startswith(f"Новый код для школы {TWO}, {ALPHA} (руководитель): ")
        welcome = await redeem(bot, code_in(reply), HEAD)
        assert f"• {TWO} — руководитель" in welcome
    assert await held_school(db, HEAD) == (TWO, ALPHA)


async def test_a_name_in_two_districts_is_asked_about_with_the_districts(
    db: Database, clock: FakeClock
) -> None:
    await two_districts(db, clock)
    choices = f"• {ONE} ({ALPHA})\n• {ONE} ({BETA})"
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        reissue = (await bot.say(ADMIN, "/reissue СОШ №1"))[0]["text"]
        assert "подходит к нескольким школам" in reissue
        assert choices in reissue
        status = (await bot.say(ADMIN, "/status сош № 1"))[0]["text"]
        assert status == report_texts.SCHOOL_AMBIGUOUS.format(schools=choices)
        revoke = (await bot.say(ADMIN, "/revoke СОШ №1"))[0]["text"]
        assert choices in revoke

        # The admin answers with a line of the list: the school of that district, no other.
        reply = (await bot.say(ADMIN, f"/reissue • {ONE} ({BETA})"))[0]["text"]
        assert reply.startswith(f"Новый код для школы {ONE}, {BETA} (руководитель): ")
        await redeem(bot, code_in(reply), HEAD)
        in_beta = (await bot.say(ADMIN, f"/status {BETA} СОШ 1"))[0]["text"]
        assert in_beta.startswith(f"{ONE} ({BETA})")
    assert await held_school(db, HEAD) == (ONE, BETA)


async def test_an_official_finds_only_the_schools_of_their_district(
    db: Database, clock: FakeClock
) -> None:
    await two_districts(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        own = (await bot.say(OFFICIAL_A, "/status СОШ №1"))[0]["text"]
        assert own.startswith(f"{ONE} ({ALPHA})")
        assert BETA not in own
        other = (await bot.say(OFFICIAL_A, "/status Гимназия"))[0]["text"]
        assert other == report_texts.SCHOOL_NOT_FOUND.format(query="Гимназия")
        copied = (await bot.say(OFFICIAL_A, f"/status {ONE} ({BETA})"))[0]["text"]
        assert copied == report_texts.NOT_ALLOWED_DISTRICT


async def test_revoke_with_the_district_named_revokes_that_districts_codes_only(
    db: Database, clock: FakeClock
) -> None:
    codes = await two_districts(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        reply = (await bot.say(ADMIN, f"/revoke {ALPHA} СОШ №1"))[0]["text"]
        assert reply == f"Отменено неиспользованных кодов школы {ONE} (руководитель): 1."
        bot.user(601)
        refused = await bot.say(601, codes[ALPHA][ONE])
        assert [item["text"] for item in refused] == [onboarding_texts.REVOKED_CODE]
        welcome = await redeem(bot, codes[BETA][ONE], 602)
        assert f"• {ONE} — руководитель" in welcome
    assert await held_school(db, 602) == (ONE, BETA)
