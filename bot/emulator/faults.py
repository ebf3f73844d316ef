"""Injected failures and the request-rate limit (`POST /_emu/faults`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Faults:
    rps: float
    method_errors: dict[str, list[int]] = field(default_factory=dict)  # method -> [code, times]
    # method -> [seconds, times]: a slow VK, e.g. to kill a sender in the middle of a fan-out.
    method_delays: dict[str, list[float]] = field(default_factory=dict)
    drop_connections: int = 0
    http_status: int = 0
    http_status_times: int = 0
    longpoll_failed: int = 0
    longpoll_hang_s: float = 0.0
    _window: int = -1
    _window_count: int = 0

    def apply(self, spec: dict[str, Any]) -> None:
        """Merge one control-API fault spec; unknown keys are a caller error."""
        known = {
            "method",
            "error_code",
            "times",
            "rps",
            "drop_connections",
            "http_status",
            "longpoll_failed",
            "longpoll_hang_s",
            "delay_s",
        }
        unknown = set(spec) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        method = str(spec.get("method") or "*")
        if "error_code" in spec:
            self.method_errors[method] = [int(spec["error_code"]), int(spec.get("times", 1))]
        if "delay_s" in spec:
            self.method_delays[method] = [float(spec["delay_s"]), int(spec.get("times", 1))]
        if "rps" in spec:
            self.rps = float(spec["rps"])
        if "drop_connections" in spec:
            self.drop_connections = int(spec["drop_connections"])
        if "http_status" in spec:
            self.http_status = int(spec["http_status"])
            self.http_status_times = int(spec.get("times", 1))
        if "longpoll_failed" in spec:
            if spec["longpoll_failed"] not in (1, 2, 3):
                raise ValueError("longpoll_failed must be 1, 2 or 3")
            self.longpoll_failed = int(spec["longpoll_failed"])
        if "longpoll_hang_s" in spec:
            self.longpoll_hang_s = float(spec["longpoll_hang_s"])

    def take_method_error(self, method: str) -> int | None:
        """The injected error code for this call, consuming one of its `times`."""
        code = _take(self.method_errors, method)
        return None if code is None else int(code)

    def take_method_delay(self, method: str) -> float:
        """How long this call waits before it is handled, consuming one of its `times`."""
        return float(_take(self.method_delays, method) or 0.0)

    def take_drop(self) -> bool:
        if self.drop_connections > 0:
            self.drop_connections -= 1
            return True
        return False

    def take_http_status(self) -> int:
        if self.http_status_times > 0:
            self.http_status_times -= 1
            return self.http_status
        return 0

    def over_rate(self) -> bool:
        """Count a method call in the current one-second window (real time, not the fake clock)."""
        if self.rps <= 0:  # 0 switches the limit off, e.g. for benchmarks
            return False
        window = int(time.monotonic())
        if window != self._window:
            self._window, self._window_count = window, 0
        self._window_count += 1
        return self._window_count > self.rps


def _take(table: dict[str, Any], method: str) -> Any:
    """The value injected for `method` (or for any, "*"), consuming one of its `times`."""
    for key in (method, "*"):
        entry = table.get(key)
        if entry:
            value, times = entry
            if times <= 1:
                del table[key]
            else:
                entry[1] = times - 1
            return value
    return None
