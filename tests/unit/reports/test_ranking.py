"""Places in a ranking: equal shares as printed share a place, the next place is skipped."""

import pytest

from bot.domain.ranking import places


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([], []),
        ([0.5], [1]),
        ([0.1, 0.5, 0.3], [3, 1, 2]),
        ([0.5, 0.4, 0.4, 0.3], [1, 2, 2, 4]),
        ([27 / 146, 22 / 119], [1, 1]),  # 18,49 % and 18,49 %: the resolution's tie
        ([0.5, None, 0.2], [1, None, 2]),
        ([None, None], [None, None]),
        ([0.0, 1.0], [2, 1]),
    ],
)
def test_places(shares, expected):
    assert places(shares) == expected
