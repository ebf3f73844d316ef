"""The API client encodes its forms itself (bot/vk/api.py): byte for byte what
`urllib.parse.urlencode` would send."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode

from bot.vk.api import form_body

TEXTS = [
    "Спасибо! Отчёт принят: 48,68 %",
    "a&b=c+d/e?f#g h\tj\nk\r\n",
    "эмодзи 😀👍🏽 и ё, Ё, «кавычки» — тире",
    "~._-AZaz09",
    "",
    "%41 %%",
    "\x00\x7f\x80ÿ",
]


def test_form_body_is_what_urlencode_writes() -> None:
    keyboard = json.dumps({"buttons": [[{"action": {"label": "Отправить"}}]]}, ensure_ascii=False)
    data = {f"key {n}": text for n, text in enumerate(TEXTS)} | {"keyboard": keyboard, "n": 7}
    assert form_body(data) == urlencode(data).encode()


def test_form_body_reads_back_as_sent() -> None:
    data = {"message": "".join(TEXTS), "peer_id": 2_000_000_001, "random_id": 0}
    assert dict(parse_qsl(form_body(data).decode(), keep_blank_values=True)) == {
        key: str(value) for key, value in data.items()
    }
