import pytest

from bot.domain import invite_codes


def test_codes_are_distinct_and_well_formed() -> None:
    codes = {invite_codes.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(invite_codes.normalize(c) == c for c in codes)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("abcde-23456", "ABCDE23456"),
        ("  ABCDE 23456 ", "ABCDE23456"),
        ("АВСDЕ23456", "ABCDE23456"),  # Cyrillic А, В, С, Е typed on a Russian keyboard
        ("ABCDE2345", None),
        ("ABCDE234560", None),
        ("ABCDE2345O", None),
        ("x" * 10_000, None),
        ("", None),
    ],
)
def test_normalize(typed: str, expected: str | None) -> None:
    assert invite_codes.normalize(typed) == expected


def test_hash_is_stable_and_hides_the_code() -> None:
    digest = invite_codes.code_hash("ABCDE23456")
    assert digest == invite_codes.code_hash("ABCDE23456")
    assert "ABCDE23456" not in digest


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Мне дали код kY6jz-mnbnd", "KY6JZMNBND"),
        ("код: KY6JZMNBND", "KY6JZMNBND"),
        ("Здравствуйте! Код приглашения ABCDE 23456, школа №2", "ABCDE23456"),
        ("https://vk.me/club1?ref=ABCDE23456", "ABCDE23456"),
        ("Код АВСDЕ-23456.", "ABCDE23456"),  # Cyrillic lookalikes beside Latin ones
        ("Здравствуйте, я директор школы", None),
        ("ветер, макет", None),
        ("foreign_messengers = нет", None),  # an English word of the code's letters
        ("Пришли, пожалуйста, STATEMENTS", None),
        ("Мой код: STATEMENTS", "STATEMENTS"),  # a code without a digit, said to be one
        ("ветер макет", None),  # two Russian words that read as BETEPMAKET
        ("код ABCDE-2345O", None),  # an O is never in a code
        ("ABCDE234560 и всё", None),  # eleven is not ten
    ],
)
def test_a_code_inside_a_sentence(text: str, expected: str | None) -> None:
    assert invite_codes.find_code(text) == expected


def test_a_sentence_that_tried_a_code() -> None:
    assert invite_codes.attempted_in("Мой код ABCDE-2345O не работает")
    assert not invite_codes.attempted_in("Сколько педагогов 45, классов 12345678")
    assert not invite_codes.attempted_in("код не пришёл")
