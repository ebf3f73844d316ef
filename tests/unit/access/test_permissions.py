"""Every action × every kind of actor × own/other district and school, from one table."""

from __future__ import annotations

import pytest

from bot.domain.permissions import (
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
OWN_SCHOOL, NEIGHBOUR, FAR_SCHOOL = 101, 102, 201  # two schools of OWN, one of OTHER

ACTORS = {
    "admin": Actor(1, 1, True, frozenset(), ()),
    "official": Actor(2, 2, False, frozenset({OWN}), ()),
    "head": Actor(3, 3, False, frozenset(), (StaffRole(OWN_SCHOOL, OWN, "head"),)),
    "deputy": Actor(4, 4, False, frozenset(), (StaffRole(OWN_SCHOOL, OWN, "deputy"),)),
    "stranger": Actor(5, None, False, frozenset(), ()),
    # A person whose role was taken away: still in `people`, no roles left.
    "lost_role": Actor(6, 6, False, frozenset(), ()),
    # Anyone writing in a chat bound to OWN that answers /status, or only gets summaries.
    "status_chat": Actor(7, None, False, frozenset(), (), ChatGrant(OWN, answers_status=True)),
    "summary_chat": Actor(8, None, False, frozenset(), (), ChatGrant(OWN, answers_status=False)),
}

TARGETS = {
    "own district": {"district_id": OWN},
    "other district": {"district_id": OTHER},
    "own school": {"district_id": OWN, "school_id": OWN_SCHOOL},
    "neighbour school": {"district_id": OWN, "school_id": NEIGHBOUR},
    "other district's school": {"district_id": OTHER, "school_id": FAR_SCHOOL},
}

EVERYONE = set(ACTORS)
OFFICE = {"admin", "official"}
VIEW = OFFICE | {"status_chat"}
STAFF = {"head", "deputy"}
ADMIN = {"admin"}


def district_wide(own: set[str]) -> dict[str, set[str]]:
    """An action on a district and its schools: `own` in the own district, admins anywhere."""
    return {
        "own district": own,
        "other district": ADMIN,
        "own school": own,
        "neighbour school": own,
        "other district's school": ADMIN,
    }


def schools_only(staff: set[str], also: set[str] = frozenset()) -> dict[str, set[str]]:
    """An action on one school: its own staff, and `also` (district-wide roles) there."""
    return {
        "own district": set(also),
        "other district": set(also) & ADMIN,
        "own school": staff | also,
        "neighbour school": set(also),
        "other district's school": set(also) & ADMIN,
    }


# action → target → who may.
EXPECTED: dict[Action, dict[str, set[str]]] = {
    Action.HELP: dict.fromkeys(TARGETS, EVERYONE),
    Action.REDEEM: dict.fromkeys(TARGETS, EVERYONE),
    Action.STATUS: district_wide(VIEW),
    Action.MISSING: district_wide(VIEW),
    Action.RATING: district_wide(VIEW),
    Action.CHART: district_wide(VIEW),
    Action.REMIND: district_wide(OFFICE),
    Action.EXPORT: district_wide(OFFICE),
    Action.MY: schools_only(STAFF, ADMIN),
    Action.ANSWER: schools_only(STAFF),
    # Entering a school's answers for it: the office of its district, never its own staff.
    Action.CORRECT: district_wide(OFFICE),
    Action.BIND: district_wide(OFFICE),
    Action.ADMIN: dict.fromkeys(TARGETS, ADMIN),
    Action.OFFICIALS: dict.fromkeys(TARGETS, ADMIN),
    Action.INVITES: dict.fromkeys(TARGETS, ADMIN),
    Action.SCHOOLS: dict.fromkeys(TARGETS, ADMIN),
    Action.SETTINGS: dict.fromkeys(TARGETS, ADMIN),
    Action.REQUEST: district_wide(OFFICE),
    # Signing in to the dashboard: the office, and the staff for their own school's page.
    Action.WEB: {**district_wide(OFFICE), "own school": OFFICE | STAFF},
}


def test_every_action_is_in_the_expectations() -> None:
    assert set(EXPECTED) == set(PERMISSIONS) == set(Action)
    assert set(COMMANDS.values()) <= set(Action)


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("who", sorted(ACTORS))
@pytest.mark.parametrize("action", list(Action))
def test_table(action: Action, who: str, target: str) -> None:
    expected = who in EXPECTED[action][target]
    assert authorize(ACTORS[who], action, **TARGETS[target]) is expected


@pytest.mark.parametrize("who", sorted(ACTORS))
def test_without_a_target_the_question_is_anywhere(who: str) -> None:
    for action in Action:
        anywhere = set().union(*EXPECTED[action].values())
        assert (action in allowed_actions(ACTORS[who])) is (who in anywhere), action


def test_a_school_target_needs_its_district() -> None:
    with pytest.raises(ValueError, match="district_id"):
        authorize(ACTORS["official"], Action.STATUS, school_id=FAR_SCHOOL)


def test_districts_for() -> None:
    assert districts_for(ACTORS["admin"], Action.STATUS) is None
    assert districts_for(ACTORS["official"], Action.STATUS) == {OWN}
    assert districts_for(ACTORS["status_chat"], Action.STATUS) == {OWN}
    assert districts_for(ACTORS["summary_chat"], Action.STATUS) == frozenset()
    assert districts_for(ACTORS["head"], Action.STATUS) == frozenset()
