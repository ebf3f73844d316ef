"""The week both the in-process and the killed-sandbox tests play: who answers when, and
what must have been delivered exactly once as a result."""

from __future__ import annotations

from collections import Counter

from tests.integration.scheduler.world import CHAT_PEER, OFFICIAL_VK, deputy_vk, head_vk

# When each school answers (index → Moscow time, after the tick at that time): before the
# first reminder, between the reminders, after the second, late, never (7 and up).
ANSWERS = [
    ("2024-10-21 12:00", [0, 1]),
    ("2024-10-24 16:00", [2, 3]),
    ("2024-10-25 13:00", [4]),
    ("2024-10-25 18:00", [5, 6]),
]
END = "2024-10-28 10:00"  # after Monday's escalation


def assert_exactly_once(delivered: Counter[tuple[str, int]]) -> None:
    everyone = [*map(head_vk, range(12)), deputy_vk(0), deputy_vk(1)]
    by_kind: dict[str, dict[int, int]] = {}
    for (kind, peer), count in delivered.items():
        by_kind.setdefault(kind, {})[peer] = count
    assert by_kind.pop("prompt") == dict.fromkeys(everyone, 1)
    # Schools 0, 1 answered before any reminder; 2, 3 between them; the rest got both.
    reminders = {head_vk(2): 1, head_vk(3): 1, **{head_vk(i): 2 for i in range(4, 12)}}
    assert by_kind.pop("reminder") == reminders
    assert by_kind.pop("summary") == {CHAT_PEER: 1}
    assert by_kind.pop("escalation") == {OFFICIAL_VK: 1}
    assert by_kind == {}, "messages that match no outbox row"
