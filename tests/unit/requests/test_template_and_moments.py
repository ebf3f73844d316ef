"""The XLSX template, a request's moments around days off, deadlines and e-mail addresses."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.domain.calendar_days import DayCalendar
from bot.domain.request_rounds import DeadlineError, parse_deadline, plan_request
from bot.domain.xlsx_template import build_template, sheet_title
from bot.resources import load_questionnaire, public_holidays
from bot.services.outbox.mail import message_id_for, parse_addresses

MSK = ZoneInfo("Europe/Moscow")


def test_template_has_a_bold_frozen_header_and_validations() -> None:
    question = load_questionnaire("bot/questionnaires/class_chats.toml").questions[0]
    sheet = load_workbook(io.BytesIO(build_template(question))).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == [c.label for c in question.columns]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    kinds = {v.type: v for v in sheet.data_validations.dataValidation}
    assert kinds["list"].formula1 == '"да,нет"'
    assert (kinds["whole"].formula1, kinds["whole"].formula2) == ("0", "60")
    assert sheet.column_dimensions["B"].width >= len("Классный руководитель")


def test_sheet_titles_are_valid() -> None:
    assert sheet_title("Чаты: 5/6 классы [2024]?") == "Чаты  5 6 классы  2024"
    assert len(sheet_title("я" * 80)) == 31


def _msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK).astimezone(UTC)


def test_reminders_two_days_before_and_on_the_morning_of_the_deadline() -> None:
    plan = plan_request(
        opens_at=_msk(2024, 10, 21, 10, 0),
        deadline_at=_msk(2024, 10, 24, 18, 0),
        tz=MSK,
        calendar=DayCalendar(public_holidays()),
    )
    assert plan.reminders_at == (_msk(2024, 10, 22, 9, 0), _msk(2024, 10, 24, 9, 0))
    assert plan.summary_at == plan.deadline_at


def test_reminders_skip_days_off_and_drop_what_does_not_fit() -> None:
    # Seed 004: the deadline is Saturday 02.11.2024; 04.11 is a public holiday.
    plan = plan_request(
        opens_at=_msk(2024, 10, 28, 12, 0),
        deadline_at=_msk(2024, 11, 2, 18, 0),
        tz=MSK,
        calendar=DayCalendar(public_holidays()),
    )
    assert plan.reminders_at == (_msk(2024, 10, 31, 9, 0), _msk(2024, 11, 1, 9, 0))
    late = plan_request(
        opens_at=_msk(2024, 11, 1, 12, 0),
        deadline_at=_msk(2024, 11, 1, 17, 0),
        tz=MSK,
        calendar=DayCalendar(public_holidays()),
    )
    assert late.reminders_at == ()


def test_deadlines() -> None:
    assert parse_deadline("02.11.2024 18:00", MSK) == _msk(2024, 11, 2, 18, 0)
    assert parse_deadline("2.11.2024", MSK) == _msk(2024, 11, 2, 18, 0)
    assert parse_deadline("2024-11-02T18:00+03:00", MSK) == _msk(2024, 11, 2, 18, 0)
    with pytest.raises(DeadlineError, match="Такой даты нет"):
        parse_deadline("31.02.2024 10:00", MSK)
    with pytest.raises(DeadlineError, match="Не понимаю срок"):
        parse_deadline("😀" * 5000, MSK)


def test_addresses() -> None:
    assert parse_addresses("a@b.ru, c@d.ru;A@B.ru  e@f.com") == ["a@b.ru", "c@d.ru", "e@f.com"]
    assert parse_addresses("-") == []
    with pytest.raises(ValueError, match="Не похоже"):
        parse_addresses("a@b.ru, nonsense")
    with pytest.raises(ValueError, match="не больше 10"):
        parse_addresses(",".join(f"a{n}@b.ru" for n in range(11)))
    assert message_id_for(7, 255, "svodka@uo.ru") == "<svodka.7.ff@uo.ru>"
