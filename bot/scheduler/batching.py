"""Packing outbox rows into as few VK requests as possible, and reading the results back.

Rows with the same random_id and content (a summary to several chats) become one
`messages.send` with `peer_ids` (≤ 100); every other row is its own call; calls are packed
into `execute` requests of ≤ 25. A row's parts (a text split at 4096) stay in one request,
in order. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.vk.execute import MAX_CALLS, CallFailed, call_results, calls_code

MAX_PEERS = 100
_ID_SPACE = 2**63


@dataclass(frozen=True)
class Item:
    """What the sender needs of an outbox row."""

    row_id: int
    peer_id: int
    random_id: int
    texts: tuple[str, ...]
    keyboard: str | None


@dataclass(frozen=True)
class Call:
    rows: tuple[Item, ...]  # one row for peer_id, several for peer_ids
    params: dict[str, Any]


@dataclass
class Request:
    calls: list[Call] = field(default_factory=list)

    def code(self) -> str:
        return calls_code(("messages.send", call.params) for call in self.calls)


@dataclass(frozen=True)
class Result:
    """One row's fate in a request: a message id, or the VK error code that stopped it."""

    row_id: int
    peer_id: int
    message_id: int | None = None
    error_code: int | None = None  # None without a message id: VK did not say (retry)

    @property
    def ok(self) -> bool:
        return self.message_id is not None


def part_random_id(random_id: int, part: int) -> int:
    """Each part of a split text is its own message to VK, so it needs its own fixed id."""
    return (random_id + part) % _ID_SPACE or 1


def _calls(group: Sequence[Item]) -> list[Call]:
    first = group[0]
    target: dict[str, Any] = (
        {"peer_ids": [item.peer_id for item in group]}
        if len(group) > 1
        else {"peer_id": first.peer_id}
    )
    calls = []
    for number, text in enumerate(first.texts):
        params = {**target, "random_id": part_random_id(first.random_id, number), "message": text}
        if first.keyboard and number == len(first.texts) - 1:
            params["keyboard"] = first.keyboard
        calls.append(Call(tuple(group), params))
    return calls


def _groups(items: Sequence[Item]) -> Iterator[list[Item]]:
    shared: dict[tuple[Any, ...], list[Item]] = {}
    for item in items:
        shared.setdefault((item.random_id, item.texts, item.keyboard), []).append(item)
    for group in shared.values():
        for start in range(0, len(group), MAX_PEERS):
            yield group[start : start + MAX_PEERS]


def pack(items: Sequence[Item]) -> list[Request]:
    requests: list[Request] = []
    current = Request()
    for group in _groups(items):
        calls = _calls(group)
        if current.calls and len(current.calls) + len(calls) > MAX_CALLS:
            requests.append(current)
            current = Request()
        current.calls.extend(calls)
    if current.calls:
        requests.append(current)
    return requests


def split(request: Request) -> list[Request]:
    """Each row (or peer_ids group) of `request` in a request of its own, its parts in order:
    when VK refuses a whole request, this finds the row it was about."""
    alone: dict[tuple[int, ...], Request] = {}
    for call in request.calls:
        alone.setdefault(tuple(item.row_id for item in call.rows), Request()).calls.append(call)
    return list(alone.values())


def read(request: Request, body: dict[str, Any]) -> list[Result]:
    """Per-row results of an executed request.

    A failed call leaves `false` in its slot and the next entry of `execute_errors`; a
    `peer_ids` call reports failed recipients inside its items. A row with several parts
    counts as sent only if every part went out.
    """
    slots = call_results(body, len(request.calls))
    outcome: dict[int, Result] = {}
    for call, slot in zip(request.calls, slots, strict=True):
        for result in _read_call(call, slot):
            previous = outcome.get(result.row_id)
            if previous is None or previous.ok:
                outcome[result.row_id] = result
    return list(outcome.values())


def _read_call(call: Call, slot: Any) -> list[Result]:
    """Anything VK answered that is not a message id or an error leaves the row's fate
    unknown (sent again later, deduplicated by its random_id)."""
    if isinstance(slot, CallFailed):
        return [Result(item.row_id, item.peer_id, error_code=slot.code) for item in call.rows]
    if "peer_ids" not in call.params:
        item = call.rows[0]
        return [Result(item.row_id, item.peer_id, message_id=_message_id(slot))]
    entries = slot if isinstance(slot, list) else []
    by_peer = {entry.get("peer_id"): entry for entry in entries if isinstance(entry, dict)}
    results = []
    for item in call.rows:
        entry = by_peer.get(item.peer_id, {})
        error = entry.get("error")
        if isinstance(error, dict):
            code = error.get("code")
            code = code if isinstance(code, int) and code else None
            results.append(Result(item.row_id, item.peer_id, error_code=code))
        else:
            message_id = _message_id(entry.get("message_id"))
            results.append(Result(item.row_id, item.peer_id, message_id=message_id))
    return results


def _message_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
