from bot.domain.permissions import Actor, ChatGrant, StaffRole
from bot.services.reports.access import (
    CHART,
    EXPORT,
    MISSING,
    REMIND,
    VIEW,
    allowed,
    sees_region,
)

ALL = (VIEW, MISSING, CHART, REMIND, EXPORT)


def _actor(*, admin=False, official_of=frozenset(), staff=(), chat=None) -> Actor:
    return Actor(1, 1, admin, frozenset(official_of), staff, chat)


def test_officials_act_on_their_own_districts_only() -> None:
    official = _actor(official_of={7})
    assert all(allowed(official, action, 7) for action in ALL)
    assert not any(allowed(official, action, 8) for action in ALL)
    assert not sees_region(official)


def test_admins_see_everything_and_the_region() -> None:
    admin = _actor(admin=True)
    assert all(allowed(admin, action, 8) for action in ALL)
    assert sees_region(admin)


def test_a_status_chat_shows_only_its_status() -> None:
    member = _actor(chat=ChatGrant(7, answers_status=True))
    assert allowed(member, VIEW, 7)
    assert not allowed(member, VIEW, 8)
    # A chat that answers /status may read the district's views, not act on them.
    assert all(allowed(member, action, 7) for action in (MISSING, CHART))
    assert not any(allowed(member, action, 7) for action in (REMIND, EXPORT))
    assert not allowed(_actor(chat=ChatGrant(7, answers_status=False)), VIEW, 7)


def test_heads_and_strangers_get_no_district_reports() -> None:
    head = _actor(staff=(StaffRole(school_id=3, district_id=7, role="head"),))
    for actor in (head, _actor()):
        assert not any(allowed(actor, action, 7) for action in ALL)
        assert not sees_region(actor)
