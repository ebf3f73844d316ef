from pathlib import Path

import bot
from bot.domain.foreign_messengers import answer_keys, foreign_use, shorten
from bot.resources import default_questionnaire, load_questionnaire


def test_what_a_school_wrote_or_none() -> None:
    uses = {"foreign_messengers": True, "foreign_messengers_which": "WhatsApp —  родительские чаты"}
    assert foreign_use(uses) == "WhatsApp — родительские чаты"
    assert foreign_use({"foreign_messengers": True}) == ""
    assert foreign_use({"foreign_messengers": False, "foreign_messengers_which": "x"}) is None
    assert foreign_use({"foreign_messengers": "да"}) is None  # only a parsed «Да» counts
    assert foreign_use({}) is None


def test_a_long_answer_is_cut_between_words() -> None:
    text = "WhatsApp — родительские чаты 2, 3 и 4 классов, Telegram — чат педагогов школы"
    cut = shorten(text, 40)
    assert cut == "WhatsApp — родительские чаты 2, 3 и 4…"
    assert len(cut) <= 40
    assert shorten("Viber", 40) == "Viber"


def test_only_the_weekly_questionnaire_asks() -> None:
    assert answer_keys(default_questionnaire()) == (
        "foreign_messengers",
        "foreign_messengers_which",
    )
    assert (
        answer_keys(
            load_questionnaire(Path(bot.__file__).parent / "questionnaires" / "class_chats.toml")
        )
        == ()
    )
