"""Texts shared by every feature, and the two rules every text with a name in it keeps."""

import re
from collections.abc import Sequence

from bot.domain.formatting import has_own_quotes
from bot.domain.lookups import SchoolChoice

SOMETHING_WENT_WRONG = (
    "Извините, что-то пошло не так. Ваши ответы сохранены — попробуйте, пожалуйста, ещё раз "
    "через минуту."
)
TOO_MANY_MESSAGES = (
    "Вы отправили много сообщений подряд. Я отвечу на уже полученные — подождите, "
    "пожалуйста, пару секунд."
)
# A snackbar on a button that no longer does anything (an old screen, another chat).
STALE_BUTTON = "Кнопка устарела."
BUTTON_FAILED = "Не получилось — попробуйте, пожалуйста, ещё раз через минуту."


_QUOTED_FIELD = re.compile(r"«\{(\w+)\}»")
_FIELD_AND_STOP = re.compile(r"\{(\w+)\}\.")
_SENTENCE_ENDS = (".", "!", "?", "…")


class Template(str):
    """A text with {fields} for names people and files wrote. `format` does not wrap a name
    that carries its own quotes in the text's («школа «МКОУ «Дегвинская СОШ»»» would be the
    result), and puts no second full stop after a value that ends a sentence itself. Texts
    that need it are found by tests/unit/texts/test_texts_rules.py."""

    def format(self, *args: object, **values: object) -> str:
        def quotes(match: re.Match[str]) -> str:
            value = values.get(match[1])
            return match[0][1:-1] if value is not None and has_own_quotes(str(value)) else match[0]

        def stop(match: re.Match[str]) -> str:
            value = values.get(match[1])
            ends = value is not None and str(value).endswith(_SENTENCE_ENDS)
            return match[0][:-1] if ends else match[0]

        text = _FIELD_AND_STOP.sub(stop, _QUOTED_FIELD.sub(quotes, self))
        return str.format(text, *args, **values)


def school_choices(choices: Sequence[SchoolChoice]) -> str:
    """The schools a name could mean, one a line, each with its district."""
    return "\n".join(f"• {choice.name} ({choice.district})" for choice in choices)
