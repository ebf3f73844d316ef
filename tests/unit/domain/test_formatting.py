import pytest

from bot.domain.formatting import format_decimal, format_int, format_percent, format_pp, plural_ru


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
def test_plural_ru(n, form):
    assert plural_ru(n, SCHOOLS) == form
