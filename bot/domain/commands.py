"""Reading a slash command from what a person typed: `/bind статус`, `[club1|@svodka] /help`.

In a group chat VK prefixes a message that mentions the community with the mention itself,
so the mention is dropped before looking for the slash.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.domain.textnorm import clean

_MENTION = re.compile(r"^\[(?:club|public)\d+\|[^\]]*\][\s,:]*")
_COMMAND = re.compile(r"^/([a-zа-яё_]{1,32})(?:@\S*)?(?:\s+(.*))?$", re.IGNORECASE | re.DOTALL)
# Longer than any command anyone types: the rest is not parsed, only refused.
MAX_COMMAND_TEXT = 2_000


class Command(NamedTuple):
    name: str  # lower-case, without the slash
    args: str  # the rest, cleaned; "" when none


def parse_command(text: str | None) -> Command | None:
    if not text:
        return None
    cleaned = _MENTION.sub("", clean(text[:MAX_COMMAND_TEXT]))
    match = _COMMAND.match(cleaned)
    if match is None:
        return None
    return Command(match[1].lower().replace("ё", "е"), (match[2] or "").strip())
