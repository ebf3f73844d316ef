"""One-off requests in VK: `/request` (a guided dialog for officials and admins) and the
admin's `/emails <район> a@b.ru, c@d.ru`. A head answers a request in the check-in dialog."""

from __future__ import annotations

import json
import logging
from typing import Any

from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.app import AppContext
from bot.domain.textnorm import fold
from bot.runtime.replies import reply
from bot.services import request_dialog
from bot.services.access import load_actor
from bot.services.districts import UnknownDistrict
from bot.services.mail import parse_addresses, set_district_emails
from bot.texts import requests as texts

logger = logging.getLogger(__name__)
labeler = BotLabeler()

REQUEST, EMAILS = "/request", "/emails"
# What people type instead of pressing the confirm buttons.
TYPED = {fold(texts.CONFIRM_YES): request_dialog.YES, fold(texts.CANCEL): request_dialog.NO}


def _command(text: str, name: str) -> str | None:
    """The rest of the message after `name` ("/request Район" → "Район"), or None."""
    words = text.strip()
    head, _, rest = words.partition(" ")
    return rest.strip() if head.casefold() == name else None


def _button_value(payload: Any) -> str | None:
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return None
    if isinstance(payload, dict) and payload.get("c") == request_dialog.COMMAND:
        value = payload.get("v")
        return value if isinstance(value, str) else None
    return None


class InRequestDialog(ABCRule[Message]):
    async def check(self, message: Message) -> bool:
        if message.peer_id != message.from_id:
            return False
        if _button_value(message.payload) is not None:
            return True
        state = message.state_peer
        return state is not None and str(state.state) == request_dialog.STATE


@labeler.private_message(func=lambda m: _command(m.text, REQUEST) is not None)
async def request_start(message: Message, app: AppContext) -> None:
    answer = await request_dialog.start(
        db=app.db,
        vk_id=message.from_id,
        admin_ids=app.settings.admin_ids,
        district_name=_command(message.text, REQUEST) or "",
        now=app.clock.now(),
    )
    await reply(app.api, message.peer_id, answer.text, keyboard=answer.keyboard)


@labeler.private_message(InRequestDialog())
async def request_step(message: Message, app: AppContext) -> None:
    value = _button_value(message.payload) or TYPED.get(fold(message.text))
    answer = await request_dialog.step(
        db=app.db,
        vk_id=message.from_id,
        admin_ids=app.settings.admin_ids,
        text=message.text,
        value=value,
        now=app.clock.now(),
    )
    await reply(app.api, message.peer_id, answer.text, keyboard=answer.keyboard)


@labeler.private_message(func=lambda m: _command(m.text, EMAILS) is not None)
async def emails(message: Message, app: AppContext) -> None:
    await reply(app.api, message.peer_id, await _emails(app, message))


async def _emails(app: AppContext, message: Message) -> str:
    if not app.is_admin(message.from_id):
        return texts.EMAILS_ADMIN_ONLY
    words = (_command(message.text, EMAILS) or "").split()
    # The district's name runs up to the first address (or the "-" that clears them).
    split = next((i for i, w in enumerate(words) if "@" in w or w == "-"), None)
    if not split:
        return texts.EMAILS_USAGE
    try:
        addresses = parse_addresses(" ".join(words[split:]))
    except ValueError as exc:
        return str(exc)
    name = " ".join(words[:split])
    async with app.db.sessions.begin() as session:
        actor = await load_actor(session, message.from_id, app.settings.admin_ids)
        try:
            district = await set_district_emails(
                session=session,
                district_name=name,
                addresses=addresses,
                subject=None,
                actor_id=actor.person_id,
                now=app.clock.now(),
            )
        except UnknownDistrict:
            return texts.UNKNOWN_DISTRICT.format(name=name[:100])
    logger.info("district %d e-mail addresses set by an admin", district.id)
    return texts.emails_report(district.name, addresses, district.email_subject)
