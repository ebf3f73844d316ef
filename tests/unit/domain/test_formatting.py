import pytest

from bot.domain.formatting import format_decimal, format_int, format_percent, format_pp, plural
from bot.texts.reports import not_answered


@pytest.mark.parametrize(
    ("ratio", "shown"),
    [
        (0.48684, "48,68 %"),
        (37 / 76, "48,68 %"),
        (0.0, "0,00 %"),
        (1.0, "100,00 %"),
        (0.00125, "0,13 %"),  # half up, as in a spreadsheet
        (0.5, "50,00 %"),
        (None, "—"),
    ],
)
def test_format_percent(ratio, shown):
    assert format_percent(ratio) == shown


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (1.234, "▲ 1,23 п. п."),
        (-0.5, "▼ 0,50 п. п."),
        (0.0, "= 0,00 п. п."),
        (0.004, "= 0,00 п. п."),  # rounds to nothing, so no arrow
        (-0.004, "= 0,00 п. п."),
        (12.0, "▲ 12,00 п. п."),
        (None, "—"),
    ],
)
def test_format_pp(change, shown):
    assert format_pp(change) == shown


@pytest.mark.parametrize(
    ("n", "shown"),
    [
        (0, "0"),
        (45, "45"),
        (1200, "1200"),
        (9999, "9999"),
        (10000, "10 000"),
        (1234567, "1 234 567"),
    ],
)
def test_format_int(n, shown):
    assert format_int(n) == shown


@pytest.mark.parametrize(
    ("x", "shown"),
    [(48.5, "48,5"), (48.0, "48"), (48.685, "48,69"), (0.1 + 0.2, "0,3"), (-0.001, "0")],
)
def test_format_decimal(x, shown):
    assert format_decimal(x) == shown


SCHOOLS = ("школа", "школы", "школ")


@pytest.mark.parametrize(
    ("n", "form"),
    [
        (0, "школ"),
        (1, "школа"),
        (2, "школы"),
        (4, "школы"),
        (5, "школ"),
        (11, "школ"),
        (12, "школ"),
        (14, "школ"),
        (21, "школа"),
        (22, "школы"),
        (101, "школа"),
        (111, "школ"),
        (1_000_012, "школ"),
    ],
)
def test_plural(n, form):
    assert plural(n, SCHOOLS) == form


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1, "не ответила 1 школа из 5"),
        (2, "не ответили 2 школы из 5"),
        (5, "не ответили 5 школ из 5"),
        (21, "не ответила 21 школа из 30"),
    ],
)
def test_the_verb_and_the_noun_agree_with_the_count(count: int, text: str) -> None:
    assert not_answered(count, 30 if count > 5 else 5) == text
