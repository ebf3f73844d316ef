"""The export's file name: the district and the weeks, safe for any file system and VK."""

import pytest

from bot.domain.week_query import WeekRange
from bot.domain.weeks import IsoWeek
from bot.services.reports.export import file_name

TWO_WEEKS = WeekRange(IsoWeek(2024, 46), IsoWeek(2024, 47))


@pytest.mark.parametrize(
    ("district", "span", "expected"),
    [
        ("Сергокалинский район", TWO_WEEKS, "Сергокалинский_район_11.11-24.11.2024.xlsx"),
        ("../Район: «Тест»/\\?*", TWO_WEEKS, "Район_Тест_11.11-24.11.2024.xlsx"),
        ("Сергокалинский район", None, "Сергокалинский_район.xlsx"),
        ("«»", None, "svodka.xlsx"),
        ("Я" * 300, None, "Я" * 100 + ".xlsx"),
        (
            "Район",
            WeekRange(IsoWeek(2024, 52), IsoWeek(2025, 1)),
            "Район_23.12.2024-05.01.2025.xlsx",
        ),
    ],
)
def test_file_name(district, span, expected):
    assert file_name(district, span, "xlsx") == expected
