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
    requests,
    web,
)

labelers = [
    # Refuses commands the asker may not use, so the features after it need not check.
    guard.labeler,
    # Before the check-in: an invite code sent in the middle of a questionnaire still counts.
    onboarding.labeler,
    # Answers typed mid-questionnaire, ahead of the commands (see handlers/checkin.py).
    checkin.questionnaire,
    admin.labeler,
    district_settings.labeler,
    chats.labeler,
    # Before the check-in: answers in the /request dialog may look like a pasted form.
    requests.labeler,
    reports.labeler,
    web.labeler,
    checkin.labeler,
    # Answers strangers' other messages; bound people's text passes on to the features below.
    help.labeler,
    reachability.labeler,
    # The catch-all goes last: it answers whatever no feature claimed.
    fallback.labeler,
]
