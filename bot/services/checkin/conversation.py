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
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.answers import format_answer
from bot.domain.dialog_state import Seen
from bot.domain.form import looks_like_form
from bot.domain.past_weeks import unread_week
from bot.domain.permissions import Action, Actor, authorize
from bot.domain.questionnaire import Questionnaire
from bot.domain.week_query import WeekError, WeekQuery, take_week
from bot.keyboards import empty_keyboard
from bot.resources import default_questionnaire
from bot.services.checkin import flow, notices, past, screens
from bot.services.checkin.answers import (
    CheckinRefused,
    OpenRound,
    SchoolStatus,
    SubmitResult,
    current_answers,
    is_answered,
    missing_questions,
    open_rounds,
    previous_answers,
    school_statuses,
    submit,
)
from bot.services.checkin.flow import Draft
from bot.services.checkin.notices import Letter
from bot.services.checkin.screens import RoundView, Screen
from bot.texts import checkin as texts
from bot.texts import corrections
from bot.texts import requests as request_texts
from storage.db import Database
from storage.models import Round, School
from storage.repos import actors, audit, dialogs, people
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
    # start, school, prev, skip, back, send, fix, edit, review; past (a head's missed week),
    # correct (the office enters a school's answers)
    command: str | None = None
    text: str = ""
    school_id: int | None = None
    key: str | None = None
    round_id: int | None = None  # a round picked on a button (a one-off request)
    file: SentFile | None = None
    week: WeekQuery | None = None  # correct: the week asked for (past reads it from `text`)


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
    letters: list[Letter] = field(default_factory=list)  # to others: the school's head


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
                    fresh = Known(*await actors.person(session, vk_id, list(admin_ids)))
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
        draft = Draft.from_payload(row.payload) if row is not None and row.state == STATE else None
        if intent.command == "correct":
            return await self._correct(intent)
        if draft is not None and draft.office:
            return await self._office_step(draft, intent)
        if not self.actor.is_staff or self.actor.person_id is None:
            if ours:
                await self._drop()
            return Outcome(notice=texts.NOT_STAFF)
        if draft is not None and draft.school_id not in self.actor.school_ids:
            logger.warning("dropped a draft for a school the person no longer runs")
            await self._drop()
            draft = None
        command = intent.command
        if command == "past":
            return await self._past(intent)
        if command in ("start", "school"):
            school_id = intent.school_id or self._only_school()
            return await self._start(school_id, draft, round_id=intent.round_id)
        if draft is None:
            return await self._without_draft(
                intent, choosing=row is not None and row.state == CHOOSING
            )
        opened = await self._draft_round(draft)
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
            draft, sent = await self._new_draft(opened)
            intro = screens.intro(view)
            lead.append(Screen(f"{note}\n{intro}" if note else intro))
            before = texts.RESUBMIT if sent else None
        if then is not None:
            return Outcome(lead + (await self._continue(draft, opened, then)).screens)
        return Outcome([*lead, self._screen(qn, draft, view, before)])

    async def _new_draft(
        self, opened: OpenRound, *, pinned: bool = False, office: bool = False
    ) -> tuple[Draft, bool]:
        """A stored draft for the round with what the school sent in it (and whether it had)."""
        school_id, round_id = opened.school.id, opened.round.id
        current = await current_answers(
            session=self.session, round_id=round_id, school_id=school_id
        )
        previous = await previous_answers(
            session=self.session, round_=opened.round, school_id=school_id
        )
        draft = Draft(
            round_id,
            school_id,
            dict(current or {}),
            dict(previous or {}),
            pinned=pinned,
            office=office,
        )
        flow.advance(opened.questionnaire, draft)
        await self._save(draft)
        return draft, current is not None

    async def _open_pinned(self, opened: OpenRound, *, office: bool) -> Outcome:
        """Open a draft for a week chosen out of turn: a head's missed week, or the office's
        entry for the school."""
        draft, sent = await self._new_draft(opened, pinned=True, office=office)
        view = RoundView.of(opened, self.now)
        intro = screens.intro(view)
        if office:
            intro = f"{corrections.CORRECT_INTRO}\n{intro}"
        resubmit = corrections.CORRECT_RESUBMIT if office else texts.RESUBMIT
        screen = self._screen(opened.questionnaire, draft, view, resubmit if sent else None)
        return Outcome([Screen(intro), screen])

    async def _draft_round(self, draft: Draft) -> OpenRound | None:
        """The round the draft answers, if it may still be answered."""
        if draft.pinned:
            return await past.pinned_round(
                self.session,
                round_id=draft.round_id,
                school_id=draft.school_id,
                office=draft.office,
                now=self.now,
            )
        rounds = await self._open_rounds(draft.school_id)
        return next((o for o in rounds if o.round.id == draft.round_id), None)

    async def _past(self, intent: Intent) -> Outcome:
        """A head asks to send a missed week: the one named, else the latest one missing."""
        school_id = intent.school_id or self._only_school()
        if school_id is None:
            return Outcome(await self._school_choice(corrections.PAST_CHOOSE_SCHOOL, "past"))
        if school_id not in self.actor.school_ids:
            logger.warning("refused a past week for a school the person does not run")
            return Outcome(await self._school_choice(texts.NOT_YOUR_SCHOOL, "past"))
        try:
            asked, rest = take_week(intent.text)
        except WeekError:
            return Outcome(notice=corrections.BAD_WEEK)
        if unread_week(rest):
            return Outcome(notice=corrections.BAD_WEEK)
        found = await past.head_round(self.session, school_id=school_id, asked=asked, now=self.now)
        if isinstance(found, str):
            return Outcome(notice=found)
        if found.round.deadline_at >= self.now:  # this week's, still on time: the usual start
            return await self._start(school_id, None, round_id=found.round.id)
        return await self._open_pinned(found, office=False)

    async def _correct(self, intent: Intent) -> Outcome:
        """The office opens a school's answers of a week to enter or correct them."""
        assert intent.school_id is not None
        if not await self._may_correct(intent.school_id):
            return Outcome(notice=corrections.NOT_ALLOWED)
        found = await past.office_round(
            self.session, school_id=intent.school_id, asked=intent.week, now=self.now
        )
        if isinstance(found, str):
            return Outcome(notice=found)
        if self.actor.person_id is None:  # an admin by configuration, not yet met
            person = await people.get_or_add(self.session, vk_id=self.actor.vk_id, now=self.now)
            self.actor = replace(self.actor, person_id=person.id)
        return await self._open_pinned(found, office=True)

    async def _office_step(self, draft: Draft, intent: Intent) -> Outcome:
        """A step of the office's entry: the same questions, checked against the office's
        right to the school on every step."""
        opened = None
        if await self._may_correct(draft.school_id):
            opened = await self._draft_round(draft)
        if opened is None or self.actor.person_id is None:
            await self._drop()
            return Outcome(notice=corrections.NOT_ALLOWED)
        if intent.command in ("start", "school", "past"):
            view = RoundView.of(opened, self.now)
            return Outcome([self._screen(opened.questionnaire, draft, view, texts.RESUME)])
        return await self._continue(draft, opened, intent)

    async def _may_correct(self, school_id: int) -> bool:
        school = await self.session.get(School, school_id)
        return school is not None and authorize(
            self.actor, Action.CORRECT, district_id=school.district_id, school_id=school.id
        )

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
                by_office=draft.office,
            )
        except CheckinRefused as exc:
            logger.warning("submission refused: %s", exc.reason)
            flow.advance(qn, draft)
            await self._save(draft)
            return Outcome([self._screen(qn, draft, view)])
        await self._drop()
        told = await notices.tell_head(
            self.session,
            school_id=draft.school_id,
            author_id=self.actor.person_id,
            by_office=draft.office,
            view=view,
            qn=qn,
            answers=result.answers,
        )
        if draft.office:
            return Outcome([await self._entered(opened, view, result, told)], letters=told.letters)
        done = [Screen(screens.thanks(qn, result, view), empty_keyboard())]
        missed = await past.head_round(
            self.session, school_id=draft.school_id, asked=None, now=self.now
        )
        if not isinstance(missed, str):
            done.append(screens.missed_week(missed))
        others = await self._schools(exclude=draft.school_id)
        if any(not school.answered for school in others):
            done.append(screens.school_choice(others, texts.OTHER_SCHOOLS))
        return Outcome(done, letters=told.letters)

    async def _entered(
        self, opened: OpenRound, view: RoundView, result: SubmitResult, told: notices.Told
    ) -> Screen:
        """The office's entry is stored: recorded in the audit log, and said so."""
        audit.record(
            self.session,
            action="response.entered",
            at=self.now,
            actor_id=self.actor.person_id,
            district_id=opened.district.id,
            school_id=opened.school.id,
            week=opened.round.period,
            revision=result.revision,
        )
        text = corrections.ENTERED.format(school=view.school, week=view.week, name=told.author)
        if not told.letters:
            text += "\n" + corrections.NO_HEAD
        return Screen(text, empty_keyboard())

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

    async def _school_choice(self, text: str, command: str = "school") -> list[Screen]:
        await self._write(CHOOSING, {})
        return [screens.school_choice(await self._schools(), text, command)]

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
