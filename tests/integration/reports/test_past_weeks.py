"""Officials ask for past weeks in plain Russian (/status, /export) and get the week they
meant; the exported file says which weeks it really covers, and holds every school."""

import csv
import io
from urllib.parse import quote

import aiohttp
from openpyxl import load_workbook
from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain.weeks import IsoWeek
from storage.db import Database
from storage.models import District, School
from tests.fixtures.sergokala import SCHOOLS, student_answers
from tests.integration.reports.test_reports_bot import OFFICIAL, _seed
from tests.utils import report_factories as f
from tests.utils.harness import BotHarness, running_bot

# The fake clock is Monday 21.10.2024 (2024-W43); 10 of 12 schools answered W43.
W42 = IsoWeek(2024, 42)
LAST_WEEK = "Сергокалинский район · неделя 14.10–20.10.2024"
HINT = "Неделю можно указать так: прошлая неделя, 18.11, 18.11.2024, неделя 47 или 2024-W47."


async def _seed_last_week(db: Database, clock: FakeClock) -> None:
    """W43 as the reports tests seed it, and three schools' answers in W42."""
    await _seed(db, clock)
    async with db.sessions.begin() as s:
        district = await s.scalar(select(District).where(District.name == "Сергокалинский район"))
        for source in SCHOOLS[:3]:
            school = await s.scalar(select(School).where(School.name == source.name))
            values = {**f.FULL_ANSWERS, **student_answers(source)}
            await f.answer(
                s, district=district, school=school, week=W42, values=values, now=clock.now()
            )


async def _download(bot: BotHarness, attachment: str) -> tuple[str, bytes]:
    """The file as an official's phone gets it: its name and its bytes."""
    base = bot.settings.vk_api_url.removesuffix("/method/")
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{base}/_emu/files/{attachment}") as response,
    ):
        disposition = response.headers["Content-Disposition"]
        return disposition.split("''", 1)[1], await response.read()


async def test_status_of_a_past_week_in_words(db, clock) -> None:
    await _seed_last_week(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL)
        for words in ("прошлая неделя", "за прошлую неделю", "16.10", "16.10.2024", "неделя 42",
                      "2024-W42", "Сергокалинский район прошлая неделя"):  # fmt: skip
            [reply] = await bot.say(OFFICIAL, f"/status {words}")
            assert reply["text"].startswith(LAST_WEEK), words
            assert "Ответили 3 из 12 школ." in reply["text"], words
        [this_week] = await bot.say(OFFICIAL, "/status 25.10.2024")  # Friday of this week
        assert "Ответили 10 из 12 школ." in this_week["text"]


async def test_school_names_with_numbers_still_find_the_school(db, clock) -> None:
    await _seed_last_week(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL)
        [school] = await bot.say(OFFICIAL, "/status Сергокалинская СОШ №2")
        assert school["text"].startswith("МКОУ «Сергокалинская СОШ №2»")
        assert "Неделя 21.10–27.10.2024:" in school["text"]
        [past] = await bot.say(OFFICIAL, "/status Дегвинская СОШ прошлая неделя")
        assert past["text"].startswith("МКОУ «Дегвинская СОШ»")
        assert "Неделя 14.10–20.10.2024:" in past["text"]


async def test_a_week_that_cannot_be_gets_a_clear_answer(db, clock) -> None:
    await _seed(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL)
        answers = {
            "/status 31.02": f"Даты «31.02» нет в календаре. {HINT}",
            "/status неделя 60": f"Недели с номером 60 нет: в году 52 или 53 недели. {HINT}",
            "/status 01.11.2024": f"Неделя «01.11.2024» ещё не наступила. {HINT}",
            "/status 2024-W99": f"Недели «2024-W99» нет в календаре. {HINT}",
            "/status 18.10 неделя 40": f"Укажите одну неделю, а не несколько (18.10 неделя 40). {HINT}",
            "/export csv 31.02": f"Даты «31.02» нет в календаре. {HINT}",
            "/export csv 26 прошлая неделя": (
                "Напишите так: /export xlsx или /export csv, можно с числом недель (от 1 до 260) "
                "или с неделей: /export csv 26, /export xlsx прошлая неделя."
            ),
        }
        for command, expected in answers.items():
            [reply] = await bot.say(OFFICIAL, command)
            assert reply["text"] == expected, command
        [emoji] = await bot.say(OFFICIAL, "/status 🙂 неделя 🙂")
        assert emoji["text"].startswith("Не нашёл школу")


async def test_export_names_the_weeks_it_covers(db, clock) -> None:
    await _seed_last_week(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL)
        # 26 weeks asked for, two weeks of rounds there: the reply says what the file has.
        [doc] = await bot.say(OFFICIAL, "/export 26")
        assert doc["text"] == ("Сергокалинский район: выгрузка XLSX за 2 недели: 14.10–27.10.2024.")
        name, data = await _download(bot, doc["attachments"][0])
        assert name == quote("Сергокалинский_район_14.10-27.10.2024.xlsx")
        book = load_workbook(io.BytesIO(data))
        assert book.sheetnames == ["Ответы", "Рейтинг"]
        sheet = book["Ответы"]
        assert sheet.freeze_panes == "D2" and sheet.auto_filter.ref.startswith("A1:")
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert len(rows) == 2 * (12 + 1)
        header = [c.value for c in sheet[1]]
        share = header.index("Обучающихся, активных в Сферуме, %")
        by_key = {(r[1], r[2]): r for r in rows}
        assert by_key["2024-W43", "Итого по району"][3] == "Ответили 10 из 12"
        assert by_key["2024-W42", "Итого по району"][3] == "Ответили 3 из 12"
        assert by_key["2024-W43", "МКОУ «Бурдекинская СОШ»"][3] == "не ответила"
        assert by_key["2024-W42", "МКОУ «Дегвинская СОШ»"][share] == 74 / 152
        assert by_key["2024-W42", "МКОУ «Дегвинская СОШ»"][0] == "14.10–20.10.2024"
        ranking = list(book["Рейтинг"].iter_rows(min_row=2, values_only=True))
        assert ranking[0][1:] == ("МКОУ «Дегвинская СОШ»", 152, 74, 74 / 152, 1)


async def test_export_of_one_past_week(db, clock) -> None:
    await _seed_last_week(db, clock)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL)
        for command in ("/export csv прошлая неделя", "/export csv 2024-W42"):
            [doc] = await bot.say(OFFICIAL, command)
            assert (
                doc["text"] == "Сергокалинский район: выгрузка CSV за 1 неделю: 14.10–20.10.2024."
            )
            name, data = await _download(bot, doc["attachments"][0])
            assert name == quote("Сергокалинский_район_14.10-20.10.2024.csv")
            header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
            assert {r[1] for r in rows} == {"2024-W42"}
            states = [r[3] for r in rows]
            assert states.count("ответила") == 3 and states.count("не ответила") == 9
            assert states[-1] == "Ответили 3 из 12"
        [xlsx] = await bot.say(OFFICIAL, "/export xlsx неделя 42")
        assert xlsx["text"].endswith("XLSX за 1 неделю: 14.10–20.10.2024.")
        [nothing] = await bot.say(OFFICIAL, "/export неделя 30")
        assert (
            nothing["text"]
            == "Сергокалинский район: за этот срок опросов не было, выгружать нечего."
        )
        assert nothing["attachments"] == []
