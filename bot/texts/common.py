"""Texts shared by every feature."""

SOMETHING_WENT_WRONG = (
    "Извините, что-то пошло не так. Ваши ответы сохранены — попробуйте, пожалуйста, ещё раз "
    "через минуту."
)
TOO_MANY_MESSAGES = (
    "Вы отправили много сообщений подряд. Я отвечу на уже полученные — подождите, "
    "пожалуйста, пару секунд."
)
UNKNOWN_COMMAND = "Не знаю такой команды. Напишите /help — покажу, что я умею."


def quoted(name: str) -> str:
    """«Name» in Russian quotes, unless it carries its own (МКОУ «Дегвинская СОШ»)."""
    return name if "«" in name else f"«{name}»"
