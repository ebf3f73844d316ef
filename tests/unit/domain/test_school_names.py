import pytest

from bot.domain.contacts import ContactError, normalize_email, normalize_phone
from bot.domain.school_names import core_key, district_key, identity_key, looks_alike


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("СОШ № 2", "СОШ №2"),
        ("СОШ N 2", "сош №2"),
        ("Школа No. 5", "школа №5"),
        ("МКОУ «Дегвинская СОШ»", 'мкоу "дегвинская сош"'),
        ("МКОУ «Дегвинская СОШ»", "МКОУ  Дегвинская   СОШ"),
        (
            "МКОУ «Дегвинская СОШ»",
            "Муниципальное казённое общеобразовательное учреждение "
            "«Дегвинская средняя общеобразовательная школа»",
        ),
        ("МКОУ «Урахинская СОШ им А.А. Тахо Годи»", "МКОУ «Урахинская СОШ имени А. А. Тахо-Годи»"),
        ("МКОУ «Ёлкинская ООШ»", "МКОУ «Елкинская основная общеобразовательная школа»"),
    ],
)
def test_one_school_however_it_is_typed(first: str, second: str) -> None:
    assert identity_key(first) == identity_key(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("СОШ №1", "СОШ №2"),
        ("СОШ №1", "СОШ №12"),
        ("Дегвинская СОШ", "Дегвинская ООШ"),
        ("МКОУ «Дегвинская СОШ»", "МБОУ «Дегвинская СОШ»"),  # only a person can say
    ],
)
def test_different_schools_stay_different(first: str, second: str) -> None:
    assert identity_key(first) != identity_key(second)


@pytest.mark.parametrize(
    ("first", "second", "alike"),
    [
        ("Дегвинская СОШ", "МКОУ «Дегвинская СОШ»", True),
        ("МКОУ «Дегвинская СОШ»", "МБОУ «Дегвинская СОШ»", True),
        ("МКОУ «Дагвинская СОШ»", "МКОУ «Дегвинская СОШ»", True),
        ("СОШ 2", "СОШ №2", True),
        ("МКОУ «Сергокалинская СОШ №1»", "МКОУ «Сергокалинская СОШ №2»", False),
        ("МКОУ «Мургукская СОШ»", "МКОУ «Кадиркентская СОШ»", False),
        ("Гимназия №1", "Лицей №1", False),
    ],
)
def test_what_only_looks_alike(first: str, second: str, alike: bool) -> None:
    assert looks_alike(first, second) is alike
    assert looks_alike(second, first) is alike


def test_core_key_drops_the_legal_form_only() -> None:
    assert core_key("МКОУ «Дегвинская СОШ»") == core_key(
        "Дегвинская средняя общеобразовательная школа"
    )


@pytest.mark.parametrize(
    "name",
    [
        "Сергокалинский район",
        "МО «Сергокалинский район»",
        "Сергокалинский муниципальный район",
        "сергокалинский",
    ],
)
def test_district_key(name: str) -> None:
    assert district_key(name) == "сергокалинский"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("8 (928) 123-45-67", "+7 928 123-45-67"),
        ("+79281234567", "+7 928 123-45-67"),
        ("9281234567", "+7 928 123-45-67"),
        ("8(87230)2-21-45", "+7 872 302-21-45"),
        ("2-21-45", "2-21-45"),
        ("89281234567, 2-21-45", "+7 928 123-45-67, 2-21-45"),
        ("8 928 123 45 67 доб. 12", "+7 928 123-45-67 доб. 12"),
    ],
)
def test_phones_are_written_one_way(typed: str, stored: str) -> None:
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["нет", "=1+2", "123", "+7 928 123-45-67-89-00-11", "-2-21-45"])
def test_what_is_not_a_phone(typed: str) -> None:
    with pytest.raises(ContactError):
        normalize_phone(typed)


def test_emails() -> None:
    assert normalize_email(" Degva@Mail.RU ") == "degva@mail.ru"
    assert normalize_email("a@b.ru; c@d.ru") == "a@b.ru, c@d.ru"
    for bad in ("degva.mail.ru", "=HYPERLINK(a@b.ru)", "a@b"):
        with pytest.raises(ContactError):
            normalize_email(bad)
