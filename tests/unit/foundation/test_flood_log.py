"""Dropped updates are logged per person at most once a minute, and every drop is counted."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.runtime.flood import FloodLog


def dropped_in(records: list[logging.LogRecord]) -> list[int]:
    counts = (re.search(r"dropped (\d+)", record.getMessage()) for record in records)
    return [int(found[1]) for found in counts if found]


def test_a_steady_flood_makes_one_line_a_minute_per_person(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.runtime.flood")
    clock = FakeClock(datetime(2024, 10, 21, 6, 0, tzinfo=UTC))
    floods = FloodLog(clock)
    # Two people drop 10 updates a second for three minutes.
    for _ in range(180 * 10):
        floods.dropped(1, 20)
        floods.dropped(2, 20)
        floods.tick()
        clock.advance(timedelta(seconds=0.1))
    assert len(caplog.records) == 2 * 3
    floods.close()
    assert sum(dropped_in(caplog.records)) == 2 * 1800


def test_counts_left_at_the_end_of_a_flood_are_logged_once_its_minute_is_over(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.runtime.flood")
    clock = FakeClock(datetime(2024, 10, 21, 6, 0, tzinfo=UTC))
    floods = FloodLog(clock)
    for _ in range(50):
        floods.dropped(1, 20)
    floods.tick()
    assert dropped_in(caplog.records) == [1]
    clock.advance(timedelta(seconds=60))
    floods.tick()
    assert dropped_in(caplog.records) == [1, 49]
    clock.advance(timedelta(minutes=5))
    floods.tick()
    floods.close()
    assert dropped_in(caplog.records) == [1, 49]
