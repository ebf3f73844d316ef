"""One-off requests in VK: `/request` (a guided dialog for officials and admins) and the
admin's `/emails <район> a@b.ru, c@d.ru`. A head answers a request in the check-in dialog.
Who may use the commands at all is decided by the guard (`bot.services.access`)."""

from __future__ import annotations

import logging
from typing import Any

from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.context import AppContext
from bot.domain.dialog_state import Seen
from bot.domain.lookups import UnknownDistrict
from bot.domain.permissions import Actor
from bot.domain.textnorm import fold
from bot.runtime.replies import Replies
from bot.services.outbox.mail import NotYourDistrict, parse_addresses, set_emails_as
from bot.services.requests import dialog as request_dialog
from bot.texts import requests as texts
from handlers.rules import Cmd

logger = logging.getLogger(__name__)
labeler = BotLabeler()

# What people type instead of pressing the confirm buttons.
TYPED = {fold(texts.CONFIRM_YES): request_dialog.YES, fold(texts.CANCEL): request_dialog.NO}


def _button_value(message: Message) -> str | None:
    payload: Any = message.get_payload_json()
    if isinstance(payload, dict) and payload.get("c") == request_dialog.COMMAND:
        value = payload.get("v")
        return value if isinstance(value, str) else None
    return None


class InRequestDialog(ABCRule[Message]):
    """A button of the dialog, or a message (not another /command) while it is open."""

    async def check(self, message: Message, dialog: Seen | None) -> bool:
        if message.peer_id != message.from_id:
            return False
        if _button_value(message) is not None:
            return True
        in_dialog = dialog is not None and dialog.state == request_dialog.STATE
        return in_dialog and not message.text.lstrip().startswith("/")


@labeler.private_message(Cmd("request"))
async def request_start(
    message: Message, app: AppContext, replies: Replies, actor: Actor, args: str
) -> None:
    answer = await request_dialog.start(
        db=app.db, actor=actor, district_name=args, now=app.clock.now()
    )
    await replies.send(message.peer_id, answer.text, keyboard=answer.keyboard)


@labeler.private_message(InRequestDialog())
async def request_step(message: Message, app: AppContext, replies: Replies, actor: Actor) -> None:
    answer = await request_dialog.step(
        db=app.db,
        actor=actor,
        text=message.text,
        value=_button_value(message) or TYPED.get(fold(message.text)),
        now=app.clock.now(),
    )
    await replies.send(message.peer_id, answer.text, keyboard=answer.keyboard)


@labeler.private_message(Cmd("emails"))
async def emails(
    message: Message, app: AppContext, replies: Replies, actor: Actor, args: str
) -> None:
    await replies.send(message.peer_id, await _emails(app, actor, args))


async def _emails(app: AppContext, actor: Actor, args: str) -> str:
    words = args.split()
    # The district's name runs up to the first address (or the "-" that clears them).
    split = next((i for i, w in enumerate(words) if "@" in w or w == "-"), None)
    if not split:
        return texts.EMAILS_USAGE
    try:
        addresses = parse_addresses(" ".join(words[split:]))
    except ValueError as exc:
        return str(exc)
    name = " ".join(words[:split])
    try:
        district = await set_emails_as(
            db=app.db, actor=actor, district_name=name, addresses=addresses, now=app.clock.now()
        )
    except NotYourDistrict:
        return texts.EMAILS_ADMIN_ONLY
    except UnknownDistrict:
        return texts.UNKNOWN_DISTRICT.format(name=name[:100])
    logger.info("district %d e-mail addresses set by an admin", district.id)
    return texts.emails_report(
        district.name, addresses, district.email_subject, can_mail=bool(app.settings.smtp_host)
    )
