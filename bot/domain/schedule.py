"""A district's weekly schedule: when to prompt, remind, close, summarise and escalate.

Times are wall-clock times in the district's zone; turning them into instants for a given
week (with holidays) is `bot.domain.rounds`. Admins edit the schedule in VK with a compact
Russian syntax, parts separated by ";" or new lines, each part a keyword and day-time pairs:

    опрос пн 09:00; напоминания чт 15:00, пт 10:00; срок пт 16:00; сводка пт 17:00;
    эскалация пн 09:00

Forgiving on purpose: full day names ("пятница", "в пятницу"), "9:00"/"9.00"/"9", a colon
after the keyword, "напоминания нет"; parts left out keep their current value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# User-facing messages (Russian). {part} is a part's keyword, {moment} like "пт 16:00".
EXAMPLE = (
    "опрос пн 09:00; напоминания чт 15:00, пт 10:00; срок пт 16:00; сводка пт 17:00; "
    "эскалация пн 09:00"
)
MSG_EMPTY = "Расписание пустое. Пример: {example}"
MSG_UNKNOWN_PART = (
    "Не понимаю «{text}». Каждая часть начинается со слова: опрос, напоминания, срок, "
    "сводка или эскалация. Пример: {example}"
)
MSG_DUPLICATE_PART = "Часть «{part}» указана дважды — оставьте одну."
MSG_BAD_DAY = "«{token}» в части «{part}» — не день недели. Пишите пн, вт, ср, чт или пт."
MSG_BAD_TIME = "«{token}» в части «{part}» — не время. Пишите часы и минуты, например 09:00."
MSG_NO_DAY = "В части «{part}» перед «{token}» не хватает дня недели, например «пт {token}»."
MSG_NO_TIME = "В части «{part}» после «{token}» не хватает времени, например «{token} 09:00»."
MSG_NO_MOMENT = "В части «{part}» не хватает дня и времени, например «{part} пт 16:00»."
MSG_ONE_MOMENT = "В части «{part}» нужен один день и время, например «{part} пт 16:00»."
MSG_WEEKEND = "По выходным бот не пишет: «{part} {moment}». Выберите день с пн по пт."
MSG_REMINDER_TWICE = "Два напоминания на одно время ({moment}) — оставьте одно."
MSG_REMINDER_BEFORE_PROMPT = "Напоминание ({moment}) должно быть позже опроса ({prompt})."
MSG_REMINDER_AFTER_DEADLINE = "Напоминание ({moment}) должно быть раньше срока ({deadline})."
MSG_PROMPT_AFTER_DEADLINE = "Опрос ({prompt}) должен быть раньше срока ({deadline})."
MSG_SUMMARY_BEFORE_DEADLINE = "Сводка ({summary}) не может быть раньше срока ({deadline})."

WEEKDAYS_RU = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
# First three letters of the full names: "пятница", "пятницу" and "пят" all match.
_WEEKDAY_STEMS = ("пон", "вто", "сре", "чет", "пят", "суб", "вос")
_PARTS = {
    "prompt": "опрос",
    "reminders": "напоминания",
    "deadline": "срок",
    "summary": "сводка",
    "escalation": "эскалация",
}
# Keyword stems, so "напоминание", "напоминания:" and "крайний срок" all work.
_KEYWORDS = {
    "опрос": "prompt",
    "анкет": "prompt",
    "напомин": "reminders",
    "срок": "deadline",
    "крайн": "deadline",
    "дедлайн": "deadline",
    "сводк": "summary",
    "итог": "summary",
    "эскалац": "escalation",
}
_FILLERS = frozenset({"в", "во", "до", "к", "и", "срок"})  # "крайний срок", "в пятницу и ..."
_NONE_WORDS = frozenset({"нет", "без", "-", "—"})
_TIME_RE = re.compile(r"(\d{1,2})(?:[:.\-](\d{2}))?")


class ScheduleError(Exception):
    """A schedule an admin typed is invalid; the message is Russian and meant for them.

    Not a ValueError on purpose: pydantic would wrap that into a ValidationError.
    """


class WeeklyTime(BaseModel):
    """A wall-clock time on a weekday (0 = Monday), to the minute."""

    model_config = ConfigDict(frozen=True)

    weekday: int = Field(ge=0, le=6)
    time: dt.time

    @field_validator("time")
    @classmethod
    def _whole_minutes(cls, value: dt.time) -> dt.time:
        if value.tzinfo is not None or value.second or value.microsecond:
            raise ValueError("time must be a naive wall-clock time to the minute")
        return value

    @property
    def key(self) -> tuple[int, dt.time]:
        """Position within the week, for ordering."""
        return self.weekday, self.time

    def format_ru(self) -> str:
        return f"{WEEKDAYS_RU[self.weekday]} {self.time:%H:%M}"


def _at(weekday: int, hour: int, minute: int = 0) -> WeeklyTime:
    return WeeklyTime(weekday=weekday, time=dt.time(hour, minute))


class Schedule(BaseModel):
    """One district's round; `escalation` is in the week after the round."""

    model_config = ConfigDict(frozen=True)

    prompt: WeeklyTime = _at(0, 9)
    reminders: tuple[WeeklyTime, ...] = (_at(3, 15), _at(4, 10))
    deadline: WeeklyTime = _at(4, 16)
    summary: WeeklyTime = _at(4, 17)
    escalation: WeeklyTime = _at(0, 9)

    @field_validator("reminders")
    @classmethod
    def _sorted(cls, value: tuple[WeeklyTime, ...]) -> tuple[WeeklyTime, ...]:
        return tuple(sorted(value, key=lambda moment: moment.key))

    @model_validator(mode="after")
    def _check(self) -> Self:
        for field, moment in self._named_moments():
            if moment.weekday >= 5:
                raise ScheduleError(
                    MSG_WEEKEND.format(part=_PARTS[field], moment=moment.format_ru())
                )
        prompt, deadline = self.prompt.format_ru(), self.deadline.format_ru()
        for earlier, later in zip(self.reminders, self.reminders[1:], strict=False):
            if earlier.key == later.key:
                raise ScheduleError(MSG_REMINDER_TWICE.format(moment=later.format_ru()))
        for reminder in self.reminders:
            if reminder.key <= self.prompt.key:
                raise ScheduleError(
                    MSG_REMINDER_BEFORE_PROMPT.format(moment=reminder.format_ru(), prompt=prompt)
                )
            if reminder.key >= self.deadline.key:
                raise ScheduleError(
                    MSG_REMINDER_AFTER_DEADLINE.format(
                        moment=reminder.format_ru(), deadline=deadline
                    )
                )
        if self.prompt.key >= self.deadline.key:
            raise ScheduleError(MSG_PROMPT_AFTER_DEADLINE.format(prompt=prompt, deadline=deadline))
        if self.summary.key < self.deadline.key:
            raise ScheduleError(
                MSG_SUMMARY_BEFORE_DEADLINE.format(
                    summary=self.summary.format_ru(), deadline=deadline
                )
            )
        return self

    def _named_moments(self) -> list[tuple[str, WeeklyTime]]:
        return [
            ("prompt", self.prompt),
            *(("reminders", reminder) for reminder in self.reminders),
            ("deadline", self.deadline),
            ("summary", self.summary),
            ("escalation", self.escalation),
        ]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for storage."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Schedule:
        """Inverse of `to_dict`: ScheduleError if out of order, ValidationError if malformed."""
        return cls.model_validate(data)

    @classmethod
    def parse_ru(cls, text: str, base: Schedule | None = None) -> Schedule:
        """Read the admin syntax (module docstring); parts not given are taken from `base`."""
        parts = [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]
        if not parts:
            raise ScheduleError(MSG_EMPTY.format(example=EXAMPLE))
        values: dict[str, Any] = {}
        for part in parts:
            field, moments = _parse_part(part)
            if field in values:
                raise ScheduleError(MSG_DUPLICATE_PART.format(part=_PARTS[field]))
            if field == "reminders":
                values[field] = tuple(moments)
            elif len(moments) != 1:
                template = MSG_NO_MOMENT if not moments else MSG_ONE_MOMENT
                raise ScheduleError(template.format(part=_PARTS[field]))
            else:
                values[field] = moments[0]
        return cls(**(dict(base or cls()) | values))

    def format_ru(self) -> str:
        reminders = ", ".join(r.format_ru() for r in self.reminders) or "нет"
        return (
            f"опрос {self.prompt.format_ru()}; напоминания {reminders}; "
            f"срок {self.deadline.format_ru()}; сводка {self.summary.format_ru()}; "
            f"эскалация {self.escalation.format_ru()}"
        )


def _parse_part(part: str) -> tuple[str, list[WeeklyTime]]:
    """One part, e.g. "напоминания чт 15:00, пт 10:00" -> ("reminders", [чт 15:00, пт 10:00])."""
    # A time is a digit run (with : . -); anything else splits on blanks, commas, ":" and "="
    # and at a digit, so "срок: пт16:00" reads like "срок пт 16:00".
    tokens = re.findall(r"\d[\d:.\-]*|[^\s,:=\d]+", part.lower().replace("ё", "е"))
    keyword = tokens[0]
    field = next((f for stem, f in _KEYWORDS.items() if keyword.startswith(stem)), None)
    if field is None:
        raise ScheduleError(MSG_UNKNOWN_PART.format(text=part, example=EXAMPLE))
    name = _PARTS[field]
    rest = [token.strip(".") for token in tokens[1:]]
    rest = [token for token in rest if token and token not in _FILLERS]
    if field == "reminders" and len(rest) == 1 and rest[0] in _NONE_WORDS:
        return field, []
    moments: list[WeeklyTime] = []
    pending: int | None = None  # a day still waiting for its time
    last: int | None = None  # the day a further bare time belongs to: "пт 10:00 14:00"
    for token in rest:
        if token[0].isdigit():
            day = pending if pending is not None else last
            if day is None:
                raise ScheduleError(MSG_NO_DAY.format(token=token, part=name))
            moments.append(WeeklyTime(weekday=day, time=_parse_time(token, name)))
            last, pending = day, None
        else:
            if pending is not None:
                raise ScheduleError(MSG_NO_TIME.format(token=WEEKDAYS_RU[pending], part=name))
            pending = _parse_weekday(token, name)
    if pending is not None:
        raise ScheduleError(MSG_NO_TIME.format(token=WEEKDAYS_RU[pending], part=name))
    return field, moments


def _parse_weekday(token: str, part: str) -> int:
    if token in WEEKDAYS_RU:
        return WEEKDAYS_RU.index(token)
    if len(token) >= 3 and token[:3] in _WEEKDAY_STEMS:
        return _WEEKDAY_STEMS.index(token[:3])
    raise ScheduleError(MSG_BAD_DAY.format(token=token, part=part))


def _parse_time(token: str, part: str) -> dt.time:
    match = _TIME_RE.fullmatch(token)
    if match is None or int(match[1]) > 23 or int(match[2] or 0) > 59:
        raise ScheduleError(MSG_BAD_TIME.format(token=token, part=part))
    return dt.time(int(match[1]), int(match[2] or 0))
