"""VK handlers, one labeler per feature. Order matters: the first matching handler wins."""

from handlers import (
    admin,
    chats,
    checkin,
    district_settings,
    fallback,
    guard,
    help,
    onboarding,
    reachability,
    reports,
)

labelers = [
    # Refuses commands the asker may not use, so the features after it need not check.
    guard.labeler,
    # Before the check-in: an invite code sent in the middle of a questionnaire still counts.
    onboarding.labeler,
    admin.labeler,
    district_settings.labeler,
    chats.labeler,
    reports.labeler,
    checkin.labeler,
    # Answers strangers' other messages; bound people's text passes on to the features below.
    help.labeler,
    reachability.labeler,
    # The catch-all goes last: it answers whatever no feature claimed.
    fallback.labeler,
]
