"""Which column of an office's school list holds what, from the titles offices write.

«Наименование образовательной организации», «Наименование ОО», «Полное наименование»,
«ОО», «ОУ», «Школа» are the school's name; «ИНН», «ФИО руководителя», «Телефон», «E-mail»
and «Район» / «Муниципалитет» are read when present. Titles are compared without case,
punctuation and remarks in brackets («Телефон (рабочий)», «ИНН:»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ALIASES = {
    "school": (
        "school", "оо", "оу", "школа", "организация", "учреждение", "название",
        "наименование", "название школы", "образовательная организация",
        "общеобразовательная организация", "образовательное учреждение",
        "полное наименование", "наименование оо", "наименование оу", "наименование школы",
        "наименование организации", "наименование учреждения",
        "наименование образовательной организации", "наименование образовательного учреждения",
        "наименование общеобразовательной организации",
    ),
    "short_name": (
        "short_name", "краткое наименование", "краткое название", "сокращенное наименование",
        "краткое наименование оо",
    ),
    "inn": ("inn", "инн", "инн оо", "инн организации"),
    "head_vk_id": ("head_vk_id", "vk id руководителя", "vk id", "id вк руководителя"),
    "head_name": (
        "head_name", "руководитель", "директор", "фио", "фио руководителя", "фио директора",
        "ф и о руководителя", "руководитель оо", "фио руководителя оо",
    ),
    "phone": (
        "phone", "телефон", "тел", "контактный телефон", "телефон руководителя", "телефон оо",
        "номер телефона", "мобильный телефон", "телефон директора",
    ),
    "email": (
        "email", "e-mail", "e mail", "почта", "эл почта", "электронная почта",
        "адрес электронной почты", "e-mail оо", "email оо",
    ),
    "district": (
        "district", "район", "муниципалитет", "муниципальный район", "муниципальное образование",
        "мо", "муниципальный район городской округ", "наименование муниципального района",
        "наименование муниципального образования",
    ),
}  # fmt: skip
_FIELD_OF = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
# What the admin is told to put in the file when the name column is missing.
SCHOOL_COLUMN_HINT = (
    "со столбцом названия школы: «Наименование образовательной организации», "
    "«Наименование ОО», «Образовательная организация», «ОО», «Школа» или «school»"
)
FIELD_TITLES = {
    "school": "название школы",
    "short_name": "краткое наименование",
    "inn": "ИНН",
    "head_vk_id": "VK id руководителя",
    "head_name": "ФИО руководителя",
    "phone": "телефон",
    "email": "e-mail",
    "district": "район",
}


@dataclass
class Columns:
    """Where each field is (0-based column index) and how the file titled it."""

    index: dict[str, int] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    extra: dict[int, str] = field(default_factory=dict)  # columns not read, by index

    def has(self, name: str) -> bool:
        return name in self.index

    def where(self, name: str) -> str:
        """«столбец C «ИНН»»: the letter a spreadsheet shows and the title the file has."""
        if name not in self.index:
            return f"столбец «{FIELD_TITLES[name]}»"
        return f"столбец {column_letter(self.index[name])} «{self.titles[name]}»"

    def add(self, name: str, index: int, title: str) -> None:
        self.index[name] = index
        self.titles[name] = title
        self.extra.pop(index, None)

    @property
    def extra_titles(self) -> list[str]:
        return [self.extra[index] for index in sorted(self.extra)]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def title_key(title: str) -> str:
    """«Телефон (рабочий):» → «телефон»; «E-mail» keeps its hyphen, «head_vk_id» its «_»."""
    text = re.sub(r"\([^)]*\)", " ", title.casefold().replace("ё", "е"))
    text = re.sub(r"[^\w-]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" -")


def field_of(title: str) -> str | None:
    key = title_key(title)
    if key in _FIELD_OF:
        return _FIELD_OF[key]
    if key.startswith(("наименование ", "полное наименование ")):
        # «Наименование общеобразовательного учреждения (полное)» and the like.
        return "school"
    return None


def header_columns(cells: list[str]) -> Columns:
    columns = Columns()
    for index, title in enumerate(cells):
        if not title:
            continue
        name = field_of(title)
        if name is None or columns.has(name):
            columns.extra[index] = title
        else:
            columns.add(name, index, title)
    if not columns.has("school") and columns.has("short_name"):
        # «Краткое наименование» alone is the name; beside a full name it is the short one.
        index, title = columns.index.pop("short_name"), columns.titles.pop("short_name")
        columns.add("school", index, title)
    return columns


def subheader_columns(columns: Columns, cells: list[str]) -> Columns | None:
    """The header completed by the row under it, when that row names columns a merged
    cell above spans («Руководитель» over «ФИО | Телефон | E-mail»); None when it does not."""
    school = columns.index["school"]
    if school < len(cells) and cells[school]:
        return None
    named = {i: name for i, title in enumerate(cells) if title and (name := field_of(title))}
    if not named:
        return None
    merged = Columns(dict(columns.index), dict(columns.titles), dict(columns.extra))
    for index, name in named.items():
        if merged.index.get(name, index) == index:  # a new field, or the same column retitled
            merged.add(name, index, cells[index])
        else:
            merged.extra[index] = cells[index]
    for index, title in enumerate(cells):
        if title and index not in named and index not in merged.index.values():
            merged.extra.setdefault(index, title)
    return merged
