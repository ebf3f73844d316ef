"""How a person is named in what the bot writes: «Имя Фамилия», else the VK id."""

from __future__ import annotations

# A person whose name and VK id were erased (`svodka forget`) still authored the numbers.
UNNAMED = "без имени"


def person_name(first_name: str | None, last_name: str | None, vk_id: int | None) -> str:
    name = _full_name(first_name, last_name)
    if name:
        return name
    return f"id{vk_id}" if vk_id is not None else UNNAMED


def person(vk_id: int, first_name: str | None, last_name: str | None) -> str:
    """A person the bot confirms something about: «Зарема Магомедова (id500002)»."""
    name = _full_name(first_name, last_name)
    return f"{name} (id{vk_id})" if name else f"id{vk_id}"


def _full_name(first_name: str | None, last_name: str | None) -> str:
    return " ".join(part for part in (first_name, last_name) if part)
