"""What redeeming an invite code can come to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.schedule import Schedule


class Outcome(StrEnum):
    REDEEMED = "redeemed"
    ALREADY_YOURS = "already_yours"
    UNKNOWN = "unknown"  # no such code (or not a code at all)
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"  # somebody else redeemed it
    HOLDER_EXISTS = "holder_exists"  # the school already has this role's holder
    BLOCKED = "blocked"  # too many wrong attempts


FAILURES = frozenset({Outcome.UNKNOWN, Outcome.EXPIRED, Outcome.REVOKED, Outcome.USED})


@dataclass(frozen=True)
class HeldSchool:
    name: str
    role: str


@dataclass(frozen=True)
class RedeemResult:
    outcome: Outcome
    school: str | None = None
    role: str | None = None
    person_id: int | None = None
    first_name: str | None = None
    held: tuple[HeldSchool, ...] = ()
    # When the head is to be asked: the district's weekly schedule in its zone.
    schedule: Schedule | None = None
    tz: ZoneInfo | None = None
    replaced_vk_id: int | None = None  # the former holder, to be told politely
    blocked_until: datetime | None = None
