"""What the delivery tests share: what one peer received, counted, and the SMTP settings
that point the bot at a local server."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.integration.requests.helpers import Inbox
from tests.utils.harness import BotHarness

ADMIN = 1
# Moments of week 2024-W43 and the next, in UTC (Moscow is UTC+3).
TUESDAY_0901 = datetime(2024, 10, 22, 6, 1, tzinfo=UTC)
THURSDAY_0901 = datetime(2024, 10, 24, 6, 1, tzinfo=UTC)
THURSDAY_1501 = datetime(2024, 10, 24, 12, 1, tzinfo=UTC)
FRIDAY_1701 = datetime(2024, 10, 25, 14, 1, tzinfo=UTC)
NEXT_MONDAY_0901 = datetime(2024, 10, 28, 6, 1, tzinfo=UTC)


def received(bot: BotHarness, peer_id: int, needle: str, after: int = 0) -> list[str]:
    """The texts that `peer_id` got (after message id `after`) containing `needle`."""
    return [text for text in bot.texts(peer_id, after) if needle in text]


def once(bot: BotHarness, peer_id: int, needle: str, after: int = 0) -> str:
    """The one message with `needle` that `peer_id` got; fails if none or several."""
    found = received(bot, peer_id, needle, after)
    assert len(found) == 1, f"{peer_id} got {len(found)} messages with {needle!r}: {found}"
    return found[0]


def smtp_settings(port: int) -> dict[str, Any]:
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_tls": "none",
        "smtp_from": "svodka@example.ru",
    }


@dataclass
class Mailbox(Inbox):
    """The local SMTP server's inbox, with the envelope's recipients of every letter."""

    envelopes: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(list(envelope.rcpt_tos))
        return await super().handle_DATA(server, session, envelope)
