import json
from datetime import time

import pytest
from pydantic import ValidationError

from bot.domain.schedule import Schedule, ScheduleError, WeeklyTime

DEFAULT_RU = (
    "опрос пн 09:00; напоминания чт 15:00, пт 10:00; срок пт 16:00; сводка пт 17:00; "
    "эскалация пн 09:00"
)


def at(weekday: int, hour: int, minute: int = 0) -> WeeklyTime:
    return WeeklyTime(weekday=weekday, time=time(hour, minute))


def test_default_matches_design():
    schedule = Schedule()
    assert schedule.prompt == at(0, 9)
    assert schedule.reminders == (at(3, 15), at(4, 10))
    assert (schedule.deadline, schedule.summary, schedule.escalation) == (
        at(4, 16),
        at(4, 17),
        at(0, 9),
    )
    assert schedule.format_ru() == DEFAULT_RU


def test_parse_default_text():
    assert Schedule.parse_ru(DEFAULT_RU) == Schedule()


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("Срок: в пятницу 15.30", "deadline", at(4, 15, 30)),
        ("крайний срок пт 14", "deadline", at(4, 14)),
        ("срок:пт16:00.", "deadline", at(4, 16)),
        ("сводка = пт. 17-30", "summary", at(4, 17, 30)),
        ("сводка ПТ 16:00", "summary", at(4, 16)),
        ("опрос вторник 8:05", "prompt", at(1, 8, 5)),
        ("эскалация во вторник 10:00", "escalation", at(1, 10)),
        ("напоминания нет", "reminders", ()),
        ("напоминание ср 12:00 и чт 12:00", "reminders", (at(2, 12), at(3, 12))),
        ("напоминания пт 12:00 10:00", "reminders", (at(4, 10), at(4, 12))),
        ("напоминания: пт 10:00, чт 15:00", "reminders", (at(3, 15), at(4, 10))),
    ],
)
def test_parse_forgiving(text, field, expected):
    assert getattr(Schedule.parse_ru(text), field) == expected


def test_parse_keeps_parts_not_given():
    base = Schedule.parse_ru("срок чт 18:00; сводка пт 09:00; напоминания чт 12:00")
    changed = Schedule.parse_ru("сводка пт 10:00", base=base)
    assert changed.deadline == at(3, 18)
    assert changed.summary == at(4, 10)
    assert changed.reminders == (at(3, 12),)


def test_multiline_text():
    text = "опрос пн 10:00\nсрок чт 16:00\nсводка чт 17:00\nнапоминания ср 15:00"
    schedule = Schedule.parse_ru(text)
    assert schedule.format_ru() == (
        "опрос пн 10:00; напоминания ср 15:00; срок чт 16:00; сводка чт 17:00; эскалация пн 09:00"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Расписание пустое"),
        ("отчёт пт 16:00", "Не понимаю «отчёт пт 16:00»"),
        ("срок пт 16:00; срок пт 17:00", "Часть «срок» указана дважды"),
        ("срок пх 16:00", "«пх» в части «срок» — не день недели"),
        ("сводка пт 24:00", "«24:00» в части «сводка» — не время"),
        ("сводка пт 17:75", "«17:75» в части «сводка» — не время"),
        ("срок 16:00", "перед «16:00» не хватает дня недели"),
        ("опрос пн", "после «пн» не хватает времени"),
        ("напоминания чт пт 10:00", "после «чт» не хватает времени"),
        ("срок", "В части «срок» не хватает дня и времени"),
        ("срок пт 16:00, пт 17:00", "В части «срок» нужен один день и время"),
        ("сводка сб 10:00", "По выходным бот не пишет: «сводка сб 10:00»"),
        ("эскалация вс 10:00", "По выходным бот не пишет: «эскалация вс 10:00»"),
        ("напоминания пт 10:00, пт 10:00", r"Два напоминания на одно время \(пт 10:00\)"),
        ("напоминания пн 08:00", r"Напоминание \(пн 08:00\) должно быть позже опроса"),
        ("напоминания пн 09:00", r"Напоминание \(пн 09:00\) должно быть позже опроса"),
        ("напоминания пт 16:30", r"Напоминание \(пт 16:30\) должно быть раньше срока"),
        ("опрос пт 17:00; напоминания нет", r"Опрос \(пт 17:00\) должен быть раньше срока"),
        ("сводка пт 15:00", r"Сводка \(пт 15:00\) не может быть раньше срока \(пт 16:00\)"),
    ],
)
def test_parse_errors_name_the_wrong_part(text, message):
    with pytest.raises(ScheduleError, match=message):
        Schedule.parse_ru(text)


def test_deadline_may_equal_summary():
    assert Schedule.parse_ru("сводка пт 16:00").summary == Schedule().deadline


def test_dict_round_trip_through_json():
    schedule = Schedule.parse_ru("опрос вт 08:30; напоминания ср 12:00; срок чт 18:00")
    data = json.loads(json.dumps(schedule.to_dict()))
    assert Schedule.from_dict(data) == schedule


def test_from_dict_checks_order():
    data = Schedule().to_dict() | {"summary": {"weekday": 0, "time": "08:00"}}
    with pytest.raises(ScheduleError, match="Сводка"):
        Schedule.from_dict(data)


@pytest.mark.parametrize(
    "bad", [{"weekday": 7, "time": "09:00"}, {"weekday": 0, "time": "09:00:30"}]
)
def test_weekly_time_validation(bad):
    with pytest.raises(ValidationError):
        WeeklyTime.model_validate(bad)


def test_schedule_is_immutable():
    with pytest.raises(ValidationError):
        Schedule().deadline = at(3, 16)  # type: ignore[misc]
