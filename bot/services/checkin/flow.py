"""The check-in draft and its moves: answer, go back, skip, take last week's value, paste a form.

Pure: no I/O. The draft is what the dialog stores between messages (JSON in
`dialog_states`), so a restart or a few days' pause resumes at the same question.
Every move either changes the draft or returns the Russian reason it did not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.domain import messages_ru as msg
from bot.domain.answers import AnswerError, parse_answer
from bot.domain.file_answers import FileAnswerError, read_table
from bot.domain.form import Frame, describe_error, parse_form
from bot.domain.questionnaire import Questionnaire
from bot.domain.rules import check_answer_in_context
from bot.services.checkin.answers import missing_questions, value_fits
from bot.texts import checkin as texts
from bot.texts import requests as request_texts

ASK, REVIEW, PICK = "ask", "review", "pick"
# What the bot writes around the answers on the screens a head may copy back as the answer:
# the review (and the form report above it), the thank-you, the start of a round.
_SCREEN_FRAME = Frame(
    [
        texts.INTRO,
        texts.INTRO_LATE,
        texts.RESUME,
        texts.RESUBMIT,
        texts.REVIEW,
        texts.REVIEW_INDICATORS,
        texts.REVIEW_HINT,
        texts.FORM_ACCEPTED,
        texts.FORM_NOTHING,
        texts.FORM_PROBLEMS,
        texts.FORM_UNKNOWN_LINE,
        texts.FORM_MORE,
        texts.FORM_NAMES,
        texts.LEFT_TO_ANSWER,
        texts.THANKS,
        texts.THANKS_UPDATED,
        texts.THANKS_LATE,
        texts.THANKS_INDICATORS,
        texts.THANKS_INDICATORS_CHANGE,
        texts.THANKS_EDIT,
        msg.FORM_LINE,
        msg.FORM_LINE_NO_KEY,
        request_texts.INTRO,
        request_texts.INTRO_LATE,
        request_texts.REVIEW,
        request_texts.THANKS,
        request_texts.THANKS_UPDATED,
    ]
)


@dataclass
class Draft:
    round_id: int
    school_id: int
    answers: dict[str, Any] = field(default_factory=dict)
    previous: dict[str, Any] = field(default_factory=dict)  # last week's, for the prefill button
    step: str = ASK
    key: str | None = None  # the question on screen when step is ASK
    editing: bool = False  # answering one question picked on the review screen
    pinned: bool = False  # a week chosen out of turn (a missed one, or the office's entry)
    office: bool = False  # the district office enters the answers for the school

    def to_payload(self) -> dict[str, Any]:
        return {
            "round": self.round_id,
            "school": self.school_id,
            "answers": self.answers,
            "previous": self.previous,
            "step": self.step,
            "key": self.key,
            "editing": self.editing,
            "pinned": self.pinned,
            "office": self.office,
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Draft | None:
        """The stored draft; None if it is not one (another state, an older shape)."""
        try:
            draft = cls(
                round_id=int(data["round"]),
                school_id=int(data["school"]),
                answers=dict(data["answers"]),
                previous=dict(data.get("previous") or {}),
                step=str(data["step"]),
                key=data.get("key"),
                editing=bool(data.get("editing")),
                pinned=bool(data.get("pinned")),
                office=bool(data.get("office")),
            )
        except (KeyError, TypeError, ValueError):
            return None
        return draft if draft.step in (ASK, REVIEW, PICK) else None


@dataclass(frozen=True)
class FormOutcome:
    accepted: int
    problems: list[str]  # by line
    names: list[str] = field(default_factory=list)  # the question labels, if a line named none


def applicable(qn: Questionnaire, draft: Draft) -> list[str]:
    return [q.key for q in qn.applicable(draft.answers)]


def advance(qn: Questionnaire, draft: Draft, after: str | None = None) -> None:
    """On to the next unanswered question after `after` (else the first one), or to review."""
    missing = [q.key for q in missing_questions(qn, draft.answers)]
    order = applicable(qn, draft)
    later = [k for k in missing if after in order and order.index(k) > order.index(after)]
    following = later or missing
    if following:
        draft.step, draft.key = ASK, following[0]
    else:
        to_review(draft)


def to_review(draft: Draft) -> None:
    draft.step, draft.key, draft.editing = REVIEW, None, False


def answer(qn: Questionnaire, draft: Draft, text: str) -> str | None:
    """Take a typed answer to the question on screen; the reason if it is not accepted."""
    assert draft.key is not None
    try:
        value = parse_answer(qn.question(draft.key), text)
    except AnswerError as exc:
        return str(exc)
    return _store(qn, draft, value)


def answer_file(qn: Questionnaire, draft: Draft, data: bytes) -> str | None:
    """Take a filled XLSX as the answer to the file question on screen; else the reason."""
    assert draft.key is not None
    try:
        rows = read_table(qn.question(draft.key), data)
    except FileAnswerError as exc:
        return str(exc)
    return _store(qn, draft, rows)


def use_previous(qn: Questionnaire, draft: Draft) -> str | None:
    assert draft.key is not None
    value = draft.previous.get(draft.key)
    if value is None or not value_fits(qn.question(draft.key), value):
        return texts.NO_LAST_WEEK
    return _store(qn, draft, value)


def skip(qn: Questionnaire, draft: Draft) -> str | None:
    assert draft.key is not None
    if qn.question(draft.key).required:
        return texts.REQUIRED
    return _store(qn, draft, None)


def back(qn: Questionnaire, draft: Draft) -> str | None:
    """One question back; from a picked answer, back to review; from review, the last question."""
    order = applicable(qn, draft)
    if draft.step == PICK or draft.editing:
        to_review(draft)
        return None
    if draft.step == REVIEW:
        draft.step, draft.key = ASK, order[-1]
        return None
    position = order.index(draft.key) if draft.key in order else 0
    if position == 0:
        return texts.FIRST_QUESTION
    draft.key = order[position - 1]
    return None


def pick(qn: Questionnaire, draft: Draft, key: str) -> str | None:
    """Open one answer from the review screen for a change."""
    if key not in applicable(qn, draft):
        return texts.PICK_UNKNOWN.format(total=len(applicable(qn, draft)))
    draft.step, draft.key, draft.editing = ASK, key, True
    return None


def pick_by_number(qn: Questionnaire, draft: Draft, text: str) -> str | None:
    order = applicable(qn, draft)
    number = text.strip().rstrip(".")
    # Compared as a string: int() of a 5000-digit reply would raise.
    by_number = {str(n): key for n, key in enumerate(order, start=1)}
    if number not in by_number:
        return texts.PICK_UNKNOWN.format(total=len(order))
    return pick(qn, draft, by_number[number])


def apply_form(qn: Questionnaire, draft: Draft, text: str) -> FormOutcome:
    """Take every valid `label: value` line; the problems of the others, by line."""
    result = parse_form(qn, text, given=draft.answers, frame=_SCREEN_FRAME)
    draft.answers.update(result.values)
    _skip_left_out(qn, draft, refused={e.key for e in result.errors})
    problems = [(e.line_no, describe_error(qn, e)) for e in result.errors]
    problems += [(n, texts.FORM_UNKNOWN_LINE.format(line_no=n)) for n in result.unknown_lines]
    problems.sort(key=lambda problem: problem[0])
    names = [q.label for q in qn.applicable(draft.answers)] if result.unknown_lines else []
    draft.editing = False
    advance(qn, draft)
    return FormOutcome(len(result.values), [text for _, text in problems], names)


def _skip_left_out(qn: Questionnaire, draft: Draft, *, refused: set[str | None]) -> None:
    """A form that answers every required question leaves the optional ones it does not
    mention unanswered («—» on the review) rather than asked one by one: the head said all
    they meant to. One the form tried to answer is asked again."""
    missing = missing_questions(qn, draft.answers)
    if any(q.required for q in missing):
        return
    for question in missing:
        if question.key not in refused:
            draft.answers[question.key] = None


def _store(qn: Questionnaire, draft: Draft, value: Any) -> str | None:
    assert draft.key is not None
    violations = check_answer_in_context(qn, draft.answers, draft.key, value)
    if violations:
        return violations[0].message
    draft.answers[draft.key] = value
    advance(qn, draft, after=draft.key)
    return None
