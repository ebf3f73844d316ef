"""Admin commands in a private chat: menu, officials, invites, district settings."""

from __future__ import annotations

from sqlalchemy import select

from bot.clock import FakeClock
from bot.services.rounds import calendar_of
from bot.texts import admin as texts
from bot.texts import onboarding as onboarding_texts
from storage.db import Database
from storage.models import AuditEvent, District, Official
from tests.integration.onboarding.conftest import ADMIN, labels, seed_district
from tests.utils.harness import running_bot
from tests.utils.sergokala import DISTRICT

DEGVA = "МКОУ «Дегвинская СОШ»"


async def district(db: Database, name: str = DISTRICT) -> District:
    async with db.reads() as session:
        return (await session.scalars(select(District).where(District.name == name))).one()


async def test_menu_has_a_small_keyboard_and_its_buttons_work(
    sqlite_db: Database, clock: FakeClock
) -> None:
    codes = await seed_district(sqlite_db, clock)
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        menu = await bot.say(ADMIN, "/admin")
        assert menu[0]["text"] == texts.MENU
        assert labels(menu[0]) == [texts.BUTTON_UNBOUND, texts.BUTTON_DISTRICTS, texts.BUTTON_HELP]
        assert all(len(row) <= 4 for row in menu[0]["keyboard"]["buttons"])
        await bot.say(501, codes[DEGVA])
        unbound = await bot.say(ADMIN, texts.BUTTON_UNBOUND, payload={"c": "adm", "a": "unbound"})
        assert f"{DISTRICT}: без руководителя 11" in unbound[0]["text"]
        assert DEGVA not in unbound[0]["text"]
        overview = await bot.say(
            ADMIN, texts.BUTTON_DISTRICTS, payload={"c": "adm", "a": "districts"}
        )
        assert "школ 12, руководителей в боте 1, ответственных 0" in overview[0]["text"]
        helped = await bot.say(ADMIN, texts.BUTTON_HELP, payload={"c": "adm", "a": "help"})
        assert "/official add" in helped[0]["text"]


async def test_appoint_and_remove_an_official(db: Database, clock: FakeClock) -> None:
    await seed_district(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        bot.user(700, "Зарема", "Магомедова")
        await bot.say(700, "привет")
        mark = bot.last_sent_id()
        added = await bot.say(ADMIN, "/official add 700 сергокалинский")
        assert added[0]["text"] == (
            f"Назначен ответственным района «{DISTRICT}»: Зарема Магомедова (id700)."
        )
        assert "Вас назначили ответственным" in bot.texts(700, mark)[0]
        again = await bot.say(ADMIN, "/official add id700 СЕРГОКАЛИНСКИЙ РАЙОН")
        assert again[0]["text"] == texts.OFFICIAL_EXISTED.format(
            person="Зарема Магомедова (id700)", district=DISTRICT
        )
        removed = await bot.say(ADMIN, "/official remove 700 Сергокалинский")
        assert removed[0]["text"] == texts.OFFICIAL_REMOVED.format(
            person="Зарема Магомедова (id700)", district=DISTRICT
        )
        assert "больше не ответственный" in bot.texts(700)[-1]
        usage = await bot.say(ADMIN, "/official 700")
        assert usage[0]["text"] == texts.USAGE_OFFICIAL
    async with db.reads() as session:
        assert (await session.scalars(select(Official))).all() == []
        actions = list(await session.scalars(select(AuditEvent.action)))
    assert actions.count("official.add") == 1 and actions.count("official.remove") == 1


async def test_district_names_are_matched_forgivingly_or_listed(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await seed_district(sqlite_db, clock)
    await seed_district(sqlite_db, clock, "Сергокалинский-2 район", ["Школа №1"])
    await seed_district(sqlite_db, clock, "Ахвахский район", ["Школа №2"])
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        ambiguous = await bot.say(ADMIN, "/official add 700 Сергокалинский")
        assert "подходит к нескольким районам" in ambiguous[0]["text"]
        unknown = await bot.say(ADMIN, "/tz Кизляр Europe/Moscow")
        assert "«Кизляр» не найден" in unknown[0]["text"]
        assert "Ахвахский район" in unknown[0]["text"]
        exact = await bot.say(ADMIN, "/tz сергокалинский район Europe/Moscow")
        assert exact[0]["text"] == texts.TZ_SET.format(district=DISTRICT, zone="Europe/Moscow")
        yo = await bot.say(ADMIN, "/tz АХВАХСКИЙ Asia/Yekaterinburg")
        assert "Asia/Yekaterinburg" in yo[0]["text"]


async def test_schedule_tz_and_holidays(db: Database, clock: FakeClock) -> None:
    await seed_district(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        ok = await bot.say(
            ADMIN, "/schedule Сергокалинский: опрос вт 10:00; напоминания чт 10:00; срок чт 15:00"
        )
        assert "опрос вт 10:00" in ok[0]["text"] and "срок чт 15:00" in ok[0]["text"]
        no_colon = await bot.say(ADMIN, "/schedule Сергокалинский сводка пт 18:00")
        assert "сводка пт 18:00" in no_colon[0]["text"]
        bad = await bot.say(ADMIN, "/schedule Сергокалинский: опрос сб 10:00")
        assert (
            bad[0]["text"]
            == "По выходным бот не пишет: «опрос сб 10:00». Выберите день с пн по пт."
        )
        bad_zone = await bot.say(ADMIN, "/tz Сергокалинский Moscow/Mars")
        assert bad_zone[0]["text"] == texts.UNKNOWN_ZONE.format(zone="Moscow/Mars")
        await bot.say(ADMIN, "/tz Сергокалинский Asia/Yekaterinburg")
        ranges = await bot.say(
            ADMIN, "/holidays Сергокалинский 2024-10-28..2024-11-04, 30.12.2024-08.01.2025"
        )
        assert ranges[0]["text"] == texts.HOLIDAYS_SET.format(
            district=DISTRICT, holidays="28.10.2024-04.11.2024, 30.12.2024-08.01.2025"
        )
        bad_dates = await bot.say(ADMIN, "/holidays Сергокалинский 2024-11-04..2024-10-28")
        assert "заканчивается раньше" in bad_dates[0]["text"]
        national = await bot.say(ADMIN, "/holidays Сергокалинский календарь")
        assert texts.HOLIDAYS_CALENDAR in national[0]["text"]
        found = await district(db)
        calendar = calendar_of(found)
        assert calendar.schedule.prompt.format_ru() == "вт 10:00"
        assert calendar.tz.key == "Asia/Yekaterinburg"
        assert found.holiday_calendar == "ru_schools" and len(found.school_holidays) == 2
        cleared = await bot.say(ADMIN, "/holidays Сергокалинский нет")
        assert cleared[0]["text"] == texts.HOLIDAYS_SET.format(district=DISTRICT, holidays="нет")
        usage = await bot.say(ADMIN, "/holidays")
        assert usage[0]["text"] == texts.USAGE_HOLIDAYS
    found = await district(db)
    assert found.school_holidays == [] and found.holiday_calendar is None


async def test_reissue_prints_the_code_and_the_deep_link(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await seed_district(sqlite_db, clock)
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN]) as bot:
        text = (await bot.say(ADMIN, "/reissue Дегвинская"))[0]["text"]
        code = text.split(": ")[1].split("\n")[0].replace("-", "")
        assert f"https://vk.me/club{bot.settings.vk_group_id}?ref={code}" in text
        assert "Прежние неиспользованные коды отменены: 1" in text
        ambiguous = await bot.say(ADMIN, "/reissue Сергокалинская")
        assert "подходит к нескольким школам" in ambiguous[0]["text"]
        unknown = await bot.say(ADMIN, "/reissue Гимназия 🙂")
        assert "не найдена" in unknown[0]["text"]
        revoked = await bot.say(ADMIN, "/revoke Дегвинская")
        assert revoked[0]["text"].endswith(": 1.")
        refused = await bot.say(501, code)
        assert [r["text"] for r in refused] == [onboarding_texts.REVOKED_CODE]
