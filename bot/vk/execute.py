"""VK's `execute`: several API calls in one request."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

# VK runs at most 25 API calls in one `execute`.
MAX_CALLS = 25


def calls_code(calls: Iterable[tuple[str, dict[str, Any]]]) -> str:
    """VKScript returning the result of each (method, parameters) call, in order."""
    # json.dumps makes every user-supplied string a valid, escaped VKScript literal.
    body = ",".join(
        f"API.{method}({json.dumps(params, ensure_ascii=False)})" for method, params in calls
    )
    return f"return [{body}];"
