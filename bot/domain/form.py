"""The whole questionnaire in one message: `label: value` or `key=value` lines."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from bot.domain import messages_ru as msg
from bot.domain.answers import AnswerError, AnswerValue, parse_answer
from bot.domain.questionnaire import Question, Questionnaire
from bot.domain.rules import check_answer_in_context, check_rules
from bot.domain.textnorm import clean, fold

# "1. ", "2) ", "- ", "• " in front of a line: people number or bullet their lists.
_BULLET = re.compile(r"^(?:[0-9]{1,2}[.)]|[-–—•*])\s+")
# The first separator between label and value: ":" or "=", or a dash with spaces around
# (a bare "-" may be a minus sign or part of a word).
_SEPARATOR = re.compile(r"\s*[:=]\s*|\s+[-–—]+\s+|\s*[–—]\s*")
_PUNCT = re.compile(r"[,.;:!?«»\"'()]")
# Labels are short; looking further into a line for a label's end only costs time.
_MAX_LABEL_WORDS = 12
# A bit of a label is enough only when it cannot be mistaken: «Педагогов в сф».
_MIN_PREFIX = 4
# An indicator's value as the review shows it: «91,11 %», «73,17 % (▼ 1,83 п. п.)».
_PERCENTAGE = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)? ?%")
# The review shows «—» for a question left unanswered; copied back, it is still no answer.
_NO_ANSWER_MARKS = frozenset({msg.NO_ANSWER, "-", "–"})
# The bot's own lines are short; a longer line is never one, and is not matched against them.
_MAX_FRAME_LINE = 1000


@dataclass(frozen=True)
class FormError:
    line_no: int  # 1-based, as the person sees the message
    key: str | None  # None when the line names no single question
    message: str


@dataclass
class FormResult:
    values: dict[str, AnswerValue | None] = field(default_factory=dict)
    errors: list[FormError] = field(default_factory=list)
    unknown_lines: list[int] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # the line each value came from


class Frame:
    """The bot's own lines around the answers on a screen people copy back to answer (the
    review): templates whose {fields} match anything. A line that fits one is skipped."""

    def __init__(self, templates: Iterable[str]) -> None:
        patterns = [
            ".+".join(re.escape(part) for part in re.split(r"\{[^{}]*\}", line))
            for template in templates
            for line in fold(template).split("\n")
            if line
        ]
        self._pattern = re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)")

    def covers(self, line: str) -> bool:
        return len(line) <= _MAX_FRAME_LINE and self._pattern.fullmatch(fold(line)) is not None


def parse_form(
    questionnaire: Questionnaire,
    text: str,
    *,
    given: Mapping[str, object] | None = None,
    frame: Frame | None = None,
) -> FormResult:
    """The values of the lines that name a question; errors and unknown lines by line number.

    A value is kept when it is the first one for its question and agrees with the rest of
    the form and with the answers `given` earlier (as the form changes them); the others are
    errors. Lines of the bot's own screen (`frame`) and indicator lines («Педагогов в
    Сферуме: 91,11 %») are skipped: people answer by copying last week's review.
    Values are kept even for questions whose depends_on answer is «Нет»; what to ask next
    is Questionnaire.applicable's call.
    """
    result = FormResult()
    matcher = _Matcher.of(questionnaire)
    for line_no, line in enumerate(clean(text).split("\n"), start=1):
        if not line or (frame is not None and frame.covers(line)) or matcher.is_indicator(line):
            continue
        found = matcher.match(line)
        if found is None:
            result.unknown_lines.append(line_no)
        elif isinstance(found, list):
            labels = "; ".join(f"«{q.label}»" for q in found)
            message = msg.FORM_AMBIGUOUS.format(labels=labels)
            result.errors.append(FormError(line_no, None, message))
        else:
            _take(result, line_no, *found)
    for v in check_rules(questionnaire, result.values):
        _drop(result, v.key, v.message)
    _drop_contradicting(questionnaire, result, given or {})
    result.errors.sort(key=lambda e: e.line_no)
    return result


def _take(result: FormResult, line_no: int, question: Question, raw: str) -> None:
    key = question.key
    if question.type == "text" and raw.strip() in _NO_ANSWER_MARKS:
        raw = ""
    try:
        value = parse_answer(question, raw)
    except AnswerError as exc:
        result.errors.append(FormError(line_no, key, str(exc)))
        return
    # The first value stands; a second one is reported, not silently taken.
    if key in result.lines:
        message = msg.FORM_DUPLICATE.format(label=question.label, first=result.lines[key])
        result.errors.append(FormError(line_no, key, message))
        return
    result.lines[key] = line_no
    result.values[key] = value


def _drop_contradicting(
    questionnaire: Questionnaire, result: FormResult, given: Mapping[str, object]
) -> None:
    """Move to the errors each value that contradicts an earlier answer the form leaves as it
    was, judged against the form's own values where it changes them. One at a time: dropping
    a value brings back the earlier answer, which the values checked before may contradict."""
    while True:
        answers = {**given, **result.values}
        for key, value in result.values.items():
            violations = check_answer_in_context(questionnaire, answers, key, value)
            if violations:
                _drop(result, key, violations[0].message)
                break
        else:
            return


def _drop(result: FormResult, key: str, message: str) -> None:
    """A value refused after all: its line is reported instead (once, if two rules refuse it)."""
    if key in result.values:
        result.errors.append(FormError(result.lines.pop(key), key, message))
        del result.values[key]


def looks_like_form(text: str, questionnaire: Questionnaire, *, min_lines: int = 2) -> bool:
    """True when at least `min_lines` lines name a question, so the dialog should parse a
    form. Inside a questionnaire one «label: value» line is enough: it is how people resend
    a line the bot refused."""
    matcher = _Matcher.of(questionnaire)
    named = 0
    for line in clean(text).split("\n"):
        if line and matcher.match(line) is not None:
            named += 1
            if named >= min_lines:
                return True
    return False


def describe_error(questionnaire: Questionnaire, error: FormError) -> str:
    """«Строка 4, «Обучающихся всего»: …» for the reply to a form."""
    if error.key is None:
        return msg.FORM_LINE_NO_KEY.format(line_no=error.line_no, message=error.message)
    label = questionnaire.question(error.key).label
    return msg.FORM_LINE.format(line_no=error.line_no, label=label, message=error.message)


def _norm(text: str) -> str:
    """Label form for matching: case, ё, punctuation, spacing and «≥ 1» vs «≥1» ignored."""
    text = _PUNCT.sub(" ", fold(text))
    return re.sub(r"≥\s+", "≥", " ".join(text.split()))


_MATCHERS: WeakKeyDictionary[Questionnaire, "_Matcher"] = WeakKeyDictionary()


class _Matcher:
    def __init__(self, questionnaire: Questionnaire) -> None:
        self.labels = [(_norm(q.label), q) for q in questionnaire.questions]
        self.exact = {q.key: q for q in questionnaire.questions}
        self.exact.update(self.labels)
        # A percentage is an answer to a percent question, never an indicator line.
        percent = {label for label, q in self.labels if q.type == "percent"}
        self.indicators = {_norm(i.label) for i in questionnaire.indicators} - percent

    @staticmethod
    def of(questionnaire: Questionnaire) -> "_Matcher":
        """One per questionnaire: every typed answer is checked for a form, and normalising
        the labels each time cost more than the rest of the check."""
        matcher = _MATCHERS.get(questionnaire)
        if matcher is None:
            matcher = _MATCHERS[questionnaire] = _Matcher(questionnaire)
        return matcher

    def is_indicator(self, line: str) -> bool:
        """«• Педагогов в Сферуме: 91,11 %»: an indicator's label with a percentage. Under a
        label a question shares, only with the review's «•»: typed without it, a percentage
        is a wrong answer to the question, and the person is told so."""
        copied = line.startswith("•")
        line = _BULLET.sub("", line, count=1)
        sep = _SEPARATOR.search(line)
        if sep is None or _PERCENTAGE.match(line, sep.end()) is None:
            return False
        name = _norm(line[: sep.start()])
        return name in self.indicators and (copied or name not in self.exact)

    def match(self, line: str) -> tuple[Question, str] | list[Question] | None:
        """(question, raw value); the candidates when the name fits several; None if no question."""
        # «>=» before the separator search, or its «=» would split «≥1 групповой чат».
        line = _BULLET.sub("", line, count=1).replace(">=", "≥")
        sep = _SEPARATOR.search(line)
        if sep is not None and sep.start() > 0:
            found = self._by_name(line[: sep.start()])
            if found is not None:
                return found if isinstance(found, list) else (found, line[sep.end() :])
        return self._by_leading_label(line)

    def _by_name(self, name: str) -> Question | list[Question] | None:
        name = _norm(name)
        if name in self.exact:
            return self.exact[name]
        if len(name) < _MIN_PREFIX:
            return None
        candidates = [q for label, q in self.labels if label.startswith(name)]
        if len(candidates) > 1:
            return candidates
        return candidates[0] if candidates else None

    def _by_leading_label(self, line: str) -> tuple[Question, str] | None:
        # No separator: «Педагогов всего 45». Only a whole label counts here, the longest
        # one, since without a separator a prefix cannot tell where the label ends.
        words = line.split(" ")
        for n in range(min(len(words) - 1, _MAX_LABEL_WORDS), 0, -1):
            question = self.exact.get(_norm(" ".join(words[:n])))
            if question is not None:
                return question, " ".join(words[n:])
        return None
