from dataclasses import replace
from datetime import UTC, datetime

from bot.domain.indicators import aggregate_indicators, compute_indicators
from bot.domain.report_data import Author, DistrictWeek, Head, SchoolLine
from bot.domain.report_render import (
    BELOW_SHOWN,
    author_line,
    render_escalation,
    render_missing,
    render_rating,
    render_status,
    render_summary,
    week_label,
)
from bot.domain.text_split import VK_MESSAGE_LIMIT, split_message
from bot.domain.week_change import week_change
from bot.resources import default_questionnaire

QN = default_questionnaire()


def _school(i: int, *, answered: bool, active: int = 10) -> SchoolLine:
    values = compute_indicators(QN, {"students_total": 100, "students_active": active})
    return SchoolLine(
        school_id=i,
        name=f"МКОУ «Школа с довольно длинным названием имени героя №{i}»",
        head=Head(vk_id=1000 + i, name=f"Руководитель Номер{i}", reachable=i % 7 != 0),
        answered=answered,
        values=tuple(values) if answered else (),
    )


def _week(schools: list[SchoolLine]) -> DistrictWeek:
    return DistrictWeek(
        district="Район",
        period="2024-W43",
        tz="Europe/Moscow",
        deadline_at=datetime(2024, 10, 25, 13, tzinfo=UTC),
        schools=tuple(schools),
        indicators=tuple(
            aggregate_indicators(
                QN, [{"students_total": 100, "students_active": 10}] * len(schools)
            )
        ),
    )


def test_a_long_status_splits_between_lines() -> None:
    # A district of 60 on Monday: 50 schools still to answer, each named with its head.
    week = _week([_school(i, answered=i % 6 == 0) for i in range(60)])
    text = render_status(week)
    assert len(text) > VK_MESSAGE_LIMIT
    chunks = split_message(text)
    assert len(chunks) > 1
    assert all(len(chunk) <= VK_MESSAGE_LIMIT for chunk in chunks)
    lines = text.split("\n")
    for chunk in chunks:  # every chunk is made of whole lines of the report
        assert all(line in lines for line in chunk.split("\n"))


def test_below_threshold_names_the_worst_and_counts_the_rest() -> None:
    week = _week([_school(i, answered=True, active=40 - i) for i in range(BELOW_SHOWN + 2)])
    lines = render_status(week).split("\n")
    start = lines.index("• Обучающихся, активных в Сферуме — ниже 50 %:")
    shown = lines[start + 1 : start + BELOW_SHOWN + 2]
    assert shown[0] == f"   {_school(BELOW_SHOWN + 1, answered=True).name} — 34,00 %"
    assert shown[-1] == "   …и ещё 2 школы — полный список: /export"
    # The Friday summary in the district chat is capped the same way.
    assert "   …и ещё 2 школы — полный список: /export" in render_summary(week, late=False)


def test_one_school_more_is_named_rather_than_counted() -> None:
    week = _week([_school(i, answered=True) for i in range(BELOW_SHOWN + 1)])
    text = render_status(week)
    assert all(_school(i, answered=True).name in text for i in range(BELOW_SHOWN + 1))
    assert "и ещё" not in text


def test_status_names_missing_heads_and_marks_undeliverable() -> None:
    text = render_status(_week([_school(0, answered=False), _school(1, answered=False)]))
    assert "Не ответили (2 школы):" in text
    assert "№0» — Руководитель Номер0 (не удалось доставить)" in text
    assert "№1» — Руководитель Номер1" in text
    assert "Срок — пт 25.10 в 16:00." in text


def test_summary_mentions_heads_and_escapes_names() -> None:
    school = SchoolLine(1, "А СОШ", Head(5, "Иван [Злой]|Петров", True))
    text = render_summary(_week([school]), late=False)
    assert "• А СОШ — [id5|Иван  Злой  Петров]" in text


def test_all_answered() -> None:
    text = render_missing(_week([_school(2, answered=True)]))
    assert "Ответили 1 из 1 школы." in text and "Ответили все школы." in text


def test_week_label() -> None:
    assert week_label("2024-W43") == "21.10–27.10.2024"
    assert week_label("разовый") == "разовый"


def _trial_week(*, foreign: int = 1) -> DistrictWeek:
    """Three schools answered both weeks, one only this week, one only last week."""
    qn_values = {
        3: {"staff_registered": 40, "teachers_active": 24},
        4: {"staff_registered": 40, "teachers_active": 24},
    }
    before = {
        3: {"staff_registered": 40, "teachers_active": 20},
        4: {"staff_registered": 40, "teachers_active": 20},
        9: {"staff_registered": 100, "teachers_active": 90},
    }
    schools = [
        SchoolLine(
            school_id=i,
            name=f"СОШ №{i}",
            head=None,
            answered=True,
            values=tuple(compute_indicators(QN, answers)),
            foreign="WhatsApp — родительские чаты 2 классов" if i < 3 + foreign else None,
        )
        for i, answers in qn_values.items()
    ]
    return DistrictWeek(
        district="Район",
        period="2024-W43",
        tz="Europe/Moscow",
        deadline_at=None,
        schools=tuple(schools),
        indicators=tuple(aggregate_indicators(QN, qn_values.values())),
        change=week_change(QN, qn_values, before),
        foreign_asked=True,
    )


def test_the_change_says_which_schools_it_is_over() -> None:
    lines = render_status(_trial_week()).split("\n")
    assert "• Педагогов, активных за неделю — 60,00 % (▲ 10,00 п. п. за неделю)" in lines
    assert "Изменение по 2 школам, ответившим обе недели." in lines
    # No school gave students' numbers both weeks: no arrow, not «— —».
    assert "• Обучающихся, активных в Сферуме — —" in lines


def test_foreign_messengers_come_first() -> None:
    text = render_summary(_trial_week(), late=False)
    lines = text.split("\n")
    title = lines.index("⚠ Иностранные мессенджеры — 1 школа:")
    assert lines[title + 1] == "• СОШ №3: WhatsApp — родительские чаты 2 классов"
    assert title < lines.index("Показатели района:")
    assert "Иностранными мессенджерами не пользуется" in render_status(_trial_week(foreign=0))


def test_the_escalation_names_foreign_messengers_even_when_all_answered() -> None:
    text = render_escalation(_trial_week(foreign=2))
    assert text.startswith(
        "⚠ Иностранные мессенджеры на прошлой неделе (21.10–27.10.2024), район «Район» — 2 школы:"
    )
    assert "• СОШ №4: WhatsApp — родительские чаты 2 классов" in text
    assert text.endswith("На прошлой неделе (21.10–27.10.2024) ответили все школы района «Район».")


def test_the_rating_marks_foreign_messengers() -> None:
    text = render_rating(_trial_week(), "teachers_active_pct")
    assert "1. СОШ №3 — 60,00 % ⚠" in text
    assert "2. СОШ №4 — 60,00 %\n" in text
    assert text.endswith("⚠ — школа пользуется иностранными мессенджерами.")


def test_no_school_of_both_weeks_shows_no_arrow() -> None:
    school = _school(1, answered=True)
    week = replace(
        _week([school]),
        change=week_change(
            QN, {1: {"students_total": 100, "students_active": 10}}, {2: {"students_total": 100}}
        ),
    )
    text = render_status(week)
    assert "за неделю)" not in text
    assert "Изменение за неделю не показано: ни одна школа не ответила обе недели." in text


def test_no_note_before_anybody_answered_this_week() -> None:
    week = replace(
        _week([_school(1, answered=False)]),
        change=week_change(QN, {}, {1: {"students_total": 100}}),
    )
    assert "Изменение" not in render_status(week)


def test_many_schools_with_foreign_messengers_are_counted_after_ten() -> None:
    schools = [replace(_school(i, answered=True), foreign="Telegram") for i in range(13)]
    lines = render_status(replace(_week(schools), foreign_asked=True)).split("\n")
    start = lines.index("⚠ Иностранные мессенджеры — 13 школ:")
    assert lines[start + 10] == f"• {schools[9].name}: Telegram"
    assert lines[start + 11] == "• …и ещё 3 школы"


def test_who_sent_a_schools_answers_and_when() -> None:
    at = datetime(2024, 10, 22, 11, 5, tzinfo=UTC)
    deputy = Author("Марьям Алиева", "deputy", False, at, "Europe/Moscow")
    office = Author("Зарема Магомедова", None, True, at, "Europe/Moscow")
    unknown = Author("id42", None, False, at, "Europe/Moscow")
    assert author_line(deputy) == "Отправлено: Марьям Алиева (заместитель), вт 22.10 в 14:05."
    assert author_line(office) == (
        "Внесено: Зарема Магомедова (управление образования), вт 22.10 в 14:05."
    )
    assert author_line(unknown) == "Отправлено: id42, вт 22.10 в 14:05."
