from datetime import UTC, datetime

from bot.domain.indicators import aggregate_indicators, compute_indicators
from bot.domain.report_data import Author, DistrictWeek, Head, SchoolLine
from bot.domain.report_render import (
    BELOW_SHOWN,
    author_line,
    render_missing,
    render_status,
    render_summary,
    week_label,
)
from bot.domain.text_split import VK_MESSAGE_LIMIT, split_message
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
