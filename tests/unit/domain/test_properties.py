"""Whatever a person types, parsing answers with a message or a value, never a crash."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.answers import AnswerError, parse_answer
from bot.domain.form import looks_like_form, parse_form
from bot.domain.questionnaire import Question

# The characters that break naive parsers, mixed into arbitrary Unicode.
_TRICKY = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\u00a0",
    "\u2009",
    "\u202f",
    "\u2212",
    "\r",
    "\n",
    "\t",
    ";",
    ":",
    "=",
    "%",
    ",",
    ".",
    "-",
    "+",
    "да",
    "нет",
    "чел.",
    "1 000",
    "NaN",
    "inf",
    "1e309",
]
_texts = st.one_of(
    st.text(),
    st.lists(
        st.one_of(
            st.sampled_from(_TRICKY),
            st.text(max_size=3),
            st.from_regex(r"[0-9]{1,30}", fullmatch=True),
        )
    ).map("".join),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
_long_texts = st.sampled_from(
    ["9" * 10_000, "я" * 10_000, "\u200f" * 10_000, "1;" * 5_000, "Педагогов всего: 1\n" * 600]
)
_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _all_questions(sferum, extra) -> list[Question]:
    return [*sferum.questions, *extra.questions]


def _check(question: Question, raw: str) -> None:
    try:
        value = parse_answer(question, raw)
    except AnswerError as exc:
        message = str(exc)
        assert message, "every refusal has something to show"
        return
    if value is None:
        assert not question.required
    elif question.type in ("int", "percent"):
        lo, hi = question.bounds
        assert isinstance(value, int if question.type == "int" else float)
        assert not isinstance(value, bool)
        assert lo <= value <= hi
    elif question.type == "text":
        assert isinstance(value, str)
        assert 0 < len(value) <= question.text_limit
    elif question.type == "yes_no":
        assert isinstance(value, bool)
    elif question.type == "choice":
        assert value in question.choices
    else:
        assert isinstance(value, list)
        assert 0 < len(value) <= question.row_limit


@_settings
@given(raw=_texts, index=st.integers(min_value=0))
def test_parse_answer_only_raises_answer_error(sferum, extra, raw, index):
    questions = _all_questions(sferum, extra)
    _check(questions[index % len(questions)], raw)


@pytest.mark.parametrize("raw", ["9" * 10_000, "я" * 10_000, "\u200f" * 10_000, "1;" * 5_000])
def test_huge_inputs(sferum, extra, raw):
    for question in _all_questions(sferum, extra):
        _check(question, raw)


@_settings
@given(text=st.one_of(_texts, _long_texts))
def test_parse_form_never_raises(sferum, text):
    result = parse_form(sferum, text)
    for key, value in result.values.items():
        question = sferum.question(key)
        if question.type == "int":
            lo, hi = question.bounds
            assert lo <= value <= hi
    lines = {e.line_no for e in result.errors} | set(result.unknown_lines)
    assert all(n >= 1 for n in lines)
    looks_like_form(text, sferum)


@_settings
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["Педагогов всего", "staff_registered", "Классов всего", "Комментарий"]
            ),
            st.sampled_from([":", " = ", " - ", " "]),
            _texts,
        ),
        max_size=6,
    )
)
def test_form_lines_with_real_labels(sferum, lines):
    text = "\n".join(f"{label}{sep}{value}" for label, sep, value in lines)
    result = parse_form(sferum, text)
    assert set(result.values) <= {"staff_total", "staff_registered", "classes_total", "comment"}
