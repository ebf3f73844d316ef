"""The office enters a school's answers (`/correct`), a head sends a missed week, and the
head hears who sent the school's report — checked where it lands: the head's chat,
`/status <школа>`, `/my`, the audit log."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain.weeks import IsoWeek
from bot.services.rounds import round_for_week
from bot.texts import checkin as checkin_texts
from bot.texts import corrections as texts
from bot.texts import onboarding
from storage.db import Database
from storage.models import AuditEvent, District, Response
from tests.integration.checkin.helpers import (
    DEPUTY_VK,
    FORM,
    HEAD_VK,
    TYPED,
    answered_last_week,
    button,
    one_head,
    stored_responses,
)
from tests.utils import report_factories as f
from tests.utils.factories import make_district, make_staff
from tests.utils.harness import running_bot

OFFICIAL_VK, OTHER_OFFICIAL_VK, ADMIN_VK = 500, 501, 1
W42 = IsoWeek(2024, 42)
OTHER_SCHOOLS = (("МКОУ «Хасавюртовская СОШ»", "Хасавюрт"),)


async def _official(db: Database, district_id: int, vk_id: int = OFFICIAL_VK) -> None:
    """Appointed by VK id, as `/official add` does: no name on record until they act."""
    async with db.sessions.begin() as session:
        district = await session.get(District, district_id)
        assert district is not None
        await f.official(session, district=district, vk_id=vk_id, now=district.created_at)


async def _round_of(db: Database, district_id: int, week: IsoWeek, clock: FakeClock) -> None:
    """The week's round, as the scheduler would have made it then."""
    async with db.sessions.begin() as session:
        district = await session.get(District, district_id)
        assert district is not None
        assert await round_for_week(session, district, week, clock.now()) is not None


async def test_official_enters_a_schools_answers_and_the_head_is_told(
    db: Database, clock: FakeClock
) -> None:
    setup = await one_head(db, clock)
    await _official(db, setup.district.id)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL_VK, "Зарема", "Магомедова")
        bot.user(HEAD_VK)
        intro, question = await bot.say(OFFICIAL_VK, "/correct Аймаумахи")
        assert intro["text"].startswith(texts.CORRECT_INTRO)
        assert "Аймаумахи" in intro["text"]
        assert question["text"].startswith("Вопрос 1 из")
        mark = bot.last_sent_id()
        [review] = await bot.say(OFFICIAL_VK, FORM)
        assert "Проверьте ответы — Аймаумахи, неделя 21–27 октября:" in review["text"]
        done, head_told = await bot.press(OFFICIAL_VK, {"c": "send"})
        assert done["text"].startswith("Ответы внесены: Аймаумахи, неделя 21–27 октября.")
        assert "помечены как внесённые: Зарема Магомедова." in done["text"]
        assert head_told["text"] == texts.HEAD_TOLD
        [told] = bot.texts(HEAD_VK, after=mark)
        assert told.startswith(
            "Управление образования внесло ответы вашей школы — Аймаумахи, неделя 21–27 октября."
        )
        assert "Внесено: Зарема Магомедова." in told
        assert "• Педагогов всего: 45" in told
        [status] = await bot.say(OFFICIAL_VK, "/status Аймаумахи")
        assert (
            "Внесено: Зарема Магомедова (управление образования), пн 21.10 в 09:00."
            in (status["text"])
        )
        [my] = await bot.say(HEAD_VK, "/my")
        assert "Внесено: Зарема Магомедова (управление образования)" in my["text"]
        [export] = await bot.say(OFFICIAL_VK, "/export")
        book = load_workbook(io.BytesIO(bot.emulator.file_bytes(export["attachments"][0])))
    header, *rows = book.worksheets[0].iter_rows(values_only=True)
    who = {row[2]: dict(zip(header, row, strict=True))["Кто внёс/ответил"] for row in rows}
    assert who == {
        "МКОУ «Аймаумахинская СОШ»": "внесено: Зарема Магомедова",
        "Итого по району": None,
    }
    [response] = await stored_responses(db)
    assert response.by_office and not response.late
    async with db.reads() as session:
        [event] = await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "response.entered")
        )
    assert event.school_id == setup.school_id
    assert event.details == {"week": "2024-W43", "revision": 1}


async def test_official_corrects_a_past_week_and_its_timeliness_stays(
    db: Database, clock: FakeClock
) -> None:
    setup = await one_head(db, clock)
    await _official(db, setup.district.id)
    await answered_last_week(db, clock, setup)
    async with running_bot(db, clock) as bot:
        bot.user(OFFICIAL_VK, "Зарема", "Магомедова")
        intro, question = await bot.say(OFFICIAL_VK, "/correct Аймаумахи 2024-W42")
        assert "14–20 октября" in intro["text"]
        assert question["text"].startswith(texts.CORRECT_RESUBMIT)
        await bot.say(OFFICIAL_VK, FORM.replace("Педагогов всего: 45", "Педагогов всего: 46"))
        await bot.press(OFFICIAL_VK, {"c": "send"})
        [status] = await bot.say(OFFICIAL_VK, "/status Аймаумахи 2024-W42")
    assert "• Педагогов всего: 46" in status["text"]
    assert "Внесено: Зарема Магомедова (управление образования)" in status["text"]
    assert "(с опозданием)" not in status["text"]
    [response] = await stored_responses(db)
    assert response.revision == 2 and response.by_office and not response.late


async def test_correct_refuses_bad_input_in_plain_russian(
    sqlite_db: Database, clock: FakeClock
) -> None:
    setup = await one_head(sqlite_db, clock)
    await _official(sqlite_db, setup.district.id)
    other = await make_district(
        sqlite_db, now=clock.now(), name="Хасавюртовский район", schools=OTHER_SCHOOLS
    )
    await _official(sqlite_db, other.id, OTHER_OFFICIAL_VK)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(OFFICIAL_VK)
        bot.user(HEAD_VK)
        cases = {
            "/correct": texts.CORRECT_USAGE,
            "/correct Дегвинская": texts.SCHOOL_NOT_FOUND.format(query="Дегвинская"),
            "/correct Хасавюртовская": texts.SCHOOL_OF_OTHER_DISTRICT.format(
                school="МКОУ «Хасавюртовская СОШ»"
            ),
            "/correct Аймаумахи 2024-W60": texts.BAD_WEEK,
            "/correct Аймаумахи неделя абв": texts.BAD_WEEK,
            "/correct Аймаумахи 2024-W45": texts.CORRECT_FUTURE.format(week="04.11–10.11.2024"),
            "/correct Аймаумахи 2024-W40": texts.CORRECT_NO_ROUND.format(week="30.09–06.10.2024"),
        }
        for typed, expected in cases.items():
            replies = await bot.say(OFFICIAL_VK, typed)
            assert [r["text"] for r in replies] == [expected], typed
        [refused] = await bot.say(HEAD_VK, "/correct Аймаумахи")
        assert refused["text"] == onboarding.REFUSED_OFFICE
        # The other district's official cannot reach this district's school either.
        bot.user(OTHER_OFFICIAL_VK)
        [foreign] = await bot.say(OTHER_OFFICIAL_VK, "/correct Аймаумахи")
        assert foreign["text"] == texts.SCHOOL_OF_OTHER_DISTRICT.format(
            school="МКОУ «Аймаумахинская СОШ»"
        )
    assert await stored_responses(sqlite_db) == []


async def test_head_sends_last_week_late_and_the_office_sees_it(
    db: Database, clock: FakeClock
) -> None:
    setup = await one_head(db, clock)
    await _official(db, setup.district.id)
    await _round_of(db, setup.district.id, W42, clock)
    async with running_bot(db, clock) as bot:
        bot.user(HEAD_VK)
        bot.user(OFFICIAL_VK)
        intro, _ = await bot.say(HEAD_VK, "Хочу сдать отчёт за прошлую неделю")
        assert intro["text"].startswith("Отчёт за неделю 14–20 октября — Аймаумахи.")
        assert "будут отмечены как поздние" in intro["text"]
        await bot.say(HEAD_VK, FORM)
        [thanks] = await bot.press(HEAD_VK, {"c": "send"})
        assert thanks["text"].startswith("Спасибо! Отчёт принят: Аймаумахи, неделя 14–20 октября.")
        assert checkin_texts.THANKS_LATE in thanks["text"]
        [status] = await bot.say(OFFICIAL_VK, "/status Аймаумахи 2024-W42")
        assert "Неделя 14.10–20.10.2024: (с опозданием)" in status["text"]
        assert "Отправлено: Патимат Гаджиева (руководитель), пн 21.10 в 09:00." in status["text"]
        # Nothing more is missing within four weeks; this week's report is not touched.
        [none] = await bot.say(HEAD_VK, "/report прошлая неделя")
        assert none["text"] == texts.PAST_NONE_MISSING
        [answered] = await bot.say(HEAD_VK, "/report 2024-W42")
        assert answered["text"] == texts.PAST_ANSWERED.format(week="14.10–20.10.2024")
    [response] = await stored_responses(db)
    assert response.late and not response.by_office


async def test_head_cannot_send_a_week_five_weeks_back(
    sqlite_db: Database, clock: FakeClock
) -> None:
    setup = await one_head(sqlite_db, clock)
    await _round_of(sqlite_db, setup.district.id, IsoWeek(2024, 38), clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        [refused] = await bot.say(HEAD_VK, "/report 2024-W38")
        assert refused["text"] == texts.PAST_TOO_OLD.format(week="16.09–22.09.2024")
        assert "управление образования" in refused["text"]
        [garbage] = await bot.say(HEAD_VK, "/report неделя абв")
        assert garbage["text"] == texts.BAD_WEEK
        # Week 38 is five weeks back: «прошлая неделя» does not reach it.
        [none] = await bot.say(HEAD_VK, "/report прошлая неделя")
        assert none["text"] == texts.PAST_NONE_MISSING
    assert await stored_responses(sqlite_db) == []


async def test_head_hears_the_deputy_sent_the_report_and_my_says_who(
    db: Database, clock: FakeClock
) -> None:
    setup = await one_head(db, clock)
    await _official(db, setup.district.id)
    await make_staff(
        db,
        vk_id=DEPUTY_VK,
        school_ids=[setup.school_id],
        now=clock.now(),
        role="deputy",
        first_name="Марьям",
        last_name="Алиева",
    )
    async with running_bot(db, clock) as bot:
        bot.user(DEPUTY_VK)
        bot.user(HEAD_VK)
        bot.user(OFFICIAL_VK)
        mark = bot.last_sent_id()
        await bot.say(DEPUTY_VK, FORM)
        await bot.press(DEPUTY_VK, {"c": "send"})
        assert bot.texts(HEAD_VK, after=mark) == [
            texts.HEAD_SENT_BY_DEPUTY.format(
                school="Аймаумахи", week="21–27 октября", name="Марьям Алиева"
            )
        ]
        [my] = await bot.say(HEAD_VK, "/my")
        [status] = await bot.say(OFFICIAL_VK, "/status Аймаумахи")
        # The head's own report tells nobody.
        mark = bot.last_sent_id()
        await bot.say(HEAD_VK, "Заполнить")
        await bot.say(HEAD_VK, FORM)
        await bot.press(HEAD_VK, {"c": "send"})
        assert bot.texts(DEPUTY_VK, after=mark) == []
    sent_by = "Отправлено: Марьям Алиева (заместитель), пн 21.10 в 09:00."
    assert sent_by in my["text"]
    assert sent_by in status["text"]
    responses = await stored_responses(db)
    assert [r.school_id for r in responses] == [setup.school_id]
    assert isinstance(responses[0], Response)


async def test_words_about_last_week_mid_questionnaire_are_an_answer(
    sqlite_db: Database, clock: FakeClock
) -> None:
    setup = await one_head(sqlite_db, clock)
    await _round_of(sqlite_db, setup.district.id, W42, clock)
    comment = "Отчёт за прошлую неделю сдам позже"
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        for typed in TYPED:
            await bot.say(HEAD_VK, typed)
        [review] = await bot.say(HEAD_VK, comment)
    assert f"Комментарий: {comment}" in review["text"]


async def test_after_this_weeks_report_a_button_opens_the_missed_week(
    sqlite_db: Database, clock: FakeClock
) -> None:
    setup = await one_head(sqlite_db, clock)
    await _round_of(sqlite_db, setup.district.id, W42, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        await bot.say(HEAD_VK, FORM)
        thanks, missed = await bot.press(HEAD_VK, {"c": "send"})
        assert thanks["text"].startswith("Спасибо! Отчёт принят: Аймаумахи, неделя 21–27 октября.")
        assert missed["text"] == texts.PAST_NOTE.format(week="14–20 октября")
        intro, _ = await bot.press(HEAD_VK, button(missed, texts.PAST_BUTTON))
        assert intro["text"].startswith("Отчёт за неделю 14–20 октября — Аймаумахи.")
        await bot.say(HEAD_VK, FORM)
        # Every missed week sent: the thank-you offers no other.
        [thanks] = await bot.press(HEAD_VK, {"c": "send"})
    assert thanks["text"].startswith("Спасибо! Отчёт принят: Аймаумахи, неделя 14–20 октября.")
    assert sorted(r.late for r in await stored_responses(sqlite_db)) == [False, True]


async def test_an_admin_met_for_the_first_time_enters_answers_under_their_name(
    sqlite_db: Database, clock: FakeClock
) -> None:
    await one_head(sqlite_db, clock)
    async with running_bot(sqlite_db, clock, admin_ids=[ADMIN_VK]) as bot:
        bot.user(ADMIN_VK, "Магомед", "Исаев")
        bot.user(HEAD_VK)
        mark = bot.last_sent_id()
        await bot.say(ADMIN_VK, "/correct Аймаумахи")
        await bot.say(ADMIN_VK, FORM)
        done, _ = await bot.press(ADMIN_VK, {"c": "send"})
        assert "помечены как внесённые: Магомед Исаев." in done["text"]
        [told] = bot.texts(HEAD_VK, after=mark)
        assert "Внесено: Магомед Исаев." in told
        # A head who does not take the community's messages: the admin hears so.
        await bot.emulator.set_allowed(HEAD_VK, False)
        await bot.say(ADMIN_VK, "/correct Аймаумахи")
        await bot.say(ADMIN_VK, FORM)
        done, not_told = await bot.press(ADMIN_VK, {"c": "send"})
        assert done["text"].startswith("Ответы внесены: Аймаумахи")
        assert not_told["text"] == texts.HEAD_NOT_TOLD


async def test_a_head_of_two_schools_picks_the_school_of_the_missed_week(
    sqlite_db: Database, clock: FakeClock
) -> None:
    schools = (("МКОУ «Аймаумахинская СОШ»", "Аймаумахи"), ("МКОУ «Бурдекинская ООШ»", "Бурдеки"))
    district = await make_district(sqlite_db, now=clock.now(), schools=schools)
    await make_staff(sqlite_db, vk_id=HEAD_VK, school_ids=district.school_ids, now=clock.now())
    await _round_of(sqlite_db, district.id, W42, clock)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        [choice] = await bot.say(HEAD_VK, "/report прошлая неделя")
        assert choice["text"] == texts.PAST_CHOOSE_SCHOOL
        intro, _ = await bot.say(HEAD_VK, "Бурдеки", payload=button(choice, "Бурдеки"))
    assert intro["text"].startswith("Отчёт за неделю 14–20 октября — Бурдеки.")
