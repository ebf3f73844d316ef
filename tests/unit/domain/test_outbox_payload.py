"""Outbox payloads: what is written reads back, old rows still read, bad ones are named."""

from __future__ import annotations

import json

import pytest

from bot.domain.outbox import (
    KINDS,
    VK_KINDS,
    Email,
    RemindReport,
    UnreadablePayload,
    VkMessage,
    dump,
    keyboard_problem,
    missing_address,
    read,
)
from bot.texts import requests as request_texts
from bot.texts import schedule as schedule_texts

KEYBOARD = schedule_texts.fill_keyboard()
WRITTEN = [
    ("prompt", VkMessage.of("Здравствуйте!", KEYBOARD)),
    ("summary", VkMessage.of("Итоги\n" + "строка сводки\n" * 700)),
    ("reminder_manual", VkMessage.of("Напоминание")),
    ("email", Email(to="uo@sergokala.ru", subject="Сферум: итоги")),
    ("remind_report", RemindReport(batch="r7:20241022T10")),
]


@pytest.mark.parametrize(("kind", "payload"), WRITTEN)
def test_what_is_written_reads_back_the_same(kind: str, payload) -> None:
    raw = dump(kind, payload)
    assert raw["version"] == 1
    assert read(kind, json.loads(json.dumps(raw))) == payload


def test_a_long_text_is_written_in_parts_the_keyboard_with_the_last() -> None:
    message = VkMessage.of("строка сводки\n" * 700, KEYBOARD)
    assert len(message.texts) == 3
    assert all(len(part) <= 4096 for part in message.texts)
    assert message.keyboard == KEYBOARD


def test_every_kind_has_a_payload_and_vk_kinds_exclude_email() -> None:
    assert set(KINDS) == {
        "prompt",
        "reminder",
        "summary",
        "escalation",
        "reminder_manual",
        "remind_report",
        "email",
    }
    assert "email" not in VK_KINDS and "remind_report" in VK_KINDS


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        # Messages and e-mails of releases before versions: the fields of version 1.
        (
            "prompt",
            {"texts": ["Здравствуйте!"], "keyboard": KEYBOARD},
            VkMessage(texts=("Здравствуйте!",), keyboard=KEYBOARD),
        ),
        ("summary", {"texts": ["Итоги"], "keyboard": None}, VkMessage(texts=("Итоги",))),
        ("email", {"to": "a@b.ru", "subject": "Сферум"}, Email(to="a@b.ru", subject="Сферум")),
        # What /remind wrote then (and never delivered): one text.
        (
            "reminder_manual",
            {"text": "Напоминание", "keyboard": None},
            VkMessage(texts=("Напоминание",)),
        ),
    ],
)
def test_rows_of_earlier_releases_are_read(kind: str, raw: dict, expected) -> None:
    assert read(kind, raw) == expected


def test_an_old_remind_text_over_the_limit_is_read_in_parts() -> None:
    message = read("reminder_manual", {"text": "слово " * 1000, "keyboard": None})
    assert isinstance(message, VkMessage) and len(message.texts) == 2


@pytest.mark.parametrize(
    ("kind", "raw", "problem"),
    [
        ("prompt", {"garbage": True}, "texts: Field required"),
        ("prompt", ["not", "an", "object"], "a list instead of an object"),
        ("prompt", None, "a NoneType instead of an object"),
        ("prompt", {"texts": []}, "texts: Tuple should have at least 1 item"),
        ("prompt", {"texts": [""]}, "texts.0: String should have at least 1 character"),
        ("prompt", {"texts": ["  \n"]}, "a part of the message is blank"),
        ("prompt", {"texts": ["x" * 4097]}, "at most 4096 characters"),
        ("prompt", {"texts": ["Привет"], "keyboard": "{не json"}, "the keyboard is not JSON"),
        ("prompt", {"texts": ["Привет"], "keyboard": "[]"}, "no list of button rows"),
        ("prompt", {"version": 2, "texts": ["Привет"]}, "version 2, this release reads 1"),
        ("prompt", {"version": 1, "texts": ["Привет"], "extra": 1}, "extra: Extra inputs"),
        ("email", {"to": "не адрес", "subject": "Сферум"}, "to: String should match"),
        ("email", {"to": "a@b.ru", "subject": "S\r\nBcc: x@y.ru"}, "subject: String should"),
        ("remind_report", {"version": 1}, "batch: Field required"),
        ("fax", {"texts": ["Привет"]}, "unknown kind 'fax'"),
    ],
)
def test_an_unreadable_payload_says_what_is_wrong(kind: str, raw, problem: str) -> None:
    with pytest.raises(UnreadablePayload) as raised:
        read(kind, raw)
    assert problem in str(raised.value)


def test_the_reason_never_quotes_the_text() -> None:
    with pytest.raises(UnreadablePayload) as raised:
        read("prompt", {"texts": ["Иванова Анна, 8 900 000-00-00", ""], "keyboard": 5})
    assert "Иванова" not in str(raised.value)


def test_a_payload_that_could_not_be_read_cannot_be_written() -> None:
    blank = VkMessage.model_construct(texts=("",), keyboard=None, version=1)
    with pytest.raises(ValueError, match="does not read back"):
        dump("prompt", blank)
    with pytest.raises(ValueError, match="is not the payload of 'email' rows"):
        dump("email", VkMessage.of("Привет"))
    with pytest.raises(ValueError, match="is not the payload of 'fax' rows"):
        dump("fax", VkMessage.of("Привет"))
    with pytest.raises(ValueError, match="keyboard"):
        VkMessage.of(
            "Привет", '{"buttons": [[{"action": {"type": "text", "label": "' + "я" * 41 + '"}}]]}'
        )


def test_the_keyboards_the_bot_sends_fit_vk_rules() -> None:
    assert keyboard_problem(schedule_texts.fill_keyboard()) is None
    assert keyboard_problem(request_texts.fill_keyboard(2**40)) is None
    too_many = json.dumps({"buttons": [[{"action": {"type": "text"}}] * 6]})
    assert keyboard_problem(too_many) == "the keyboard has too many buttons"
    long_payload = json.dumps({"buttons": [[{"action": {"type": "text", "payload": "x" * 256}}]]})
    assert keyboard_problem(long_payload) == "a button payload is too long"


def test_a_row_must_say_where_it_goes() -> None:
    assert missing_address("prompt", peer_id=None, round_id=7) == "the row has no peer"
    assert missing_address("remind_report", peer_id=None, round_id=7) == "the row has no peer"
    assert missing_address("email", peer_id=None, round_id=None) == "the e-mail has no round"
    assert missing_address("prompt", peer_id=100, round_id=None) is None
    assert missing_address("email", peer_id=None, round_id=7) is None
