"""Report numbers on both engines, checked against figures computed by hand."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.domain.formatting import format_percent
from bot.domain.indicators import aggregate_indicators
from bot.domain.outbox import RemindReport, VkMessage, read
from bot.domain.report_render import rank_schools, render_rating
from bot.domain.weeks import IsoWeek
from bot.resources import default_questionnaire
from bot.services.outbox.rows import new_row
from bot.services.reports import data as reports
from bot.services.reports import export, remind
from bot.services.reports.summary import escalation_text, summary_text
from storage.db import Database
from storage.models import (
    Answer,
    AuditEvent,
    Campaign,
    OutboxMessage,
    Response,
    Round,
    School,
)
from storage.repos import reports as repo
from tests.fixtures.sergokala import SCHOOLS, student_answers
from tests.utils import report_factories as f

NOW = datetime(2024, 10, 24, 10, 0, tzinfo=UTC)  # Thursday of 2024-W43
W43, W42 = IsoWeek(2024, 43), IsoWeek(2024, 42)


async def _two_schools(db: Database):
    """A big school at 50 % and a small one at 10 %: weighted 46,36 %, the mean would be 30 %."""
    async with db.sessions.begin() as s:
        district, (big, small, silent) = await f.district_with_schools(
            s, name="Д", schools=["Большая СОШ", "Малая СОШ", "Молчащая СОШ"], now=NOW
        )
        await f.head(s, school=silent, vk_id=303, now=NOW, first="Анна", last="Иванова")
        await f.answer(
            s,
            district=district,
            school=big,
            week=W43,
            now=NOW,
            values={
                "students_total": 1000,
                "students_active": 500,
                "staff_total": 40,
                "staff_registered": 40,
            },
        )
        await f.answer(
            s,
            district=district,
            school=small,
            week=W43,
            now=NOW,
            late=True,
            values={
                "students_total": 100,
                "students_active": 10,
                "staff_total": 10,
                "staff_registered": 9,
            },
        )
        await f.answer(
            s,
            district=district,
            school=big,
            week=W42,
            now=NOW,
            values={"students_total": 1000, "students_active": 400},
        )
    return district


async def test_district_figures_are_weighted(db: Database) -> None:
    district = await _two_schools(db)
    async with db.reads() as s:
        week = await reports.district_week(session=s, district=district, now=NOW)
    students = next(v for v in week.indicators if v.key == "students_active_pct")
    assert (students.numerator, students.denominator, students.count) == (510, 1100, 2)
    assert format_percent(students.ratio) == "46,36 %"  # 510 / 1100, not (50 + 10) / 2
    staff = next(v for v in week.indicators if v.key == "staff_registered_pct")
    assert staff.ratio == pytest.approx(49 / 50)
    # The change is over the big school alone, the only one that answered both weeks.
    assert week.change is not None and week.change.matched == 1
    assert week.change.pp("students_active_pct") == pytest.approx(10.0)  # 40 % -> 50 %
    assert [s.name for s in week.missing] == ["Молчащая СОШ"]
    assert [s.name for s in week.late] == ["Малая СОШ"]
    assert week.deadline_at == datetime(2024, 10, 25, 13, 0, tzinfo=UTC)


async def test_an_archived_school_stays_out_of_both_weeks(db: Database) -> None:
    district = await _two_schools(db)
    async with db.sessions.begin() as s:
        big = await s.scalar(select(School).where(School.name == "Большая СОШ"))
        assert big is not None
        big.archived_at = NOW
    async with db.reads() as s:
        week = await reports.district_week(session=s, district=district, now=NOW)
    assert [s.name for s in week.schools] == ["Малая СОШ", "Молчащая СОШ"]
    students = next(v for v in week.indicators if v.key == "students_active_pct")
    assert (students.numerator, students.denominator, students.count) == (10, 100, 1)
    # Only the big school answered last week: no school to compare.
    assert week.change is not None and week.change.matched == 0
    assert week.change.pp("students_active_pct") is None


async def test_status_rows_without_numbers_to_pivot(db: Database) -> None:
    """A request's questionnaire may ask no numbers: the rows still say who answered."""
    district = await _two_schools(db)
    async with db.reads() as s:
        rounds = await repo.weekly_rounds(
            s, district_id=district.id, upto_period="2024-W43", limit=1
        )
        rows = await repo.district_status(
            s, district_id=district.id, round_id=rounds[0].id, keys=[]
        )
    assert [(r.name, r.late, r.counts) for r in rows] == [
        ("Большая СОШ", False, {}),
        ("Малая СОШ", True, {}),
        ("Молчащая СОШ", None, {}),
    ]


async def test_sql_sums_agree_with_the_domain_aggregate(db: Database) -> None:
    district = await _two_schools(db)
    async with db.reads() as s:
        week = await reports.district_week(session=s, district=district, now=NOW)
        _, points = await reports.district_trend(session=s, district=district, now=NOW, weeks=2)
    per_school = [
        {"students_total": 1000, "students_active": 500, "staff_total": 40, "staff_registered": 40},
        {"students_total": 100, "students_active": 10, "staff_total": 10, "staff_registered": 9},
    ]
    expected = aggregate_indicators(default_questionnaire(), per_school)
    assert list(week.indicators) == expected
    assert list(points[-1].indicators) == expected  # the database's sums


async def test_seed_004_ranking_from_student_counts(db: Database) -> None:
    async with db.sessions.begin() as s:
        district, schools = await f.district_with_schools(
            s, name="Сергокалинский район", schools=sorted(x.name for x in SCHOOLS), now=NOW
        )
        by_name = {school.name: school for school in schools}
        for source in SCHOOLS:
            await f.answer(
                s,
                district=district,
                school=by_name[source.name],
                week=W43,
                now=NOW,
                values=student_answers(source),
            )
    async with db.reads() as s:
        week = await reports.district_week(session=s, district=district, now=NOW)
    ranked = rank_schools(week.schools, "students_active_pct")
    assert [(school.name, format_percent(v.ratio)) for school, v in ranked] == [
        (x.name, x.share) for x in SCHOOLS
    ]
    text = render_rating(week, "students_active_pct")
    assert "1. МКОУ «Дегвинская СОШ» — 48,68 %" in text
    assert "12. МКОУ «Канасирагинская СОШ» — 18,49 %" in text


async def test_undelivered_and_unreachable_heads_are_marked(db: Database) -> None:
    async with db.sessions.begin() as s:
        district, (a, b, c) = await f.district_with_schools(
            s, name="Д", schools=["А СОШ", "Б СОШ", "В СОШ"], now=NOW
        )
        await f.head(s, school=a, vk_id=1, now=NOW, reachable=False)
        await f.head(s, school=b, vk_id=2, now=NOW)
        await f.head(s, school=c, vk_id=3, now=NOW)
        round_ = await f.rounds.round_for_week(s, district, W43, NOW)
        s.add(
            OutboxMessage(
                natural_key="prompt:x",
                kind="prompt",
                round_id=round_.id,
                school_id=b.id,
                peer_id=2,
                payload={},
                random_id=1,
                status="failed",
                not_before=NOW,
                created_at=NOW,
            )
        )
    async with db.reads() as s:
        week = await reports.district_week(session=s, district=district, now=NOW)
        summary = await summary_text(session=s, round_=round_, now=NOW, late=False)
    lines = {s.name: (s.undelivered, s.head.reachable) for s in week.schools}
    assert lines == {"А СОШ": (False, False), "Б СОШ": (True, True), "В СОШ": (False, True)}
    assert "• А СОШ — [id1|Имя Фамилия] (не удалось доставить)" in summary
    assert "• Б СОШ — [id2|Имя Фамилия] (не удалось доставить)" in summary
    assert "• В СОШ — [id3|Имя Фамилия]" in summary


async def test_holiday_week_says_so(db: Database) -> None:
    async with db.sessions.begin() as s:
        district, _ = await f.district_with_schools(s, name="Д", schools=["А"], now=NOW)
        district.school_holidays = [["2024-10-28", "2024-11-04"]]
    async with db.reads() as s:
        week = await reports.district_week(
            session=s, district=district, now=NOW, week=IsoWeek(2024, 44)
        )
    assert week.holiday


async def test_school_history_covers_eight_weeks(db: Database) -> None:
    async with db.sessions.begin() as s:
        district, (school,) = await f.district_with_schools(s, name="Д", schools=["А"], now=NOW)
        for back in range(10):
            week = IsoWeek.containing((NOW - timedelta(weeks=back)).date())
            if back != 2:
                await f.answer(
                    s,
                    district=district,
                    school=school,
                    week=week,
                    now=NOW,
                    values={"students_total": 100, "students_active": 40 + back},
                )
            else:
                await f.rounds.round_for_week(s, district, week, NOW)
    async with db.reads() as s:
        history = await reports.school_history(session=s, school_id=school.id, now=NOW)
    assert [w.period for w in history.weeks][:2] == ["2024-W43", "2024-W42"]
    assert len(history.weeks) == 8
    assert history.weeks[2].answers is None
    assert history.weeks[0].answers == {"students_total": 100, "students_active": 40}


async def test_trend_and_region_use_the_same_numbers(db: Database) -> None:
    district = await _two_schools(db)
    async with db.sessions.begin() as s:
        other, (school,) = await f.district_with_schools(s, name="Е", schools=["Е СОШ"], now=NOW)
        await f.answer(
            s,
            district=other,
            school=school,
            week=W43,
            now=NOW,
            values={"students_total": 10, "students_active": 10},
        )
    async with db.reads() as s:
        _, points = await reports.district_trend(session=s, district=district, now=NOW, weeks=8)
        region = await reports.region_rows(session=s, now=NOW)
    assert [p.period for p in points] == ["2024-W42", "2024-W43"]
    assert [p.answered for p in points] == [1, 2]
    ratios = {r.district: (r.answered, r.schools, r.indicators[3].ratio) for r in region}
    assert ratios == {"Д": (2, 3, pytest.approx(510 / 1100)), "Е": (1, 1, 1.0)}


async def test_export_totals_are_the_status(db: Database) -> None:
    """The export sums the rows it read, /status the database's sums: the same figures."""
    district = await _two_schools(db)
    async with db.reads() as s:
        table = await export.export_table(session=s, district=district, now=NOW, weeks=4)
        weeks = [
            await reports.district_week(
                session=s, district=district, now=NOW, week=IsoWeek.parse(total.period)
            )
            for total in table.weeks
        ]
    assert [t.period for t in table.weeks] == ["2024-W42", "2024-W43"]
    assert [(t.answered, t.schools) for t in table.weeks] == [(1, 3), (2, 3)]
    for total, week in zip(table.weeks, weeks, strict=True):
        assert total.indicators == week.indicators


async def test_remind_queues_outbox_rows_once_an_hour(db: Database) -> None:
    district = await _two_schools(db)
    asked = {"district": district, "actor_id": None, "peer_id": 909}
    async with db.sessions.begin() as s:
        first = await remind.remind(session=s, now=NOW, **asked)
    async with db.sessions.begin() as s:
        again = await remind.remind(session=s, now=NOW + timedelta(minutes=59), **asked)
    async with db.sessions.begin() as s:
        later = await remind.remind(session=s, now=NOW + timedelta(minutes=61), **asked)
    assert first.queued == ("Молчащая СОШ",)
    assert again.next_allowed_at == NOW + timedelta(hours=1)
    assert later.queued == ("Молчащая СОШ",)
    async with db.reads() as s:
        rows = list(await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        audits = list(await s.scalars(select(AuditEvent.action)))
    assert [(r.kind, r.peer_id) for r in rows] == [
        ("reminder_manual", 303),
        ("remind_report", 909),
    ] * 2
    row, report = rows[:2]
    assert row.status == "pending"
    assert row.natural_key == f"reminder_manual:r{row.round_id}:20241024T10:s{row.school_id}:p303"
    assert 0 < row.random_id < 2**63
    assert row.not_before == NOW and row.not_after == datetime(2024, 10, 25, 13, tzinfo=UTC)
    message = read(row.kind, row.payload)
    assert isinstance(message, VkMessage) and "Молчащая СОШ" in message.texts[0]
    assert report.not_before == NOW + remind.REPORT_AFTER
    batch = f"r{row.round_id}:20241024T10"
    assert read(report.kind, report.payload) == RemindReport(batch=batch)
    assert audits.count("reports.remind") == 2


async def test_the_remind_report_names_schools_no_reminder_reached(db: Database) -> None:
    """Per school: any reminder sent — reached; all failed — named with the reason; some
    still being tried — named as such."""
    await _two_schools(db)
    async with db.sessions.begin() as s:
        schools = {school.name: school for school in await s.scalars(select(School))}
        round_id = await s.scalar(select(Round.id).where(Round.period == "2024-W43"))
        fates = {
            ("Большая СОШ", 1): ("failed", 901),
            ("Большая СОШ", 2): ("sent", None),
            ("Малая СОШ", 3): ("pending", 10),
            ("Молчащая СОШ", 4): ("failed", 901),
            ("Молчащая СОШ", 5): ("failed", None),
        }
        for (name, peer), (status, code) in fates.items():
            row = new_row(
                kind=remind.KIND,
                payload=VkMessage.of("Напоминание"),
                natural_key=f"reminder_manual:r{round_id}:20241024T10:s{schools[name].id}:p{peer}",
                round_id=round_id,
                school_id=schools[name].id,
                peer_id=peer,
                not_before=NOW,
                not_after=None,
                now=NOW,
            )
            s.add(OutboxMessage(**{**row, "status": status, "error_code": code}))
    report = OutboxMessage(round_id=round_id)
    async with db.reads() as s:
        payload = RemindReport(batch=f"r{round_id}:20241024T10")
        message = await remind.report_message(s, row=report, payload=payload)
        other = RemindReport(batch=f"r{round_id}:20241024T11")
        nothing = await remind.report_message(s, row=report, payload=other)
    assert message is not None and message.texts == (
        "Напоминание не дошло до 1 школы:\n"
        "• Молчащая СОШ — руководитель не разрешил сообщения от сообщества\n"
        "Свяжитесь с ними, пожалуйста, другим способом.\n"
        "Ещё пытаюсь доставить: Малая СОШ. Если не получится, они появятся в /status "
        "в строке «Не доставлено».",
    )
    assert nothing is None


async def test_escalation_lists_last_weeks_missing(db: Database) -> None:
    district = await _two_schools(db)
    async with db.reads() as s:
        round_ = (
            await repo.weekly_rounds(s, district_id=district.id, upto_period="2024-W43", limit=1)
        )[0]
        text = await escalation_text(session=s, round_=round_, now=NOW + timedelta(days=4))
    assert text.startswith(
        "На прошлой неделе (21.10–27.10.2024) в районе «Д» не ответила 1 школа из 3:"
    )
    assert "• Молчащая СОШ — Анна Иванова" in text


async def test_summary_of_a_one_off_request(db: Database) -> None:
    async with db.sessions.begin() as s:
        district, (school, _) = await f.district_with_schools(
            s, name="Д", schools=["А СОШ", "Б СОШ"], now=NOW
        )
        weekly = await f.rounds.weekly_campaign(s, district, NOW)
        campaign = Campaign(
            district_id=district.id, kind="request", title="Чаты классов",
            questionnaire_id=weekly.questionnaire_id, created_at=NOW,
        )  # fmt: skip
        s.add(campaign)
        await s.flush()
        round_ = Round(
            campaign_id=campaign.id, district_id=district.id, period="2024-11-02",
            questionnaire_id=weekly.questionnaire_id, opens_at=NOW,
            deadline_at=NOW + timedelta(days=5), created_at=NOW,
        )  # fmt: skip
        s.add(round_)
        await s.flush()
        response = Response(round_id=round_.id, school_id=school.id, submitted_at=NOW)
        s.add(response)
        await s.flush()
        s.add(Answer(response_id=response.id, key="classes_total", value=10, num=10.0))
        s.add(Answer(response_id=response.id, key="class_chats", value=9, num=9.0))
    async with db.reads() as s:
        text = await summary_text(session=s, round_=round_, now=NOW, late=False)
    assert text.startswith("Итоги запроса «Чаты классов» — Д (срок ")
    assert "Классов с чатом в Сферуме — 90,00 %" in text
    assert "• Б СОШ — руководитель не подключён к боту" in text


async def test_the_week_before_skips_weeks_without_a_round(db: Database) -> None:
    async with db.sessions.begin() as s:
        district, (school,) = await f.district_with_schools(s, name="Д", schools=["А"], now=NOW)
        other, (elsewhere,) = await f.district_with_schools(s, name="Е", schools=["Б"], now=NOW)
        for week in (IsoWeek(2024, 40), W42, W43):  # no round in week 41 (holidays)
            await f.answer(s, district=district, school=school, week=week, values={}, now=NOW)
        await f.answer(s, district=other, school=elsewhere, week=W42, values={}, now=NOW)
    async with db.reads() as s:
        found = await repo.weekly_rounds_before(
            s, periods={district.id: "2024-W43", other.id: "2024-W42"}
        )
        earlier = await repo.weekly_rounds_before(s, periods={district.id: "2024-W42"})
    assert {d: r.period for d, r in found.items()} == {district.id: "2024-W42"}
    assert {d: r.period for d, r in earlier.items()} == {district.id: "2024-W40"}


async def test_the_region_computes_each_districts_change_as_its_status_does(db: Database) -> None:
    teachers = {"staff_registered": 40, "teachers_active": 20, "students_total": 100}
    async with db.sessions.begin() as s:
        made = []
        for name in ("Д", "Е"):
            district, schools = await f.district_with_schools(
                s, name=name, schools=["А", "Б", "В", "Г"], now=NOW
            )
            made.append(district)
            a, b, c, d = schools
            for school, week, values in (
                (b, W42, {**teachers, "teachers_active": 36, "students_active": 90}),
                (c, W42, {**teachers, "students_active": 10}),
                (d, W42, teachers),  # no students' numbers last week
                (a, W43, {**teachers, "teachers_active": 4, "students_active": 5}),
                (c, W43, {**teachers, "teachers_active": 30, "students_active": 40}),
                (d, W43, {**teachers, "teachers_active": 25, "students_active": 60}),
            ):
                await f.answer(
                    s, district=district, school=school, week=week, values=values, now=NOW
                )
            if name == "Е":
                d.archived_at = NOW  # off the roster: out of both
        await f.district_with_schools(s, name="Ж", schools=["З"], now=NOW)  # no rounds
    async with db.reads() as s:
        region = {row.district: row for row in await reports.region_rows(session=s, now=NOW)}
        for district in made:
            week = await reports.district_week(session=s, district=district, now=NOW)
            ours, theirs = region[district.name].change, week.change
            assert ours is not None and theirs is not None
            assert (ours.answered, ours.matched, ours.same_schools) == (
                theirs.answered,
                theirs.matched,
                theirs.same_schools,
            )
            for ind in default_questionnaire().indicators:
                assert ours.pp(ind.key) == pytest.approx(theirs.pp(ind.key)), ind.key
    assert region["Д"].change is not None and region["Д"].change.matched == 2
    assert region["Д"].change.pp("teachers_active_pct") == pytest.approx(18.75)  # 40/80 -> 55/80
    assert region["Д"].change.pp("students_active_pct") == pytest.approx(30.0)  # В alone
    assert region["Ж"].change is None
