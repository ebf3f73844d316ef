"""Passwordless sign-in: `/web` in the chat gives a personal link that works once within
15 minutes; opening it starts a 12-hour session. Only SHA-256 digests of the link's token and
of the session cookie are stored, so a copy of the database signs nobody in.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.permissions import Action, Actor, authorize
from storage.db import Database
from storage.repos import audit, people, throttles
from storage.repos import web as repo

logger = logging.getLogger(__name__)

LINK_TTL = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)
SIGNIN_PATH = "/web/signin/"
# Failed link openings from one address before it may not try for a while: a token has
# 256 bits, so this only keeps guessing from costing the database anything.
FAILED_LIMIT = 10
FAILED_WINDOW = timedelta(minutes=15)
FAILED_BLOCK = timedelta(minutes=15)


class TooManyAttempts(Exception):
    """This address opened too many bad links lately; it may try again after `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


@dataclass(frozen=True)
class SignedIn:
    session_id: str  # the cookie's value; only its digest is stored
    expires_at: datetime


def may_sign_in(actor: Actor) -> bool:
    return authorize(actor, Action.WEB)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue_link(*, db: Database, vk_id: int, base_url: str, now: datetime) -> str:
    """A new one-time sign-in link for the person (the guard lets only those with a role ask)."""
    token = secrets.token_urlsafe(32)
    async with db.sessions.begin() as session:
        await repo.purge_expired(session, now=now)
        person = await people.get_or_add(session, vk_id=vk_id, now=now)
        repo.add_token(
            session,
            token_hash=digest(token),
            person_id=person.id,
            now=now,
            expires_at=now + LINK_TTL,
        )
    return f"{base_url}{SIGNIN_PATH}{token}"


async def redeem(*, db: Database, token: str, client: str, now: datetime) -> SignedIn | None:
    """Open a sign-in link: a session, or None when the link is unknown, used or expired.
    Raises TooManyAttempts while the address is blocked (a good link is refused then too)."""
    key = f"web-signin:{digest(client)[:16]}"  # the address itself is not kept
    async with db.sessions.begin() as session:
        blocked = await throttles.blocked_until(session, key, now)
        if blocked is not None:
            raise TooManyAttempts(blocked)
        person_id = await repo.use_token(session, token_hash=digest(token), now=now)
        if person_id is None:
            await throttles.hit(
                session,
                key=key,
                now=now,
                limit=FAILED_LIMIT,
                window=FAILED_WINDOW,
                block=FAILED_BLOCK,
            )
            return None
        session_id = secrets.token_urlsafe(32)
        expires_at = now + SESSION_TTL
        repo.add_session(
            session, id_hash=digest(session_id), person_id=person_id, now=now, expires_at=expires_at
        )
        audit.record(session, action="web.signin", at=now, actor_id=person_id)
    logger.info("web: a sign-in link was used")
    return SignedIn(session_id, expires_at)


async def sign_out(*, db: Database, vk_id: int) -> int:
    """`/web выйти`: every session and unused link of the person ends; returns how many."""
    async with db.sessions.begin() as session:
        person = await people.by_vk_id(session, vk_id)
        return 0 if person is None else await repo.end_all(session, person_id=person.id)
