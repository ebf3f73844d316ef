"""Reading a slash command from what a person typed: `/bind статус`, `[club1|@svodka] /help`.

In a group chat VK prefixes a message that mentions the community with the mention itself,
so the mention is dropped before looking for the slash.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from bot.domain.textnorm import clean

_MENTION = re.compile(r"^\[(?:club|public)\d+\|[^\]]*\][\s,:]*")
_COMMAND = re.compile(r"^/([a-zа-яё_]{1,32})(?:@\S*)?(?:\s+(.*))?$", re.IGNORECASE | re.DOTALL)
# Longer than any command anyone types: the rest is not parsed, only refused.
MAX_COMMAND_TEXT = 2_000
# Blanks and the invisible marks that copy-paste puts before a command.
_LEADING = " \t\n\r\u00a0\u200b\u200e\u200f\ufeff"


class Command(NamedTuple):
    name: str  # lower-case, without the slash
    args: str  # the rest, cleaned; "" when none


def parse_command(text: str | None) -> Command | None:
    # Most messages are not commands; the rest are asked about by every command rule.
    if not text or text.lstrip(_LEADING)[:1] not in ("/", "["):
        return None
    return _parse(text[:MAX_COMMAND_TEXT])


@lru_cache(maxsize=256)
def _parse(text: str) -> Command | None:
    cleaned = _MENTION.sub("", clean(text))
    match = _COMMAND.match(cleaned)
    if match is None:
        return None
    return Command(match[1].lower().replace("ё", "е"), (match[2] or "").strip())
