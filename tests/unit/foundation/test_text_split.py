from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text_split import split_message


def test_short_text_is_one_message() -> None:
    assert split_message("Привет") == ["Привет"]


def test_cuts_between_lines() -> None:
    lines = [f"{i:03d} " + "ш" * 95 for i in range(100)]
    chunks = split_message("\n".join(lines), limit=1000)
    assert all(len(c) <= 1000 for c in chunks)
    assert "\n".join(chunks).split("\n") == lines


def test_over_long_word_is_cut() -> None:
    chunks = split_message("а" * 2500, limit=1000)
    assert [len(c) for c in chunks] == [1000, 1000, 500]


@given(st.text(min_size=1, max_size=12_000))
def test_never_exceeds_limit_and_loses_no_words(text: str) -> None:
    chunks = split_message(text, limit=500)
    assert all(len(c) <= 500 for c in chunks)
    if len(text) > 500:
        assert "".join(chunks).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
            " ", ""
        )
