"""What a name an admin typed can fail to find: a district, a school, a time zone. Each error
carries what the reply to them needs (bot/texts/admin.py words it)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.formatting import quoted


class UnknownDistrict(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"Район {quoted(name)} не найден")
        self.name = name


class NoSuchDistrict(UnknownDistrict):
    """Unknown, with the names an admin could have meant."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.known = known


class AmbiguousDistrict(LookupError):
    def __init__(self, text: str, candidates: list[str]) -> None:
        super().__init__(f"«{text}» подходит к нескольким районам")
        self.text, self.candidates = text, candidates


@dataclass(frozen=True)
class SchoolChoice:
    """One of several schools a name could mean: shown with its district, since districts
    have schools of the same name («СОШ № 1»)."""

    name: str
    district: str


class SchoolNotFound(LookupError):
    def __init__(self, text: str, candidates: list[SchoolChoice]) -> None:
        super().__init__(text)
        self.text, self.candidates = text, candidates  # several matches: which one?


class UnknownZone(ValueError):
    pass
