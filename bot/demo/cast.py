"""Who takes part in the demo: the Sergokala district of seed 004, its 12 school heads, an
official and an admin, with the numbers they report.

The resolution (seed 004) gives only the share of students using Sferum; the student counts
are plausible pairs for village schools that give exactly those shares when rounded to two
decimals. Staff and class figures are invented but realistic for schools of that size.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, NamedTuple

DISTRICT = "Сергокалинский район"
DISTRICT_TZ = "Europe/Moscow"
CHAT_TITLE = "Руководители ОО Сергокалинского района"
ADMIN = (900001, "Хадижат", "Исаева")
OFFICIAL = (900002, "Магомед", "Алиев")


class SeedSchool(NamedTuple):
    name: str
    students_total: int
    students_active: int
    share: str  # as printed in the resolution


SCHOOLS: tuple[SeedSchool, ...] = (
    SeedSchool("МКОУ «Дегвинская СОШ»", 152, 74, "48,68 %"),
    SeedSchool("МКОУ «Мургукская СОШ»", 228, 108, "47,37 %"),
    SeedSchool("МКОУ «Урахинская СОШ им А.А. Тахо Годи»", 333, 152, "45,65 %"),
    SeedSchool("МКОУ «Сергокалинская СОШ №2»", 422, 183, "43,36 %"),
    SeedSchool("МКОУ «Сергокалинская СОШ №1»", 467, 190, "40,69 %"),
    SeedSchool("МКОУ «Нижнемулебкинская СОШ»", 214, 78, "36,45 %"),
    SeedSchool("МКОУ «Кадиркентская СОШ»", 242, 80, "33,06 %"),
    SeedSchool("МКОУ «Новомугринская СОШ»", 130, 40, "30,77 %"),
    SeedSchool("МКОУ «Бурхимахинская СОШ»", 120, 28, "23,33 %"),
    SeedSchool("МКОУ «Ванашимахинская СОШ им. С.Омарова»", 126, 27, "21,43 %"),
    SeedSchool("МКОУ «Бурдекинская СОШ»", 146, 27, "18,49 %"),
    SeedSchool("МКОУ «Канасирагинская СОШ»", 119, 22, "18,49 %"),
)

HEAD_NAMES = (
    ("Патимат", "Гаджиева"),
    ("Абдулла", "Магомедов"),
    ("Зарема", "Омарова"),
    ("Расул", "Кадиев"),
    ("Саида", "Рамазанова"),
    ("Гаджи", "Алибеков"),
    ("Аминат", "Курбанова"),
    ("Шамиль", "Абдуллаев"),
    ("Марьям", "Исмаилова"),
    ("Ислам", "Султанов"),
    ("Хамис", "Гусейнов"),
    ("Джамиля", "Ахмедова"),
)


@dataclass(frozen=True)
class Head:
    vk_id: int
    first_name: str
    last_name: str
    school: SeedSchool

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def short_school(self) -> str:
        return self.school.name.split("«", 1)[1].rstrip("»")


def heads() -> list[Head]:
    return [
        Head(100001 + i, first, last, school)
        for i, ((first, last), school) in enumerate(zip(HEAD_NAMES, SCHOOLS, strict=True))
    ]


def weekly_answers(school: SeedSchool, week_index: int, rng: random.Random) -> dict[str, Any]:
    """What a school reports: week 0 reproduces the seed's student shares exactly; later
    weeks grow a little, as they did once the resolution was sent round."""
    students_total = school.students_total
    growth = sum(rng.randint(2, 6) for _ in range(week_index)) / 100
    students_active = min(students_total, school.students_active + round(students_total * growth))
    staff_total = max(14, round(students_total / 9))
    staff_registered = staff_total - rng.randint(0, 3)
    classes_total = max(9, min(22, round(students_total / 20)))
    return {
        "staff_total": staff_total,
        "staff_registered": staff_registered,
        "teachers_with_chat": round(staff_registered * rng.uniform(0.55, 0.9)),
        "teachers_active": round(staff_registered * rng.uniform(0.35, 0.7)),
        "students_total": students_total,
        "students_active": students_active,
        "classes_total": classes_total,
        "class_chats": classes_total - rng.randint(0, 3),
        "foreign_messengers": False,
    }
