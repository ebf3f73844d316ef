"""What `forget` replaces in stored texts and JSON: a person's VK id and name (152-ФЗ).

Mentions `[id1003|Имя Фамилия]`, `id1003`, the id as a number of its own and the full name
become «(удалено)»; a mention of someone else — a namesake too — stays. JSON is walked
whatever its shape: every string is redacted, keys included; a number is the person only
under a key that holds VK ids (`vk_id`, `from_id`, `peer_ids`, …) — elsewhere 1003 may be a
count of pupils. Pure: values in, values out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORGOTTEN = "(удалено)"

_MENTION = r"\[id(?P<mentioned>\d+)\|[^\]]*\]"
# VK's own fields for a user (updates, API answers) and ours (`vk_id`, `head_vk_id`).
_VK_ID_KEYS = frozenset(
    ("vk_id", "from_id", "user_id", "peer_id", "member_id", "owner_id", "admin_author_id")
)


class Redaction:
    def __init__(self, vk_id: int | None, names: Iterable[str] = ()) -> None:
        """`names`: the forms of the person's name (or their phone, e-mail) to remove
        wherever they stand; without a VK id, only those."""
        self.vk_id = vk_id
        self.names = tuple(dict.fromkeys(n for n in names if n.strip()))
        # Longest first: «Алиева Патимат» must not cut «Алиева Патимат Расуловна» short.
        longest_first = sorted(self.names, key=len, reverse=True)
        words = [
            *([rf"(?<!\w)(?:id)?{vk_id}(?!\w)"] if vk_id is not None else []),
            *(rf"(?<!\w){re.escape(n)}(?!\w)" for n in longest_first),
        ]
        mention = _MENTION if vk_id is not None else r"(?P<mentioned>(?!))"  # never matches
        self._pattern = re.compile("|".join([mention, *words]))

    @classmethod
    def of_person(cls, vk_id: int, first_name: str | None, last_name: str | None) -> Redaction:
        """The full name both ways round; a lone first or last name is left alone (a
        summary's «Анна» may well be another Анна), mentions carry the id anyway."""
        if not (first_name and last_name):
            return cls(vk_id)
        return cls(vk_id, (f"{first_name} {last_name}", f"{last_name} {first_name}"))

    def needles(self) -> list[str]:
        """Every text this redaction changes contains one of these."""
        return [*([str(self.vk_id)] if self.vk_id is not None else []), *self.names]

    def text(self, text: str) -> str:
        return self._pattern.sub(self._replace, text)

    def value(self, value: Any, key: str | None = None) -> Any:
        """A JSON document (or a column's text) with the person taken out."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k): self.value(item, k) for k, item in value.items()}
        if isinstance(value, list):
            items = [self.value(item, key) for item in value]
            if _holds_vk_ids(key):
                return [
                    item for item, old in zip(items, value, strict=True) if not self._is_id(old)
                ]
            return items
        if _holds_vk_ids(key) and self._is_id(value):
            return None
        return value

    def _is_id(self, value: Any) -> bool:
        return type(value) is int and value == self.vk_id

    def _replace(self, match: re.Match[str]) -> str:
        mentioned = match.group("mentioned")
        if mentioned is not None and int(mentioned) != self.vk_id:
            return match.group(0)
        return FORGOTTEN


def _holds_vk_ids(key: str | None) -> bool:
    if key is None:
        return False
    singular = key.removesuffix("s")
    return singular in _VK_ID_KEYS or singular.endswith("_vk_id")
