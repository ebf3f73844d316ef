"""The check-in conversation: one step per incoming message or button, stored before it
is answered.

The draft lives in `dialog_states` (keyed by the person's VK id), written with everything
else the step changed in one transaction, so a restart or a pause of days resumes exactly
there. Access is decided here on every step from the person's staff roles: a button or a
stored draft naming a school the person does not run is refused.

A step starts from the person's roles and dialog state as read for the update (`Known`) and
writes the draft only if its version is still the one read; if another step of the person
changed it meanwhile (another instance), the step runs again on what is stored now.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.answers import format_answer
from bot.domain.dialog_state import Seen
from bot.domain.form import looks_like_form
from bot.domain.permissions import Actor
from bot.domain.questionnaire import Questionnaire
from bot.keyboards import empty_keyboard
from bot.resources import default_questionnaire
from bot.services.access import read_person
from bot.services.checkin import flow, screens
from bot.services.checkin.answers import (
    CheckinRefused,
    OpenRound,
    SchoolStatus,
    current_answers,
    is_answered,
    missing_questions,
    open_rounds,
    previous_answers,
    school_statuses,
    submit,
)
from bot.services.checkin.flow import Draft
from bot.services.checkin.screens import RoundView, Screen
from bot.texts import checkin as texts
from bot.texts import requests as request_texts
from storage.db import Database
from storage.models import Round
from storage.repos import dialogs
from storage.repos import requests as requests_repo

logger = logging.getLogger(__name__)

STATE = "checkin"
CHOOSING = "checkin:school"
# Steps that name the question they were shown for: a stale tap must not act on another one.
_KEYED = frozenset({"prev", "skip", "back"})


@dataclass(frozen=True)
class SentFile:
    """A document the person attached, fetched by the handler before the step runs."""

    data: bytes | None
    problem: str | None = None  # why it could not be fetched (Russian)


@dataclass(frozen=True)
class Intent:
    command: str | None = None  # start, school, prev, skip, back, send, fix, edit, review
    text: str = ""
    school_id: int | None = None
    key: str | None = None
    round_id: int | None = None  # a round picked on a button (a one-off request)
    file: SentFile | None = None


@dataclass(frozen=True)
class Known:
    """What was read about the person at the start of this update."""

    actor: Actor
    dialog: Seen | None


class _StaleDraft(Exception):
    """The dialog state changed after it was read: the step must run on fresh reads."""


class _StateWrite(TypedDict):
    """What `dialogs.create` and `dialogs.put_if_unchanged` both take."""

    vk_id: int
    state: str
    payload: dict[str, Any]
    now: datetime


@dataclass
class Outcome:
    screens: list[Screen] = field(default_factory=list)
    notice: str | None = None  # a short reply; a snackbar when the step came from a callback


async def handle(
    *,
    db: Database,
    known: Known,
    intent: Intent,
    now: datetime,
    admin_ids: Sequence[int],
) -> Outcome:
    """Run one step of the person's check-in and say what to show them."""
    vk_id = known.actor.vk_id
    fresh: Known | None = known
    for attempt in (1, 2, 3):
        try:
            async with db.sessions.begin() as session:
                if fresh is None:
                    fresh = Known(*await read_person(session, vk_id, list(admin_ids)))
                return await _Conversation(session, fresh, now).step(intent)
        except (IntegrityError, _StaleDraft) as exc:
            # Another step of this person (another instance) changed the draft or stored
            # the response first: run again on what it stored.
            logger.info("check-in step of a person conflicted (%s, attempt %d)",
                        type(exc).__name__, attempt)  # fmt: skip
            fresh = None
    return Outcome(notice=texts.SAVE_FAILED)


class _Conversation:
    def __init__(self, session: AsyncSession, known: Known, now: datetime) -> None:
        self.session, self.actor, self.now = session, known.actor, now
        self.seen = known.dialog  # the state as stored now, as far as this step knows

    async def step(self, intent: Intent) -> Outcome:
        row = self.seen
        ours = row is not None and row.state in (STATE, CHOOSING)
        if not self.actor.is_staff or self.actor.person_id is None:
            if ours:
                await self._drop()
            return Outcome(notice=texts.NOT_STAFF)
        draft = Draft.from_payload(row.payload) if row is not None and row.state == STATE else None
        if draft is not None and draft.school_id not in self.actor.school_ids:
            logger.warning("dropped a draft for a school the person no longer runs")
            await self._drop()
            draft = None
        command = intent.command
        if command in ("start", "school"):
            school_id = intent.school_id or self._only_school()
            return await self._start(school_id, draft, round_id=intent.round_id)
        if draft is None:
            return await self._without_draft(
                intent, choosing=row is not None and row.state == CHOOSING
            )
        rounds = await self._open_rounds(draft.school_id)
        opened = next((o for o in rounds if o.round.id == draft.round_id), None)
        if opened is None:
            await self._drop()
            weekly = await self._weekly(draft.round_id)
            # Answers sent in one message name their questions: they go to the round open
            # now instead of being lost with the draft of the closed one.
            if intent.command is None and looks_like_form(
                intent.text, default_questionnaire(), min_lines=1
            ):
                note = texts.NEW_WEEK_FORM if weekly else request_texts.CLOSED
                return await self._start(draft.school_id, None, note=note, then=intent)
            note = texts.NEW_WEEK if weekly else request_texts.CLOSED
            return await self._start(draft.school_id, None, note=note)
        return await self._continue(draft, opened, intent)

    async def _without_draft(self, intent: Intent, *, choosing: bool) -> Outcome:
        if intent.command is None and looks_like_form(intent.text, default_questionnaire()):
            school_id = self._only_school()
            if school_id is None:
                return Outcome(await self._school_choice(texts.CHOOSE_SCHOOL_FIRST))
            return await self._start(school_id, None, then=intent)
        if intent.command == "send" and all(school.answered for school in await self._schools()):
            return Outcome(notice=texts.ALREADY_SENT)
        if choosing:
            return Outcome(await self._school_choice(texts.CHOOSE_SCHOOL))
        return Outcome([Screen(texts.NO_DIALOG, screens.start_keyboard())])

    async def _start(
        self,
        school_id: int | None,
        draft: Draft | None,
        *,
        round_id: int | None = None,
        note: str | None = None,
        then: Intent | None = None,
    ) -> Outcome:
        """Open (or resume) the draft for a school; `then` is a step to run on it at once.

        With several rounds open for the school (this week's and one-off requests), the
        round is the one asked for, else the draft's, else the person picks it."""
        if school_id is None and draft is not None:
            school_id = draft.school_id
        if school_id is None:
            return Outcome(await self._school_choice(texts.CHOOSE_SCHOOL))
        if school_id not in self.actor.school_ids:
            logger.warning("refused a check-in for a school the person does not run")
            return Outcome(await self._school_choice(texts.NOT_YOUR_SCHOOL))
        rounds = await open_rounds(session=self.session, school_id=school_id, now=self.now)
        if not rounds:
            await self._drop()
            return Outcome(notice=texts.NO_ROUND)
        opened = _choose(rounds, round_id, draft)
        if opened is None:
            answered = [
                await is_answered(session=self.session, round_id=o.round.id, school_id=school_id)
                for o in rounds
            ]
            return Outcome([screens.round_choice(rounds, answered)])
        view = RoundView.of(opened, self.now)
        qn = opened.questionnaire
        lead: list[Screen] = []
        before: str | None = texts.RESUME
        if draft is None or (draft.school_id, draft.round_id) != (school_id, opened.round.id):
            round_id = opened.round.id
            current = await current_answers(
                session=self.session, round_id=round_id, school_id=school_id
            )
            previous = await previous_answers(
                session=self.session, round_=opened.round, school_id=school_id
            )
            draft = Draft(round_id, school_id, dict(current or {}), dict(previous or {}))
            flow.advance(qn, draft)
            await self._save(draft)
            intro = screens.intro(view)
            lead.append(Screen(f"{note}\n{intro}" if note else intro))
            before = texts.RESUBMIT if current is not None else None
        if then is not None:
            return Outcome(lead + (await self._continue(draft, opened, then)).screens)
        return Outcome([*lead, self._screen(qn, draft, view, before)])

    async def _continue(self, draft: Draft, opened: OpenRound, intent: Intent) -> Outcome:
        qn, view = opened.questionnaire, RoundView.of(opened, self.now)
        command = intent.command
        if (
            command in _KEYED
            and intent.key is not None
            and (draft.step, draft.key)
            != (
                flow.ASK,
                intent.key,
            )
        ):
            # A tap on a keyboard left from another question: show where we are instead.
            return Outcome([self._screen(qn, draft, view)])
        if command == "send" and draft.step == flow.REVIEW:
            return await self._submit(draft, opened, view)
        if command is None and intent.file is not None:
            return await self._file(draft, qn, view, intent.file)
        if command is None:
            return await self._typed(draft, qn, view, intent.text)
        problem: str | None = None
        if command == "fix" and draft.step == flow.REVIEW:
            draft.step = flow.PICK
        elif command == "edit" and intent.key and draft.step in (flow.REVIEW, flow.PICK):
            problem = flow.pick(qn, draft, intent.key)
        elif command == "review" and draft.step == flow.PICK:
            flow.to_review(draft)
        elif command == "back":
            problem = flow.back(qn, draft)
        elif command == "prev" and draft.step == flow.ASK:
            problem = flow.use_previous(qn, draft)
        elif command == "skip" and draft.step == flow.ASK:
            problem = flow.skip(qn, draft)
        await self._save(draft)
        return Outcome([self._screen(qn, draft, view, problem)])

    async def _file(
        self, draft: Draft, qn: Questionnaire, view: RoundView, sent: SentFile
    ) -> Outcome:
        asked = qn.question(draft.key) if draft.step == flow.ASK and draft.key else None
        if asked is None or asked.type != "file":
            return Outcome([self._screen(qn, draft, view, request_texts.FILE_NOT_NOW)])
        problem = sent.problem
        if problem is None:
            assert sent.data is not None
            problem = flow.answer_file(qn, draft, sent.data)
        if problem is not None:
            logger.info("a file answer was refused")
            problem = f"{problem}\n{request_texts.FILE_RETRY}"
            return Outcome([self._screen(qn, draft, view, problem)])
        await self._save(draft)
        rows = format_answer(asked, draft.answers.get(asked.key))
        return Outcome(
            [self._screen(qn, draft, view, request_texts.FILE_ACCEPTED.format(rows=rows))]
        )

    async def _typed(self, draft: Draft, qn: Questionnaire, view: RoundView, text: str) -> Outcome:
        # A single «label: value» line is a form line too (the bot asks to resend refused
        # lines), except as the answer to a free-text question, where it is just text.
        asking_text = (
            draft.step == flow.ASK
            and draft.key is not None
            and qn.question(draft.key).type == "text"
        )
        if looks_like_form(text, qn, min_lines=2 if asking_text else 1):
            outcome = flow.apply_form(qn, draft, text)
            problem: str | None = screens.form_report(
                outcome, len(missing_questions(qn, draft.answers))
            )
        elif draft.step == flow.ASK:
            problem = flow.answer(qn, draft, text)
        else:
            # On the review or pick screen a number opens that answer for a change.
            problem = flow.pick_by_number(qn, draft, text)
        await self._save(draft)
        return Outcome([self._screen(qn, draft, view, problem)])

    async def _weekly(self, round_id: int) -> bool:
        round_ = await self.session.get(Round, round_id)
        return (
            round_ is None
            or (await requests_repo.campaign_of(self.session, round_)).kind != requests_repo.KIND
        )

    async def _submit(self, draft: Draft, opened: OpenRound, view: RoundView) -> Outcome:
        assert self.actor.person_id is not None
        qn = opened.questionnaire
        try:
            result = await submit(
                session=self.session,
                round_id=draft.round_id,
                school_id=draft.school_id,
                author_person_id=self.actor.person_id,
                answers=draft.answers,
                now=self.now,
            )
        except CheckinRefused as exc:
            logger.warning("submission refused: %s", exc.reason)
            flow.advance(qn, draft)
            await self._save(draft)
            return Outcome([self._screen(qn, draft, view)])
        await self._drop()
        done = [Screen(screens.thanks(qn, result, view), empty_keyboard())]
        others = await self._schools(exclude=draft.school_id)
        if any(not school.answered for school in others):
            done.append(screens.school_choice(others, texts.OTHER_SCHOOLS))
        return Outcome(done)

    def _screen(
        self, qn: Questionnaire, draft: Draft, view: RoundView, before: str | None = None
    ) -> Screen:
        if draft.step == flow.ASK:
            # The template of a file question goes once per showing, not with every refusal.
            template = before is None or before == texts.RESUME
            return screens.question(qn, draft, before=before, template=template)
        if draft.step == flow.PICK:
            return screens.pick(qn, draft, before=before)
        return screens.review(qn, draft, view, before=before)

    async def _school_choice(self, text: str) -> list[Screen]:
        await self._write(CHOOSING, {})
        return [screens.school_choice(await self._schools(), text)]

    async def _schools(self, exclude: int | None = None) -> list[SchoolStatus]:
        ids = [i for i in self.actor.school_ids if i != exclude]
        return await school_statuses(session=self.session, school_ids=ids, now=self.now)

    async def _open_rounds(self, school_id: int) -> list[OpenRound]:
        return await open_rounds(session=self.session, school_id=school_id, now=self.now)

    def _only_school(self) -> int | None:
        ids = self.actor.school_ids
        return ids[0] if len(ids) == 1 else None

    async def _save(self, draft: Draft) -> None:
        await self._write(STATE, draft.to_payload())

    async def _write(self, state: str, payload: dict[str, Any]) -> None:
        values: _StateWrite = {
            "vk_id": self.actor.vk_id,
            "state": state,
            "payload": payload,
            "now": self.now,
        }
        if self.seen is None:
            await dialogs.create(self.session, **values)
            self.seen = Seen(state, payload, 0)
            return
        if not await dialogs.put_if_unchanged(self.session, version=self.seen.version, **values):
            raise _StaleDraft
        self.seen = Seen(state, payload, self.seen.version + 1)

    async def _drop(self) -> None:
        await dialogs.drop(self.session, self.actor.vk_id)
        self.seen = None


def _choose(
    rounds: Sequence[OpenRound], round_id: int | None, draft: Draft | None
) -> OpenRound | None:
    """The round to answer: the one asked for, the draft's, the only one — or None (ask)."""
    by_id = {o.round.id: o for o in rounds}
    if round_id is not None:
        return by_id.get(round_id)
    if draft is not None and draft.school_id == rounds[0].school.id and draft.round_id in by_id:
        return by_id[draft.round_id]
    return rounds[0] if len(rounds) == 1 else None
