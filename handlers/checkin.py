"""The weekly check-in in a private chat: answers typed or tapped, or a whole form at once.

Claimed here: this feature's buttons and start words from anyone (strangers get told who
fills the report), anything else from a person in the middle of a check-in, and a pasted
form from a head or deputy. Other `/commands` are left to their features.

Most messages on a Friday are answers typed mid-questionnaire. `questionnaire` offers the
check-in such a message right after the invite codes (`handlers/__init__.py`), before the
command features: none of them takes plain text or this feature's buttons from a person in
the questionnaire, and vkbottle tries each handler's rules in turn: an answer that met the
rules of 29 handlers now meets 5 (PostgreSQL's CPU a step −20 %, bench/README.md).
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

from vkbottle import GroupEventType
from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.context import AppContext
from bot.domain.commands import parse_command
from bot.domain.dialog_state import Seen
from bot.domain.file_answers import MAX_FILE_BYTES
from bot.domain.form import looks_like_form
from bot.domain.past_weeks import asks_for_past_week
from bot.domain.permissions import Actor
from bot.domain.textnorm import fold
from bot.resources import default_questionnaire
from bot.runtime.replies import Replies
from bot.services.checkin import corrections
from bot.services.checkin.conversation import (
    CHOOSING,
    STATE,
    Intent,
    Known,
    Outcome,
    SentFile,
    handle,
)
from bot.texts import checkin as texts
from bot.texts import common
from bot.texts import requests as request_texts
from bot.vk.api import describe
from bot.vk.documents import (
    DocumentTooBig,
    DocumentUnavailable,
    IncomingDoc,
    download_document,
    incoming_doc,
    upload_document,
)
from handlers.presses import SNACKBAR_LIMIT, ButtonPress, answer
from handlers.rules import Cmd

logger = logging.getLogger(__name__)
labeler = BotLabeler()
questionnaire = BotLabeler()

COMMANDS = frozenset(
    {"start", "school", "past", "prev", "skip", "back", "send", "fix", "edit", "review"}
)
# What people type instead of pressing the button.
TYPED = {
    "назад": "back",
    "пропустить": "skip",
    "отправить": "send",
    "исправить": "fix",
    "к проверке": "review",
    "как на прошлой неделе": "prev",
}


def parse_intent(text: str, payload: Any) -> tuple[Intent, bool]:
    """The step a message asks for, and whether it is unmistakably this feature's."""
    data = _payload_dict(payload)
    command = data.get("c")
    # A forged payload may carry any JSON here; a list or an object is not hashable.
    if isinstance(command, str) and command in COMMANDS:
        key = data.get("k")
        return Intent(
            command=command,
            school_id=_int(data.get("s")),
            key=key if isinstance(key, str) else None,
            round_id=_int(data.get("r")),
        ), True
    word = fold(text).rstrip(".!")
    if word in texts.START_WORDS:
        return Intent(command="start"), True
    command = parse_command(text)
    if command is not None and command.name == "report":
        return Intent(command="past", text=command.args), True
    if asks_for_past_week(text):
        return Intent(command="past", text=text), True
    return Intent(command=TYPED.get(word), text=text), False


class CheckinMessage(ABCRule[Message]):
    async def check(
        self, message: Message, actor: Actor, dialog: Seen | None
    ) -> dict[str, Any] | bool:
        if message.peer_id != message.from_id:
            return False
        intent, ours = parse_intent(message.text, message.payload)
        in_draft = dialog is not None and dialog.state == STATE
        if intent.command == "past" and in_draft and parse_command(message.text) is None:
            # Mid-questionnaire, words about last week are an answer (a comment), not a wish.
            return {"intent": Intent(text=message.text)}
        if ours:
            return {"intent": intent}
        if message.text.lstrip().startswith("/"):
            return False
        if dialog is not None and dialog.state in (STATE, CHOOSING):
            return {"intent": intent}
        if actor.is_staff and (
            looks_like_form(message.text, default_questionnaire())
            or incoming_doc(message.attachments) is not None
        ):
            return {"intent": intent}
        return False


class InQuestionnaire(CheckinMessage):
    """What `CheckinMessage` claims from a person in the middle of the questionnaire, but for
    commands and other features' buttons: those go the whole way through the features."""

    async def check(
        self, message: Message, actor: Actor, dialog: Seen | None
    ) -> dict[str, Any] | bool:
        if dialog is None or dialog.state != STATE or parse_command(message.text) is not None:
            return False
        button = _payload_dict(message.payload).get("c")
        if button is not None and not (isinstance(button, str) and button in COMMANDS):
            return False
        return await super().check(message, actor, dialog)


class CheckinButton(ABCRule[ButtonPress]):
    async def check(self, event: ButtonPress) -> dict[str, Any] | bool:
        if event.peer_id != event.user_id:
            return False
        intent, ours = parse_intent("", event.payload)
        return {"intent": intent} if ours else False


@labeler.private_message(Cmd("correct", "внести"))
async def correct(
    message: Message,
    app: AppContext,
    actor: Actor,
    dialog: Seen | None,
    replies: Replies,
    args: str,
) -> None:
    outcome = await corrections.start(
        db=app.db,
        known=Known(actor, dialog),
        args=args,
        now=app.clock.now(),
        admin_ids=app.settings.admin_ids,
        vk_name=await _vk_name(app, message.from_id),
    )
    await _reply(app, replies, message.peer_id, outcome)


async def _vk_name(app: AppContext, vk_id: int) -> tuple[str, str] | None:
    """The person's name in VK: what the office's entries are marked with («внесено: …»)."""
    try:
        users = await app.api.users.get(user_ids=[vk_id])
    except Exception as exc:  # the entry goes on under the VK id
        logger.warning("users.get failed: %s", describe(exc))
        return None
    user = users[0] if users else None
    if user is None or user.first_name is None or user.last_name is None:
        return None
    return user.first_name, user.last_name


@questionnaire.private_message(InQuestionnaire())
@labeler.private_message(CheckinMessage())
async def checkin_message(
    message: Message,
    app: AppContext,
    intent: Intent,
    actor: Actor,
    dialog: Seen | None,
    replies: Replies,
) -> None:
    doc = incoming_doc(message.attachments)
    if doc is not None and intent.command is None:
        intent = replace(intent, file=await _fetch(doc))
    outcome = await _step(app, Known(actor, dialog), intent)
    await _reply(app, replies, message.peer_id, outcome)


async def _reply(app: AppContext, replies: Replies, peer_id: int, outcome: Outcome) -> None:
    if outcome.notice:
        await replies.send(peer_id, outcome.notice)
    await _show(app, replies, peer_id, outcome)


@labeler.raw_event(GroupEventType.MESSAGE_EVENT, ButtonPress, CheckinButton())
async def checkin_button(
    event: ButtonPress,
    app: AppContext,
    intent: Intent,
    actor: Actor,
    dialog: Seen | None,
    replies: Replies,
) -> None:
    try:
        outcome = await _step(app, Known(actor, dialog), intent)
    except Exception:
        # The press is answered even so (the failure itself goes on to the error handler).
        await answer(replies, event, common.BUTTON_FAILED)
        raise
    notice = outcome.notice
    snackbar = notice if notice and len(notice) <= SNACKBAR_LIMIT else None
    await answer(replies, event, snackbar)
    if notice and not snackbar:
        await replies.send(event.peer_id, notice)
    await _show(app, replies, event.peer_id, outcome)


async def _step(app: AppContext, known: Known, intent: Intent) -> Outcome:
    return await handle(
        db=app.db,
        known=known,
        intent=intent,
        now=app.clock.now(),
        admin_ids=app.settings.admin_ids,
    )


async def _show(app: AppContext, replies: Replies, peer_id: int, outcome: Outcome) -> None:
    for screen in outcome.screens:
        attachment = None
        if screen.document is not None:
            attachment = await upload_document(
                app.api, peer_id=peer_id, title=screen.document.filename, data=screen.document.data
            )
        await replies.send(peer_id, screen.text, keyboard=screen.keyboard, attachment=attachment)
    for letter in outcome.letters:
        sent = await replies.send(letter.peer_id, letter.text)
        if note := letter.delivered if sent else letter.undelivered:
            await replies.send(peer_id, note)


async def _fetch(doc: IncomingDoc) -> SentFile:
    try:
        return SentFile(await download_document(doc, limit=MAX_FILE_BYTES))
    except DocumentTooBig:
        return SentFile(None, request_texts.FILE_TOO_BIG)
    except DocumentUnavailable as exc:
        logger.warning("a sent file could not be fetched: %s", exc)
        return SentFile(None, request_texts.FILE_UNAVAILABLE)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _payload_dict(payload: Any) -> dict[str, Any]:
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return {}
    return payload if isinstance(payload, dict) else {}
