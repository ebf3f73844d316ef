"""Who may do what: the permission table and the roles a person holds, as plain data.

`authorize` reads the table. Handlers never decide access with their own `if`s: the
labeler-level guard (`handlers/guard.py`) refuses commands the actor may not use at all, and
a handler that acts on a particular district or school asks
`authorize(actor, action, district_id=…)`. Who holds which role is read from storage by
`bot.services.access.load_person`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

CHAT_PEER_START = 2_000_000_000


class Action(StrEnum):
    HELP = "help"
    REDEEM = "redeem"  # use an invite code
    STATUS = "status"
    MISSING = "missing"
    RATING = "rating"
    REMIND = "remind"
    EXPORT = "export"
    CHART = "chart"
    MY = "my"
    ANSWER = "answer"  # fill in the questionnaire for a school
    CORRECT = "correct"  # enter or correct a school's answers on its behalf (the office)
    BIND = "bind"  # bind or unbind a group chat to a district
    ADMIN = "admin"  # the admin menu
    OFFICIALS = "officials"  # appoint and remove officials
    INVITES = "invites"  # re-issue, revoke invites; list unbound schools
    SCHOOLS = "schools"  # archive a school (a duplicate, a closed one) or restore it
    SETTINGS = "settings"  # a district's schedule, time zone, holidays, e-mail addresses
    REQUEST = "request"  # send a one-off request to the district's schools
    WEB = "web"  # sign in to the read-only dashboard (what it shows follows the other actions)


class Role(StrEnum):
    ADMIN = "admin"
    OFFICIAL = "official"  # of the target district
    HEAD = "head"  # of the target school
    DEPUTY = "deputy"  # of the target school
    STATUS_CHAT = "status_chat"  # anyone in a chat bound to the district to answer /status
    ANYONE = "anyone"


class Scope(StrEnum):
    """How far a role's grant reaches."""

    ANY = "any"  # whatever the target
    DISTRICT = "district"  # the district where the role is held, and its schools
    SCHOOL = "school"  # only the school itself: never a whole district


Permission = dict[Role, Scope]

_OFFICE: Permission = {Role.ADMIN: Scope.ANY, Role.OFFICIAL: Scope.DISTRICT}
_VIEW: Permission = {**_OFFICE, Role.STATUS_CHAT: Scope.DISTRICT}
_STAFF: Permission = {Role.HEAD: Scope.SCHOOL, Role.DEPUTY: Scope.SCHOOL}
_ADMIN: Permission = {Role.ADMIN: Scope.ANY}
_ANYONE: Permission = {Role.ANYONE: Scope.ANY}

# Admins may do everything everywhere; everyone else only within their own district/school.
PERMISSIONS: dict[Action, Permission] = {
    Action.HELP: _ANYONE,
    Action.REDEEM: _ANYONE,
    # A head's /status is their own school's; a district's numbers are for its office and chat.
    # A head's own school is /my; district figures are for the office and its chat.
    Action.STATUS: _VIEW,
    Action.MISSING: _VIEW,
    Action.RATING: _VIEW,
    Action.CHART: _VIEW,
    Action.REMIND: _OFFICE,
    Action.EXPORT: _OFFICE,
    Action.MY: {**_ADMIN, **_STAFF},
    Action.ANSWER: _STAFF,
    Action.CORRECT: _OFFICE,
    Action.BIND: _OFFICE,
    Action.ADMIN: _ADMIN,
    Action.OFFICIALS: _ADMIN,
    Action.INVITES: _ADMIN,
    Action.SCHOOLS: _ADMIN,
    Action.SETTINGS: _ADMIN,
    Action.REQUEST: _OFFICE,
    Action.WEB: {**_OFFICE, **_STAFF},
}

# Slash commands (with the Russian names people type) and the action each needs;
# `/help` and the guard's refusals are built from this and the table.
COMMANDS: dict[str, Action] = {
    "help": Action.HELP,
    "start": Action.HELP,
    "status": Action.STATUS,
    "статус": Action.STATUS,
    "missing": Action.MISSING,
    "должники": Action.MISSING,
    "rating": Action.RATING,
    "рейтинг": Action.RATING,
    "remind": Action.REMIND,
    "напомнить": Action.REMIND,
    "export": Action.EXPORT,
    "выгрузка": Action.EXPORT,
    "request": Action.REQUEST,
    "chart": Action.CHART,
    "график": Action.CHART,
    "my": Action.MY,
    "моя": Action.MY,
    "report": Action.ANSWER,
    "correct": Action.CORRECT,
    "внести": Action.CORRECT,
    "bind": Action.BIND,
    "unbind": Action.BIND,
    "admin": Action.ADMIN,
    "official": Action.OFFICIALS,
    "unbound": Action.INVITES,
    "reissue": Action.INVITES,
    "revoke": Action.INVITES,
    "archive": Action.SCHOOLS,
    "архив": Action.SCHOOLS,
    "restore": Action.SCHOOLS,
    "schedule": Action.SETTINGS,
    "tz": Action.SETTINGS,
    "holidays": Action.SETTINGS,
    "districts": Action.SETTINGS,
    "emails": Action.SETTINGS,
    "web": Action.WEB,
    "сайт": Action.WEB,
}


@dataclass(frozen=True)
class StaffRole:
    school_id: int
    district_id: int
    role: str  # "head" or "deputy"


@dataclass(frozen=True)
class ChatGrant:
    """The group chat the message came from, if it is bound to a district."""

    district_id: int
    answers_status: bool


@dataclass(frozen=True)
class Actor:
    vk_id: int
    person_id: int | None
    is_admin: bool
    official_of: frozenset[int]
    staff: tuple[StaffRole, ...]
    chat: ChatGrant | None = None

    @property
    def is_official(self) -> bool:
        return bool(self.official_of)

    @property
    def is_staff(self) -> bool:
        return bool(self.staff)

    @property
    def is_stranger(self) -> bool:
        return not (self.is_admin or self.is_official or self.is_staff)

    @property
    def school_ids(self) -> tuple[int, ...]:
        return tuple(role.school_id for role in self.staff)

    def roles_at(self, *, district_id: int | None, school_id: int | None) -> set[Role]:
        """The roles the actor holds for a target; with no target, every role held anywhere."""
        roles = {Role.ANYONE}
        if self.is_admin:
            roles.add(Role.ADMIN)
        if self.official_of and (district_id is None or district_id in self.official_of):
            roles.add(Role.OFFICIAL)
        chat = self.chat
        if chat and chat.answers_status and district_id in (None, chat.district_id):
            roles.add(Role.STATUS_CHAT)
        for staff in self.staff:
            if school_id in (None, staff.school_id) and district_id in (None, staff.district_id):
                roles.add(Role(staff.role))
        return roles


def authorize(
    actor: Actor,
    action: Action,
    *,
    district_id: int | None = None,
    school_id: int | None = None,
) -> bool:
    """May `actor` do `action` on the target? Without a target: may they do it anywhere?

    A target school comes with its district: pass both.
    """
    grants = PERMISSIONS[action]
    if school_id is not None and district_id is None:
        raise ValueError("a school target needs the school's district_id too")
    whole_district = district_id is not None and school_id is None
    for role in actor.roles_at(district_id=district_id, school_id=school_id):
        scope = grants.get(role)
        if scope is not None and not (scope is Scope.SCHOOL and whole_district):
            return True
    return False


def allowed_actions(actor: Actor) -> list[Action]:
    return [action for action in PERMISSIONS if authorize(actor, action)]


def districts_for(actor: Actor, action: Action) -> frozenset[int] | None:
    """The districts where the actor may do a district action; None means all of them."""
    if actor.is_admin and authorize(actor, action):
        return None
    granted = {d for d in actor.official_of if authorize(actor, action, district_id=d)}
    if actor.chat and authorize(actor, action, district_id=actor.chat.district_id):
        granted.add(actor.chat.district_id)
    return frozenset(granted)
