"""VK handlers, one labeler per feature. Order matters: the first matching handler wins."""

from handlers import (
    admin,
    chats,
    district_settings,
    fallback,
    guard,
    help,
    onboarding,
    reachability,
)

labelers = [
    # Refuses commands the asker may not use, so the features after it need not check.
    guard.labeler,
    onboarding.labeler,
    admin.labeler,
    district_settings.labeler,
    chats.labeler,
    # Answers strangers' other messages; bound people's text passes on to the features below.
    help.labeler,
    reachability.labeler,
    # The catch-all goes last: it answers whatever no feature claimed.
    fallback.labeler,
]
