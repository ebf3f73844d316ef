"""What the charts write: the change in the trend's legend, the foreign-messenger mark."""

from bot.domain.indicators import aggregate_indicators, compute_indicators
from bot.domain.report_data import DistrictWeek, SchoolLine, WeekPoint
from bot.domain.week_change import week_change
from bot.resources import default_questionnaire
from bot.services.reports.charts import school_bars, trend_legend

QN = default_questionnaire()


def _teachers(registered: int, active: int) -> dict[str, object]:
    return {"staff_registered": registered, "teachers_active": active}


def test_the_legend_shows_the_change_over_the_schools_of_both_weeks() -> None:
    before = {2: _teachers(100, 90), 3: _teachers(40, 20)}
    now = {1: _teachers(100, 10), 3: _teachers(40, 24)}
    points = [
        WeekPoint("2024-W42", tuple(aggregate_indicators(QN, before.values())), 2),
        WeekPoint("2024-W43", tuple(aggregate_indicators(QN, now.values())), 2),
    ]
    change = week_change(QN, now, before)
    labels, notes = trend_legend(points, change)
    assert "Педагогов, активных за неделю (▲ 10,00 п. п. за неделю)" in labels
    assert "Педагогов в Сферуме" in labels  # no numbers either week: no arrow
    assert notes == [
        "Точка недели — по школам, ответившим в ту неделю.",
        "Изменение по 1 школе, ответившей обе недели.",
    ]
    assert trend_legend(points, None) == ([v.label for v in points[0].indicators], [])


def test_a_school_using_foreign_messengers_is_marked() -> None:
    values = tuple(compute_indicators(QN, {"students_total": 100, "students_active": 60}))
    schools = (
        SchoolLine(1, "МКОУ «Дегвинская СОШ»", None, True, values=values, foreign="WhatsApp"),
        SchoolLine(2, "МКОУ «Бурдекинская СОШ»", None, True, values=values),
    )
    week = DistrictWeek("Район", "2024-W43", "Europe/Moscow", None, schools, ())
    bars = school_bars(week, "students_active_pct")
    assert [(bar.name, bar.foreign) for bar in bars] == [
        ("⚠ Дегвинская СОШ", True),
        ("Бурдекинская СОШ", False),
    ]
