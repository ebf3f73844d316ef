"""What the check-in dialog shows: a question, the review, the pick list, the thank-you."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.answers import expected, format_answer
from bot.domain.formatting import format_percent, format_pp
from bot.domain.indicators import change_pp, compute_indicators
from bot.domain.questionnaire import Question, Questionnaire
from bot.domain.weeks import IsoWeek
from bot.domain.xlsx_template import build_template, template_filename
from bot.keyboards import (
    POSITIVE,
    PRIMARY,
    SECONDARY,
    Button,
    keyboard,
    rows_of,
    short_label,
)
from bot.services.checkin.answers import OpenRound, SchoolStatus, SubmitResult
from bot.services.checkin.flow import Draft, FormOutcome, applicable
from bot.texts import checkin as texts
from bot.texts import corrections
from bot.texts import requests as request_texts

# Choices are offered as buttons only while they fit a small keyboard.
_MAX_CHOICE_BUTTONS = 8
# Types whose last-week value makes sense to repeat with one tap.
_PREFILLED = frozenset({"int", "percent", "yes_no", "choice"})
# Problems of one form listed one by one; the rest are counted, so that a message of
# thousands of bad lines gets one reply (58 KB of one line repeated got 32 replies before).
_FORM_PROBLEMS_SHOWN = 10


@dataclass(frozen=True)
class Document:
    """A file to send with the screen (the XLSX template of a file question)."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Screen:
    text: str
    keyboard: str | None = None
    document: Document | None = None


@dataclass(frozen=True)
class RoundView:
    """The round as the head sees it: school, week (or request), deadline in the district's time."""

    school: str
    week: str  # empty for a one-off request
    deadline: str
    overdue: bool
    request: str | None = None  # the one-off request's title

    @classmethod
    def of(cls, opened: OpenRound, now: datetime) -> RoundView:
        tz = ZoneInfo(opened.district.tz)
        week = ""
        if opened.request_title is None:
            days = IsoWeek.parse(opened.round.period).days()
            week = texts.week_range(days[0], days[-1])
        return cls(
            school=opened.school.short_name or opened.school.name,
            week=week,
            deadline=texts.moment(opened.round.deadline_at.astimezone(tz)),
            overdue=now > opened.round.deadline_at,
            request=opened.request_title,
        )


def intro(view: RoundView) -> str:
    if view.request is not None:
        template = request_texts.INTRO_LATE if view.overdue else request_texts.INTRO
        return template.format(title=view.request, school=view.school, deadline=view.deadline)
    template = texts.INTRO_LATE if view.overdue else texts.INTRO
    return template.format(week=view.week, school=view.school, deadline=view.deadline)


def question(
    qn: Questionnaire, draft: Draft, *, before: str | None = None, template: bool = True
) -> Screen:
    """The question on screen; `before` (an error or a note) goes above it. A file question
    comes with its XLSX template unless `template` is False (a file was just refused)."""
    assert draft.key is not None
    q = qn.question(draft.key)
    order = applicable(qn, draft)
    lines = [before, ""] if before else []
    lines.append(texts.QUESTION.format(n=order.index(q.key) + 1, total=len(order), label=q.label))
    if q.hint:
        lines.append(q.hint)
    previous = draft.previous.get(q.key)
    if previous is not None:
        lines.append(texts.LAST_WEEK.format(value=format_answer(q, previous)))
    document = None
    if q.type == "file":
        lines.append(request_texts.FILE_HINT)
        if template:
            document = Document(template_filename(q), build_template(q))
    elif (q.type != "text" or q.required) and expected(q) not in (before or ""):
        # After a wrong answer the error above already ends with what is expected.
        lines.append(expected(q))
    keyboard = _question_keyboard(q, draft, first=order[0] == q.key)
    return Screen("\n".join(lines), keyboard, document)


def _question_keyboard(q: Question, draft: Draft, *, first: bool) -> str:
    rows: list[list[Button]] = []
    if q.type == "yes_no":
        rows.append([Button(label) for label in texts.YES_NO_BUTTONS])
    elif q.type == "choice" and len(q.choices) <= _MAX_CHOICE_BUTTONS:
        fit = all(len(c) <= 40 for c in q.choices)
        labels = q.choices if fit else [str(n) for n in range(1, len(q.choices) + 1)]
        rows += rows_of([Button(label) for label in labels], per_row=2 if fit else 4)
    previous = draft.previous.get(q.key)
    if previous is not None and q.type in _PREFILLED:
        label = texts.AS_LAST_WEEK.format(value=format_answer(q, previous))
        rows.append([Button(label, {"c": "prev", "k": q.key}, PRIMARY)])
    nav = []
    if draft.editing:
        nav.append(Button(texts.TO_REVIEW, {"c": "back", "k": q.key}))
    elif not first:
        nav.append(Button(texts.BACK, {"c": "back", "k": q.key}))
    if not q.required:
        nav.append(Button(texts.SKIP, {"c": "skip", "k": q.key}))
    rows.append(nav)
    return keyboard(rows, one_time=True)


def review(
    qn: Questionnaire, draft: Draft, view: RoundView, *, before: str | None = None
) -> Screen:
    lines = [before, ""] if before else []
    if view.request is not None:
        lines.append(request_texts.REVIEW.format(school=view.school, title=view.request))
    else:
        lines.append(texts.REVIEW.format(school=view.school, week=view.week))
    for n, key in enumerate(applicable(qn, draft), start=1):
        q = qn.question(key)
        lines.append(f"{n}. {q.label}: {format_answer(q, draft.answers.get(key))}")
    values = [v for v in compute_indicators(qn, draft.answers) if v.ratio is not None]
    if values:
        lines += ["", texts.REVIEW_INDICATORS]
        lines += [f"• {v.label}: {format_percent(v.ratio)}" for v in values]
    lines += ["", texts.REVIEW_HINT]
    buttons = [
        Button(texts.SEND, {"c": "send"}, POSITIVE, callback=True),
        Button(texts.FIX, {"c": "fix"}, callback=True),
    ]
    return Screen("\n".join(lines), keyboard([buttons], inline=True))


def pick(qn: Questionnaire, draft: Draft, *, before: str | None = None) -> Screen:
    order = applicable(qn, draft)
    buttons = [
        Button(str(n), {"c": "edit", "k": key}, callback=True)
        for n, key in enumerate(order, start=1)
    ]
    # An inline keyboard holds 6 rows: 20 answers as buttons, any further ones by number.
    rows = rows_of(buttons)[:5]
    rows.append([Button(texts.TO_REVIEW, {"c": "review"}, callback=True)])
    text = f"{before}\n\n{texts.PICK}" if before else texts.PICK
    return Screen(text, keyboard(rows, inline=True))


def thanks(qn: Questionnaire, result: SubmitResult, view: RoundView) -> str:
    if view.request is not None:
        first = result.revision == 1
        template: str = request_texts.THANKS if first else request_texts.THANKS_UPDATED
        lines = [template.format(school=view.school, title=view.request)]
    else:
        template = texts.THANKS if result.revision == 1 else texts.THANKS_UPDATED
        lines = [template.format(school=view.school, week=view.week)]
    if result.late:
        lines.append(texts.THANKS_LATE)
    now_values = compute_indicators(qn, result.answers)
    before = {v.key: v.ratio for v in compute_indicators(qn, result.previous or {})}
    shown = [v for v in now_values if v.ratio is not None]
    if shown:
        with_change = any(before.get(v.key) is not None for v in shown)
        lines += ["", texts.THANKS_INDICATORS_CHANGE if with_change else texts.THANKS_INDICATORS]
        for v in shown:
            change = change_pp(v.ratio, before.get(v.key))
            suffix = f" ({format_pp(change)})" if change is not None else ""
            lines.append(f"• {v.label}: {format_percent(v.ratio)}{suffix}")
    if not result.late:
        lines += ["", texts.THANKS_EDIT.format(deadline=view.deadline)]
    return "\n".join(lines)


def school_choice(schools: Sequence[SchoolStatus], text: str, command: str = "school") -> Screen:
    """Buttons with short school names, ✅ on those already answered this week; `command`
    is what a button starts (this week's report, or a missed week's: "past")."""
    buttons = [
        Button(
            short_label((texts.ANSWERED_MARK if s.answered else "") + s.name),
            {"c": command, "s": s.school_id},
            SECONDARY if s.answered else PRIMARY,
        )
        for s in schools
    ]
    return Screen(text, keyboard(rows_of(buttons, per_row=1)[:10], one_time=True))


def missed_week(opened: OpenRound) -> Screen:
    """A week the school has not answered yet may still be sent: a button opens it."""
    days = IsoWeek.parse(opened.round.period).days()
    text = corrections.PAST_NOTE.format(week=texts.week_range(days[0], days[-1]))
    payload = {"c": "past", "s": opened.school.id}
    button = Button(corrections.PAST_BUTTON, payload, PRIMARY, callback=True)
    return Screen(text, keyboard([[button]], inline=True))


def round_choice(opened: Sequence[OpenRound], answered: Sequence[bool]) -> Screen:
    """Buttons for the rounds open for one school, ✅ on those already answered."""
    school = opened[0].school
    buttons = [
        Button(
            short_label(
                (texts.ANSWERED_MARK if done else "")
                + (o.request_title or request_texts.WEEKLY_BUTTON)
            ),
            {"c": "start", "s": school.id, "r": o.round.id},
            SECONDARY if done else PRIMARY,
        )
        for o, done in zip(opened, answered, strict=True)
    ]
    text = request_texts.CHOOSE_ROUND.format(school=school.short_name or school.name)
    return Screen(text, keyboard(rows_of(buttons, per_row=1)[:10], one_time=True))


def form_report(outcome: FormOutcome, missing: int) -> str:
    """How a pasted form went: accepted, refused line by line, how many are left."""
    lines = [
        texts.FORM_ACCEPTED.format(n=outcome.accepted) if outcome.accepted else texts.FORM_NOTHING
    ]
    if outcome.problems:
        lines += [texts.FORM_PROBLEMS, *outcome.problems[:_FORM_PROBLEMS_SHOWN]]
        if len(outcome.problems) > _FORM_PROBLEMS_SHOWN:
            lines.append(texts.FORM_MORE.format(n=len(outcome.problems) - _FORM_PROBLEMS_SHOWN))
    if outcome.names:
        lines.append(texts.FORM_NAMES.format(names="; ".join(f"«{n}»" for n in outcome.names)))
    if missing:
        lines.append(texts.LEFT_TO_ANSWER.format(n=missing))
    return "\n".join(lines)


def start_keyboard() -> str:
    return keyboard([[Button(texts.START_BUTTON, {"c": "start"}, POSITIVE)]], one_time=True)
