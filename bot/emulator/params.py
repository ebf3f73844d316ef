"""Typed access to VK's string parameters; a bad value is VK error 100."""

from __future__ import annotations

import builtins
import json
from typing import Any

from .errors import VKError


class Params:
    __slots__ = ("raw",)

    def __init__(self, raw: dict[str, str]) -> None:
        self.raw = raw

    def __contains__(self, name: str) -> bool:
        return self.raw.get(name, "") != ""

    def str(self, name: str, default: str = "") -> str:
        return self.raw.get(name, default)

    def int(self, name: builtins.str, default: builtins.int | None = None) -> builtins.int:
        value = self.raw.get(name, "")
        if value == "":
            if default is None:
                raise VKError(100, f"{name} is a required parameter")
            return default
        try:
            return int(value)
        except ValueError:
            raise VKError(100, f"{name} not integer") from None

    def ints(self, name: builtins.str) -> list[builtins.int]:
        value = self.raw.get(name, "")
        try:
            return [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise VKError(100, f"{name} should be a list of integers") from None

    def json(self, name: builtins.str, code: builtins.int = 100) -> Any:
        """Parsed JSON parameter or None when absent; `code` is VK's error for bad JSON."""
        value = self.raw.get(name, "")
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise VKError(code, f"{name} is not valid JSON") from None
