"""Dropped updates of a flooding person, logged at most once a minute per person.

One WARNING per dropped update made 1 976 lines out of a 2 000-message flood, burying
everything else in the log. The first drop is logged at once, so that the flood shows when
it starts; the drops after it are counted and logged as one line when the minute is over —
at the person's next drop, at any later update, or when the pipeline closes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock

logger = logging.getLogger(__name__)

EVERY = timedelta(minutes=1)


@dataclass
class _Tally:
    logged_at: datetime
    unlogged: int = 0


class FloodLog:
    def __init__(self, clock: Clock, every: timedelta = EVERY) -> None:
        self._clock = clock
        self._every = every
        self._people: dict[int | str, _Tally] = {}
        self._next_due: datetime | None = None

    def dropped(self, key: int | str, queued: int) -> None:
        now = self._clock.now()
        tally = self._people.get(key)
        if tally is None or now - tally.logged_at >= self._every:
            unlogged = tally.unlogged if tally else 0
            self._log(unlogged + 1, queued)
            self._people[key] = _Tally(logged_at=now)
            self._due(now + self._every)
        else:
            tally.unlogged += 1

    def tick(self) -> None:
        """Log the counts whose minute is over (cheap when none is)."""
        if self._next_due is None or self._clock.now() < self._next_due:
            return
        now, self._next_due = self._clock.now(), None
        for key, tally in list(self._people.items()):
            if now - tally.logged_at < self._every:
                self._due(tally.logged_at + self._every)
            elif tally.unlogged:
                self._log(tally.unlogged, None)
                self._people[key] = _Tally(logged_at=now)
                self._due(now + self._every)
            else:
                del self._people[key]

    def close(self) -> None:
        """Log what is still counted: nothing is lost to a shutdown."""
        for tally in self._people.values():
            if tally.unlogged:
                self._log(tally.unlogged, None)
        self._people.clear()
        self._next_due = None

    def _due(self, moment: datetime) -> None:
        if self._next_due is None or moment < self._next_due:
            self._next_due = moment

    def _log(self, count: int, queued: int | None) -> None:
        if queued is not None:
            logger.warning(
                "flood: dropped %d update(s) of one person (queue full at %d); "
                "further drops are counted for a minute",
                count,
                queued,
            )
        else:
            logger.warning("flood: dropped %d more update(s) of one person", count)
