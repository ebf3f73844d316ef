"""/reissue and /revoke, and the warnings a head's invite attempt promises: the former head
is told once when the new code is used, the new head gets the week's prompt and reminders
(the former one no longer does), a revoked code is refused, and every admin gets each
warning once."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.scheduler import Scheduler
from bot.texts import onboarding as texts
from storage.db import Database
from tests.integration.delivery.helpers import ADMIN, THURSDAY_1501, once, received
from tests.integration.onboarding.conftest import seed_district
from tests.utils.harness import BotHarness, running_bot

SECOND_ADMIN = 2
DEGVA = "МКОУ «Дегвинская СОШ»"
MURGUK = "МКОУ «Мургукская СОШ»"
URAKHI = "МКОУ «Урахинская СОШ им А.А. Тахо Годи»"
PROMPT = "Пора заполнить еженедельный мониторинг Сферума"
REMINDER = "напоминаю: мониторинг Сферума"


def _code(reply_text: str) -> str:
    return reply_text.split(": ")[1].split("\n")[0]


async def _join(bot: BotHarness, vk_id: int, code: str, name: str) -> None:
    bot.user(vk_id, name, "Ф")
    welcome = await bot.say(vk_id, code)
    assert welcome[0]["text"].startswith(f"Здравствуйте, {name}!"), welcome
    await bot.say(vk_id, texts.BUTTON_YES, payload={"c": "onb_yes"})


async def test_reissued_school_changes_hands_and_the_former_head_is_told_once(
    db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        assert bot.app is not None
        scheduler = Scheduler(bot.app.context)
        bot.user(ADMIN)
        await _join(bot, 501, codes[DEGVA], "Старый")
        await scheduler.run_due(clock.now())
        once(bot, 501, PROMPT)

        code = _code((await bot.say(ADMIN, "/reissue Дегвинская"))[0]["text"])
        assert not received(bot, 501, "передало школу")  # not before the code is used
        await _join(bot, 502, code, "Новый")
        assert received(bot, 501, "передало школу") == [texts.FORMER_HOLDER.format(school=DEGVA)]

        mark = bot.last_sent_id()
        await scheduler.run_due(THURSDAY_1501)
        once(bot, 502, PROMPT, mark)
        once(bot, 502, REMINDER, mark)
        assert bot.texts(501, mark) == []


async def test_a_revoked_code_is_refused_and_never_makes_a_head(
    db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        assert bot.app is not None
        bot.user(ADMIN)
        revoked = await bot.say(ADMIN, "/revoke Мургукская")
        assert revoked[0]["text"].endswith(": 1.")
        bot.user(503)
        refused = await bot.say(503, codes[MURGUK])
        assert [item["text"] for item in refused] == [texts.REVOKED_CODE]
        await Scheduler(bot.app.context).run_due(THURSDAY_1501)
        assert bot.texts(503) == [texts.REVOKED_CODE]


async def test_every_admin_is_warned_once_as_the_head_is_promised(
    db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(db, clock)
    admins = (ADMIN, SECOND_ADMIN)
    async with running_bot(db, clock, admin_ids=list(admins)) as bot:
        for admin in admins:
            bot.user(admin)
            await bot.say(admin, "/admin")
        await _join(bot, 501, codes[DEGVA], "Патимат")

        bot.user(504)
        used = await bot.say(504, codes[DEGVA])
        assert "администратор уже предупреждён" in used[0]["text"]
        second = await seed_district(db, clock)  # a plain second invite for the same school
        bot.user(505)
        holder = await bot.say(505, second[DEGVA])
        assert "Администратор предупреждён" in holder[0]["text"]
        bot.user(506)
        await bot.say(506, second[URAKHI])  # the latest list: the first one's code was revoked
        rejected = await bot.say(506, texts.BUTTON_NO, payload={"c": "onb_no"})
        assert "Администратор предупреждён" in rejected[0]["text"]

        for admin in admins:
            once(bot, admin, "(Имя Фамилия (id504)) пытался использовать уже использованный код")
            once(bot, admin, f"Имя Фамилия (id505) ввёл код школы {DEGVA}, но")
            once(bot, admin, "Имя Фамилия (id506) ответил «Нет, это ошибка»")


async def test_a_warning_vk_refuses_is_not_an_error_for_the_head(
    db: Database, clock: FakeClock
) -> None:
    """The former head blocked the bot and the admin never wrote to it: VK refuses both
    warnings (901), and the new head still just gets the welcome, not an apology."""
    codes = await seed_district(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN, SECOND_ADMIN]) as bot:
        bot.user(SECOND_ADMIN)
        await _join(bot, 501, codes[DEGVA], "Старый")
        await bot.emulator.set_allowed(501, False)
        code = _code((await bot.say(SECOND_ADMIN, "/reissue Дегвинская"))[0]["text"])
        bot.user(502, "Новый", "Ф")
        welcome = await bot.say(502, code)
        assert [item["text"][:20] for item in welcome] == ["Здравствуйте, Новый!"]
        bot.user(503)
        used = await bot.say(503, code)
        assert [item["text"] for item in used] == [texts.USED_CODE]
        assert bot.texts(ADMIN) == []
        once(bot, SECOND_ADMIN, "(Имя Фамилия (id503)) пытался использовать уже использованный код")
