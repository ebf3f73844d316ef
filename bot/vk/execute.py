"""VK's `execute`: several API calls in one request."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NamedTuple

# VK runs at most 25 API calls in one `execute`.
MAX_CALLS = 25


def calls_code(calls: Iterable[tuple[str, dict[str, Any]]]) -> str:
    """VKScript returning the result of each (method, parameters) call, in order."""
    # json.dumps makes every user-supplied string a valid, escaped VKScript literal.
    body = ",".join(
        f"API.{method}({json.dumps(params, ensure_ascii=False)})" for method, params in calls
    )
    return f"return [{body}];"


class CallFailed(NamedTuple):
    """A call inside `execute` that VK refused: its slot in the answer is `false`."""

    code: int | None  # None when VK did not say
    message: str


def call_results(body: dict[str, Any], count: int) -> list[Any]:
    """Each call's result from an `execute` answer, in order: what VK returned, or
    `CallFailed` (a failed call leaves `false` in its slot and the next entry of
    `execute_errors`). ValueError when the answer does not hold `count` results."""
    slots = body.get("response")
    if not isinstance(slots, list) or len(slots) != count:
        raise ValueError("execute answered with an unexpected shape")
    errors = iter(body.get("execute_errors") or [])
    return [_failed(next(errors, {})) if slot is False else slot for slot in slots]


def _failed(error: dict[str, Any]) -> CallFailed:
    return CallFailed(int(error.get("error_code") or 0) or None, str(error.get("error_msg") or ""))
