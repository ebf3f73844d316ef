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
