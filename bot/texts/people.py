"""How a person is named in what the bot writes: «Имя Фамилия», else the VK id."""

from __future__ import annotations

# A person whose name and VK id were erased (`svodka forget`) still authored the numbers.
UNNAMED = "без имени"


def person_name(first_name: str | None, last_name: str | None, vk_id: int | None) -> str:
    name = " ".join(part for part in (first_name, last_name) if part)
    if name:
        return name
    return f"id{vk_id}" if vk_id is not None else UNNAMED
