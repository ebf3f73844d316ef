"""The check-in draft moves, without VK or a database."""

import pytest

from bot.resources import default_questionnaire
from bot.services.checkin import flow, screens
from bot.services.checkin.answers import SubmitResult
from bot.services.checkin.flow import Draft
from bot.texts import checkin as texts

QN = default_questionnaire()


def fresh(**previous: object) -> Draft:
    draft = Draft(round_id=1, school_id=2, previous=dict(previous))
    flow.advance(QN, draft)
    return draft


def test_answers_go_forward_and_back_returns_to_the_first_gap() -> None:
    draft = fresh()
    assert draft.key == "staff_total"
    assert flow.back(QN, draft) == texts.FIRST_QUESTION
    for text in ("45", "40", "30"):
        assert flow.answer(QN, draft, text) is None
    assert draft.key == "teachers_active"
    flow.back(QN, draft)
    flow.back(QN, draft)
    assert draft.key == "staff_registered"
    assert flow.answer(QN, draft, "41") is None
    assert draft.key == "teachers_active"
    assert draft.answers["staff_registered"] == 41


def test_a_yes_opens_the_dependent_question_and_a_no_drops_it() -> None:
    draft = fresh()
    for text in ("45", "40", "30", "20", "300", "150", "11", "9", "да", "Telegram", "-"):
        assert flow.answer(QN, draft, text) is None, text
    assert draft.step == flow.REVIEW
    assert "foreign_messengers_which" in flow.applicable(QN, draft)
    assert flow.pick_by_number(QN, draft, "9") is None
    assert flow.answer(QN, draft, "нет") is None
    assert draft.step == flow.REVIEW
    assert "foreign_messengers_which" not in flow.applicable(QN, draft)


def test_skip_only_optional_questions() -> None:
    draft = fresh()
    assert flow.skip(QN, draft) == texts.REQUIRED
    draft.answers.update({q.key: 1 for q in QN.questions if q.type == "int"})
    draft.answers["foreign_messengers"] = False
    flow.advance(QN, draft)
    assert draft.key == "comment"
    assert flow.skip(QN, draft) is None
    assert draft.answers["comment"] is None and draft.step == flow.REVIEW


def test_last_weeks_value_is_checked_like_a_typed_one() -> None:
    draft = fresh(staff_registered=50)
    assert flow.use_previous(QN, draft) == texts.NO_LAST_WEEK
    flow.answer(QN, draft, "45")
    assert flow.use_previous(QN, draft) == (
        "Педагогов в Сферуме не может быть больше, чем педагогов всего (45)."
    )
    assert draft.key == "staff_registered"


@pytest.mark.parametrize("text", ["0", "12", "9" * 5000, "три", ""])
def test_a_wrong_number_on_review_is_explained(text: str) -> None:
    draft = fresh()
    flow.to_review(draft)
    assert flow.pick_by_number(QN, draft, text) == texts.PICK_UNKNOWN.format(total=10)
    assert draft.step == flow.REVIEW


def test_a_form_keeps_what_fits_with_earlier_answers() -> None:
    draft = fresh()
    flow.answer(QN, draft, "45")
    outcome = flow.apply_form(QN, draft, "Педагогов в Сферуме: 50\nОбучающихся всего: 300")
    assert outcome.accepted == 1
    assert outcome.problems == [
        "Строка 1, «Педагогов в Сферуме»: Педагогов в Сферуме не может быть больше, "
        "чем педагогов всего (45)."
    ]
    assert draft.answers == {"staff_total": 45, "students_total": 300}
    assert draft.key == "staff_registered"


def test_a_form_is_judged_by_its_own_values_where_it_changes_earlier_answers() -> None:
    """Lowering «Педагогов всего» and «Педагогов в Сферуме» together is no contradiction."""
    draft = fresh()
    for text in ("45", "40"):
        flow.answer(QN, draft, text)
    outcome = flow.apply_form(QN, draft, "Педагогов в Сферуме: 30\nПедагогов всего: 35")
    assert (outcome.accepted, outcome.problems) == (2, [])
    assert draft.answers == {"staff_total": 35, "staff_registered": 30}


def test_a_repeated_line_keeps_the_first_value() -> None:
    draft = fresh()
    outcome = flow.apply_form(QN, draft, "staff_total=40\nstaff_total=20\nstaff_registered=38")
    assert outcome.problems == [
        "Строка 2, «Педагогов всего»: «Педагогов всего» уже указано в строке 1."
    ]
    assert draft.answers == {"staff_total": 40, "staff_registered": 38}


COMPLETE = {q.key: 1 for q in QN.questions if q.type == "int"} | {"foreign_messengers": False}


def test_a_form_with_every_required_answer_leaves_the_optional_ones_unanswered() -> None:
    draft = fresh()
    form = "\n".join(f"{key}={value}" for key, value in COMPLETE.items()).replace("False", "нет")
    outcome = flow.apply_form(QN, draft, form)
    assert outcome.accepted == len(COMPLETE)
    assert draft.step == flow.REVIEW
    assert draft.answers == {**COMPLETE, "comment": None}


@pytest.mark.parametrize(
    ("given", "form", "asked"),
    [
        ({}, "staff_total=1", "staff_registered"),  # required ones are still missing
        (COMPLETE, "foreign_messengers=да", "foreign_messengers_which"),  # opened by the «Да»
        (COMPLETE, "comment=" + "x" * 5000, "comment"),  # the form tried to answer it
    ],
)
def test_a_form_that_leaves_required_or_refused_questions_asks_them(
    given: dict[str, object], form: str, asked: str
) -> None:
    draft = fresh()
    draft.answers.update(given)
    flow.apply_form(QN, draft, form)
    assert (draft.step, draft.key) == (flow.ASK, asked)
    assert "comment" not in draft.answers


def test_draft_survives_json_and_rejects_other_shapes() -> None:
    draft = fresh(staff_total=45)
    flow.answer(QN, draft, "45")
    assert Draft.from_payload(draft.to_payload()) == draft
    assert Draft.from_payload({}) is None
    assert Draft.from_payload({**draft.to_payload(), "step": "elsewhere"}) is None
    assert Draft.from_payload({**draft.to_payload(), "round": "x"}) is None


def _answered(**answers: object) -> Draft:
    draft = fresh()
    draft.answers.update(answers)
    flow.advance(QN, draft)
    return draft


ANSWERS = {**COMPLETE, "staff_total": 45, "staff_registered": 41, "comment": None}
VIEW = screens.RoundView(
    school="Аймаумахи", week="21–27 октября", deadline="пятница", overdue=False
)


@pytest.mark.parametrize("before", [None, screens.form_report(flow.FormOutcome(10, []), 0)])
def test_the_review_screen_copied_back_is_read_line_by_line(before: str | None) -> None:
    review = screens.review(QN, _answered(**ANSWERS), VIEW, before=before).text
    thanks = screens.thanks(QN, SubmitResult(1, 2, True, ANSWERS, COMPLETE), VIEW)
    assert "Показатели:\n• Педагогов в Сферуме: 91,11 %" in review
    assert "• Педагогов в Сферуме: 91,11 % (▼ 8,89 п. п.)" in thanks
    copy = review.replace("1. Педагогов всего: 45", "1. Педагогов всего: 50")
    draft = fresh()
    outcome = flow.apply_form(QN, draft, f"{thanks}\n\n{copy}")
    assert (outcome.accepted, outcome.problems, outcome.names) == (len(ANSWERS), [], [])
    assert draft.answers == {**ANSWERS, "staff_total": 50}
    assert draft.step == flow.REVIEW


def test_a_line_naming_no_question_brings_the_list_of_names() -> None:
    draft = fresh()
    outcome = flow.apply_form(QN, draft, "Педагогов всего: 45\nПогода: ясно")
    assert outcome.problems == [texts.FORM_UNKNOWN_LINE.format(line_no=2)]
    assert outcome.names == [q.label for q in QN.applicable({})]


def test_the_report_of_a_form_lists_ten_problems_and_counts_the_rest() -> None:
    outcome = flow.FormOutcome(0, [f"Строка {n}: нет." for n in range(1, 26)], ["А", "Б"])
    lines = screens.form_report(outcome, 3).split("\n")
    assert lines == [
        texts.FORM_NOTHING,
        texts.FORM_PROBLEMS,
        *[f"Строка {n}: нет." for n in range(1, 11)],
        texts.FORM_MORE.format(n=15),
        texts.FORM_NAMES.format(names="«А»; «Б»"),
        texts.LEFT_TO_ANSWER.format(n=3),
    ]
