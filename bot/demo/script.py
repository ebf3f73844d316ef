"""What happens in the demo, in order: onboarding, then N reporting weeks of the Sergokala
district, each played on the fake clock through the real scheduler and the real dialogs."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from bot.demo import cast
from bot.demo.world import Person, Stage
from bot.resources import default_questionnaire


@dataclass
class Plan:
    """How each head behaves in one week (seeded, so every run is the same)."""

    answer_at: dict[int, datetime] = field(default_factory=dict)  # vk_id → when
    style: dict[int, str] = field(default_factory=dict)  # "form" | "steps" | "prefill"
    mistake: int | None = None  # the head who types an impossible number first
    silent: tuple[int, ...] = ()  # never answer


def plan_week(
    heads: list[cast.Head], monday: datetime, week_index: int, rng: random.Random
) -> Plan:
    """Most heads answer during the week, a couple on Friday after the deadline, two never."""
    order = heads[:]
    rng.shuffle(order)
    silent = tuple(h.vk_id for h in order[:2])
    late = order[2:4] if week_index == 0 else order[2:3]
    plan = Plan(silent=silent)
    tz = monday.tzinfo
    for index, head in enumerate(order[2:]):
        if head in late:
            moment = datetime.combine(monday.date() + timedelta(days=4), time(16, 20), tz)
            moment += timedelta(minutes=25 * late.index(head))
        else:
            day = rng.choice([0, 0, 1, 2, 3, 3, 4])
            hour = rng.choice([10, 11, 12, 14, 16, 17]) if day < 4 else rng.choice([11, 13, 15])
            moment = datetime.combine(
                monday.date() + timedelta(days=day), time(hour, rng.randrange(0, 60, 5)), tz
            )
        plan.answer_at[head.vk_id] = moment
        if week_index == 0:
            plan.style[head.vk_id] = "steps" if index in (1, 5) else "form"
        else:
            plan.style[head.vk_id] = "prefill" if index % 3 == 0 else "form"
    if week_index == 0:
        plan.mistake = order[4].vk_id  # answers by form (index 2 below)
    return plan


def form_text(answers: dict[str, Any]) -> str:
    questionnaire = default_questionnaire()
    lines = []
    for question in questionnaire.questions:
        if question.key not in answers:
            continue
        value = answers[question.key]
        shown = ("да" if value else "нет") if isinstance(value, bool) else str(value)
        lines.append(f"{question.label}: {shown}")
    return "\n".join(lines)


async def answer_by_form(stage: Stage, who: Person, answers: dict[str, Any], mistake: bool) -> None:
    if mistake:
        wrong = dict(answers, staff_registered=answers["staff_total"] + 7)
        await stage.say(who, form_text(wrong))
        await stage.say(who, f"Педагогов в Сферуме: {answers['staff_registered']}")
    else:
        await stage.say(who, form_text(answers))
    await send(stage, who)


async def send(stage: Stage, who: Person) -> None:
    """Skip what the form left out (the optional comment), then send from the review."""
    while stage.has_button(who.vk_id, "Пропустить"):
        await stage.tap(who, "Пропустить")
    await stage.tap(who, "Отправить")


async def answer_step_by_step(
    stage: Stage, who: Person, answers: dict[str, Any], previous: dict[str, Any] | None
) -> None:
    """One question at a time; where last week's figure still holds, its button is used."""
    await stage.tap(who, "Заполнить")
    for question in default_questionnaire().questions:
        if question.key not in answers:
            if not question.required:
                await stage.tap(who, "Пропустить")
            continue
        value = answers[question.key]
        if isinstance(value, bool):
            await stage.tap(who, "Да" if value else "Нет")
        elif previous and previous.get(question.key) == value:
            await stage.tap(who, "Как на прошлой неделе")
        else:
            await stage.say(who, str(value))
    await send(stage, who)
