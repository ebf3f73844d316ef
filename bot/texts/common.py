"""Texts shared by every feature."""

from collections.abc import Sequence

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


def quoted(name: str) -> str:
    """«Name» in Russian quotes, unless it carries its own (МКОУ «Дегвинская СОШ»)."""
    return name if "«" in name else f"«{name}»"


def school_choices(choices: Sequence[SchoolChoice]) -> str:
    """The schools a name could mean, one a line, each with its district."""
    return "\n".join(f"• {choice.name} ({choice.district})" for choice in choices)
