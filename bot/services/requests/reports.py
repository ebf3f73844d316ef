"""`/status` and `/export` of a one-off request, found by a part of its title.

A request is looked for among the asker's districts' requests opened by now whose deadline
was at most RECENT ago. `/status запрос <название>` (or `/export запрос …`) always means a
request; a bare `/status <текст>` means a request only when the text matches a request's
title clearly (REQUEST_MATCH) and better than any school's name, so `/status дегва` still
shows the school. Titles are compared like school names (`school_search.score`: case, ё and
typos forgiven).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.school_search import AMBIGUITY_MARGIN, THRESHOLD, score
from bot.domain.textnorm import fold
from bot.services.reports.access import REQUEST_WORDS, Refusal
from bot.texts import requests as texts
from storage.models import Campaign, District, Round
from storage.repos import requests as repo

RECENT = timedelta(days=30)
# How sure a bare `/status <текст>` must be before it is read as a request's title.
REQUEST_MATCH = 0.8
MAX_LISTED = 6


@dataclass(frozen=True)
class Found:
    campaign: Campaign
    round_: Round
    score: float


def explicit(text: str) -> str | None:
    """The title part of `запрос <название>`; None when the text does not start so."""
    first, _, rest = text.strip().partition(" ")
    return rest.strip() if fold(first) in REQUEST_WORDS else None


async def candidates(
    session: AsyncSession, *, districts: Sequence[District], query: str, now: datetime
) -> list[Found]:
    """The asker's recent requests whose title matches `query` at all, best first."""
    found = await repo.recent(
        session,
        district_ids=[d.id for d in districts],
        opened_by=now,
        ends_after=now - RECENT,
    )
    scored = [Found(c, r, score(query, c.title)) for c, r in found]
    # Newest first among equals (the repository's order; sorted() is stable).
    return sorted((f for f in scored if f.score >= THRESHOLD), key=lambda f: -f.score)


def pick(found: list[Found], query: str) -> Found:
    """The one request meant; refused when there is none or several close ones differ."""
    if not found:
        raise Refusal(texts.REQUEST_NOT_FOUND.format(query=query[:100]))
    best = found[0]
    close = [f for f in found if best.score - f.score < AMBIGUITY_MARGIN]
    if len({fold(f.campaign.title) for f in close}) > 1:
        titles = "\n".join(f"• {f.campaign.title}" for f in close[:MAX_LISTED])
        raise Refusal(texts.REQUEST_AMBIGUOUS.format(titles=titles))
    return best  # the same title asked again: the newest one


def clear(found: list[Found]) -> bool:
    """Whether a bare text matches a request's title clearly enough to be read as one."""
    return bool(found) and found[0].score >= REQUEST_MATCH
