"""Declared cross-field rules (a ≤ b), checked on a whole answer set or on one new answer."""

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain import messages_ru as msg
from bot.domain.answers import format_answer
from bot.domain.questionnaire import Question, Questionnaire, Rule


@dataclass(frozen=True)
class RuleViolation:
    key: str  # the answer to fix
    other: str  # the answer it contradicts
    message: str


def check_rules(questionnaire: Questionnaire, answers: Mapping[str, object]) -> list[RuleViolation]:
    """Every rule broken by the answers; pairs with a missing side are not judged."""
    violations = []
    for rule in questionnaire.rules:
        a, b = rule.lte
        va, vb = _number(answers.get(a)), _number(answers.get(b))
        if va is not None and vb is not None and va > vb:
            violations.append(_too_big(questionnaire, rule, va, vb))
    return violations


def check_answer_in_context(
    questionnaire: Questionnaire, answers: Mapping[str, object], key: str, value: object
) -> list[RuleViolation]:
    """Rules that a new answer to `key` would break, given the answers already there.

    Works both ways, so that going back and lowering «Педагогов всего» below «Педагогов в
    Сферуме» is caught as well; every violation asks to fix `key`.
    """
    new = _number(value)
    if new is None:
        return []
    violations = []
    for rule in questionnaire.rules:
        a, b = rule.lte
        if key == a and (vb := _number(answers.get(b))) is not None and new > vb:
            violations.append(_too_big(questionnaire, rule, new, vb))
        elif key == b and (va := _number(answers.get(a))) is not None and va > new:
            qa, qb = questionnaire.question(a), questionnaire.question(b)
            text = msg.RULE_NOT_LESS.format(
                b=_subject(qb), a=_object(qa), a_value=format_answer(qa, va)
            )
            violations.append(RuleViolation(key=b, other=a, message=text))
    return violations


def _too_big(questionnaire: Questionnaire, rule: Rule, va: float, vb: float) -> RuleViolation:
    a, b = rule.lte
    qa, qb = questionnaire.question(a), questionnaire.question(b)
    shown_a, shown_b = format_answer(qa, va), format_answer(qb, vb)
    if rule.message is not None:
        text = rule.message.format(a=shown_a, b=shown_b)
    else:
        text = msg.RULE_NOT_MORE.format(a=_subject(qa), b=_object(qb), b_value=shown_b)
    return RuleViolation(key=a, other=b, message=text)


def _number(value: object) -> int | float | None:
    # bool is an int in Python, but a «Да» is never a count.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return None


def _subject(question: Question) -> str:
    # A label with a participial phrase («Педагогов, создавших ≥1 групповой чат») needs its
    # closing comma when the sentence goes on after it.
    return question.label + ("," if "," in question.label else "")


def _object(question: Question) -> str:
    label = question.label
    # Lower-case the first letter mid-sentence, but leave abbreviations («ОО …») alone.
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]
