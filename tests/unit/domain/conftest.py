import pytest

from bot.domain.questionnaire import Questionnaire, parse_questionnaire
from bot.resources import default_questionnaire

# A small questionnaire with the types the default one does not use.
EXTRA_TOML = """
id = "extra"
version = 2
title = "Проверка типов"

[[questions]]
key = "share"
label = "Доля"
type = "percent"

[[questions]]
key = "mode"
label = "Формат занятий"
type = "choice"
choices = ["Очно", "Дистанционно", "Смешанно"]

[[questions]]
key = "has_chats"
label = "Есть чаты"
type = "yes_no"

[[questions]]
key = "chats"
label = "Чаты классов"
type = "file"
depends_on = "has_chats"
max_rows = 3
columns = [
  { key = "class_name", label = "Класс" },
  { key = "members", label = "Участников", type = "int" },
  { key = "teacher_in", label = "Классный руководитель в чате", type = "yes_no", required = false },
]

[[questions]]
key = "note"
label = "Заметка"
type = "text"
max_length = 10
required = false
"""


@pytest.fixture(scope="session")
def sferum() -> Questionnaire:
    return default_questionnaire()


@pytest.fixture(scope="session")
def extra() -> Questionnaire:
    return parse_questionnaire(EXTRA_TOML, "extra.toml")
