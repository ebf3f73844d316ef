from bot.services.access import Actor, StaffRole
from bot.services.report_access import EXPORT, REGION, REMIND, VIEW, allowed


def _actor(*, admin: bool = False, official_of: frozenset[int] = frozenset(), staff=()) -> Actor:
    return Actor(vk_id=1, person_id=1, is_admin=admin, official_of=official_of, staff=staff)


def test_officials_act_on_their_own_districts_only() -> None:
    official = _actor(official_of=frozenset({7}))
    for action in (VIEW, REMIND, EXPORT):
        assert allowed(official, action, 7)
        assert not allowed(official, action, 8)
    assert not allowed(official, REGION)


def test_admins_may_do_everything() -> None:
    admin = _actor(admin=True)
    assert all(allowed(admin, action, 8) for action in (VIEW, REMIND, EXPORT, REGION))


def test_heads_and_strangers_get_no_district_reports() -> None:
    head = _actor(staff=(StaffRole(school_id=3, district_id=7, role="head"),))
    for actor in (head, _actor()):
        assert not any(allowed(actor, action, 7) for action in (VIEW, REMIND, EXPORT, REGION))
