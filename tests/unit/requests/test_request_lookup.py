"""Reading a request's title out of `/status` and `/export` arguments."""

from __future__ import annotations

import pytest

from bot.services.reports.access import Refusal
from bot.services.requests.reports import Found, clear, explicit, pick
from storage.models import Campaign, Round


def _found(title: str, score: float, campaign_id: int = 1) -> Found:
    return Found(Campaign(id=campaign_id, title=title), Round(id=campaign_id), score)


def test_explicit_form() -> None:
    assert explicit("Запрос чаты классов") == "чаты классов"
    assert explicit("request  чаты") == "чаты"
    assert explicit("запросы") is None
    assert explicit("дегва") is None


def test_pick_one_clear_title() -> None:
    found = [_found("Чаты классов", 1.0), _found("Питание", 0.61, 2)]
    assert pick(found, "чаты").campaign.title == "Чаты классов"
    assert clear(found)
    assert not clear([_found("Питание", 0.7)])


def test_same_title_again_is_the_newest_and_different_ones_are_listed() -> None:
    again = [_found("Чаты классов", 1.0, 2), _found("чаты классов", 1.0, 1)]
    assert pick(again, "чаты").campaign.id == 2
    with pytest.raises(Refusal) as refused:
        pick([_found("Чаты классов", 1.0), _found("Чаты родителей", 0.98, 2)], "чаты")
    assert "• Чаты родителей" in refused.value.text
    with pytest.raises(Refusal):
        pick([], "чаты")
