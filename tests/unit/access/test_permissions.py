"""Every action × every kind of actor × own/other district or school, from one table."""

from __future__ import annotations

import pytest

from bot.services.access import (
    COMMANDS,
    PERMISSIONS,
    Action,
    Actor,
    ChatGrant,
    StaffRole,
    allowed_actions,
    authorize,
    districts_for,
)

OWN, OTHER = 10, 20  # districts
OWN_SCHOOL, OTHER_SCHOOL = 101, 201  # schools of OWN and OTHER

ACTORS = {
    "admin": Actor(1, 1, True, frozenset(), ()),
    "official": Actor(2, 2, False, frozenset({OWN}), ()),
    "head": Actor(3, 3, False, frozenset(), (StaffRole(OWN_SCHOOL, OWN, "head"),)),
    "deputy": Actor(4, 4, False, frozenset(), (StaffRole(OWN_SCHOOL, OWN, "deputy"),)),
    "stranger": Actor(5, None, False, frozenset(), ()),
    # A person whose role was taken away: still in `people`, no roles left.
    "lost_role": Actor(6, 6, False, frozenset(), ()),
    # Anyone writing in a chat bound to OWN that answers /status.
    "status_chat": Actor(7, None, False, frozenset(), (), ChatGrant(OWN, answers_status=True)),
    "summary_chat": Actor(8, None, False, frozenset(), (), ChatGrant(OWN, answers_status=False)),
}

EVERYONE = set(ACTORS)
OFFICE = {"admin", "official"}
STAFF = {"head", "deputy"}

# action → who may do it in their OWN district/school, and who in the OTHER one.
EXPECTED: dict[Action, tuple[set[str], set[str]]] = {
    Action.HELP: (EVERYONE, EVERYONE),
    Action.REDEEM: (EVERYONE, EVERYONE),
    Action.STATUS: (OFFICE | {"status_chat"}, {"admin"}),
    Action.MISSING: (OFFICE, {"admin"}),
    Action.REMIND: (OFFICE, {"admin"}),
    Action.EXPORT: (OFFICE, {"admin"}),
    Action.CHART: (OFFICE, {"admin"}),
    Action.MY: (STAFF | {"admin"}, {"admin"}),
    Action.ANSWER: (STAFF, set()),
    Action.BIND: (OFFICE, {"admin"}),
    Action.ADMIN: ({"admin"}, {"admin"}),
    Action.OFFICIALS: ({"admin"}, {"admin"}),
    Action.INVITES: ({"admin"}, {"admin"}),
    Action.SETTINGS: ({"admin"}, {"admin"}),
}


def target(action: Action, own: bool) -> dict[str, int | None]:
    scope = PERMISSIONS[action].scope
    if scope == "school":
        return {
            "district_id": OWN if own else OTHER,
            "school_id": OWN_SCHOOL if own else OTHER_SCHOOL,
        }
    if scope == "district":
        return {"district_id": OWN if own else OTHER}
    return {}


def test_every_action_is_in_the_expectations() -> None:
    assert set(EXPECTED) == set(PERMISSIONS) == set(Action)
    assert set(COMMANDS.values()) <= set(Action)


@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
@pytest.mark.parametrize("who", sorted(ACTORS))
@pytest.mark.parametrize("action", list(Action))
def test_table(action: Action, who: str, own: bool) -> None:
    allowed_own, allowed_other = EXPECTED[action]
    expected = who in (allowed_own if own else allowed_other)
    assert authorize(ACTORS[who], action, **target(action, own)) is expected


@pytest.mark.parametrize("who", sorted(ACTORS))
def test_allowed_somewhere_is_allowed_in_own(who: str) -> None:
    """Without a target the question is "anywhere?": the union of own and other."""
    for action in Action:
        allowed_own, allowed_other = EXPECTED[action]
        assert (action in allowed_actions(ACTORS[who])) is (who in allowed_own | allowed_other)


def test_a_district_action_on_a_school_needs_the_district() -> None:
    with pytest.raises(ValueError, match="district_id"):
        authorize(ACTORS["official"], Action.STATUS, school_id=OTHER_SCHOOL)


def test_district_status_with_a_school_of_another_district_is_refused() -> None:
    official = ACTORS["official"]
    assert not authorize(official, Action.STATUS, district_id=OTHER, school_id=OTHER_SCHOOL)
    assert authorize(official, Action.STATUS, district_id=OWN, school_id=OWN_SCHOOL)


def test_a_head_of_one_school_cannot_answer_for_another_in_the_same_district() -> None:
    assert not authorize(ACTORS["head"], Action.ANSWER, district_id=OWN, school_id=OWN_SCHOOL + 1)


def test_districts_for() -> None:
    assert districts_for(ACTORS["admin"], Action.STATUS) is None
    assert districts_for(ACTORS["official"], Action.STATUS) == {OWN}
    assert districts_for(ACTORS["status_chat"], Action.STATUS) == {OWN}
    assert districts_for(ACTORS["summary_chat"], Action.STATUS) == frozenset()
    assert districts_for(ACTORS["head"], Action.STATUS) == frozenset()
