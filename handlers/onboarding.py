"""Joining with an invite: deep link, the code typed, or `/start CODE`; then "is it you?"."""

from __future__ import annotations

import logging

from vkbottle import Keyboard, KeyboardButtonColor, Text
from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.context import AppContext
from bot.domain import invite_codes
from bot.domain.commands import parse_command
from bot.domain.formatting import quoted
from bot.domain.onboarding import Outcome, RedeemResult
from bot.domain.permissions import Actor
from bot.runtime.replies import Replies
from bot.services.onboarding import redeem as onboarding
from bot.texts import onboarding as texts
from handlers.people import named, vk_user
from handlers.rules import Payload

logger = logging.getLogger(__name__)
labeler = BotLabeler()

FAILURE_TEXTS = {
    Outcome.UNKNOWN: texts.UNKNOWN_CODE,
    Outcome.EXPIRED: texts.EXPIRED_CODE,
    Outcome.REVOKED: texts.REVOKED_CODE,
    Outcome.USED: texts.USED_CODE,
    Outcome.ALREADY_YOURS: texts.ALREADY_YOURS,
}


class CodeAttempt(ABCRule[Message]):
    """A deep link, `/start CODE`, a message that looks like a code, or a sentence with a
    code in it («Мне дали код kY6jz-mnbnd»); passes `code` (None: tried, but not a code).

    A bound head's message counts only if it really is a code (with a letter in it), or a
    sentence that says «код» and holds one: their other texts, such as numbers and
    comments, are answers for the questionnaire.
    """

    async def check(self, event: Message, actor: Actor) -> dict[str, str | None] | bool:
        text = event.text or ""
        command = parse_command(text)
        if event.ref:
            text = event.ref
        elif command is not None:
            if command.name != "start" or not command.args:
                return False
            text = command.args
        elif invite_codes.normalize(text) is None or not any(ch.isalpha() for ch in text):
            return _in_sentence(text, stranger=actor.is_stranger)
        return {"code": invite_codes.normalize(text)}


def _in_sentence(text: str, *, stranger: bool) -> dict[str, str | None] | bool:
    found = invite_codes.find_code(text)
    if found is not None and (stranger or invite_codes.mentions_code(text)):
        return {"code": found}
    if stranger and (invite_codes.looks_like_attempt(text) or invite_codes.attempted_in(text)):
        return {"code": None}
    return False


def confirm_keyboard() -> str:
    keyboard = Keyboard(one_time=True)
    keyboard.add(Text(texts.BUTTON_YES, {"c": "onb_yes"}), color=KeyboardButtonColor.POSITIVE)
    keyboard.add(Text(texts.BUTTON_NO, {"c": "onb_no"}), color=KeyboardButtonColor.NEGATIVE)
    return keyboard.get_json()


@labeler.private_message(CodeAttempt())
async def redeem(message: Message, app: AppContext, replies: Replies, code: str | None) -> None:
    now = app.clock.now()
    result = await onboarding.redeem(db=app.db, vk_id=message.from_id, code=code, now=now)
    logger.info("invite attempt: %s", result.outcome)
    if result.outcome is Outcome.REDEEMED:
        await welcome(app, replies, message.peer_id, result)
    elif result.blocked_until is not None:
        await replies.send(message.peer_id, texts.blocked(result.blocked_until, now))
    elif result.outcome is Outcome.HOLDER_EXISTS:
        role = texts.ROLE_NAMES[result.role or "head"]
        await replies.send(
            message.peer_id, texts.HOLDER_EXISTS.format(school=result.school, role=role)
        )
        await notify_admins(
            app,
            replies,
            texts.ADMIN_HOLDER_EXISTS.format(
                person=await named(app, message.from_id), school=result.school, role=role
            ),
        )
    else:
        await replies.send(message.peer_id, FAILURE_TEXTS[result.outcome])
        if result.outcome is Outcome.USED:
            await notify_admins(
                app,
                replies,
                texts.ADMIN_CODE_REUSED.format(
                    person=await named(app, message.from_id), school=result.school
                ),
            )


async def welcome(app: AppContext, replies: Replies, peer_id: int, result: RedeemResult) -> None:
    name = result.first_name or await _fetch_name(app, peer_id, result.person_id)
    await replies.send(peer_id, texts.welcome(result, name), keyboard=confirm_keyboard())
    if result.replaced_vk_id is not None:
        await replies.send(result.replaced_vk_id, texts.FORMER_HOLDER.format(school=result.school))


async def _fetch_name(app: AppContext, vk_id: int, person_id: int | None) -> str | None:
    user = await vk_user(app, vk_id)
    if user is None or person_id is None:
        return None
    if user.first_name is None or user.last_name is None:  # optional in VK's schema
        return user.first_name
    await onboarding.remember_name(
        db=app.db, person_id=person_id, first_name=user.first_name, last_name=user.last_name
    )
    return user.first_name


def nothing_to_do(actor: Actor) -> str:
    """An old button pressed again: strangers (e.g. after "Нет") hear how to join."""
    return texts.STRANGER if actor.is_stranger else texts.CONFIRMED_NOTHING


@labeler.private_message(Payload("onb_yes"))
async def confirm(message: Message, app: AppContext, replies: Replies, actor: Actor) -> None:
    schools = await onboarding.confirm(db=app.db, vk_id=message.from_id, now=app.clock.now())
    await replies.send(message.peer_id, texts.CONFIRMED if schools else nothing_to_do(actor))


@labeler.private_message(Payload("onb_no"))
async def reject(message: Message, app: AppContext, replies: Replies, actor: Actor) -> None:
    schools = await onboarding.reject(db=app.db, vk_id=message.from_id, now=app.clock.now())
    if not schools:
        await replies.send(message.peer_id, nothing_to_do(actor))
        return
    listed = ", ".join(quoted(name) for name in schools)
    await replies.send(message.peer_id, texts.REJECTED.format(schools=listed))
    who = await named(app, message.from_id)
    await notify_admins(app, replies, texts.ADMIN_REJECTED.format(person=who, schools=listed))


async def notify_admins(app: AppContext, replies: Replies, text: str) -> None:
    for admin_id in app.settings.admin_ids:
        await replies.send(admin_id, text)
