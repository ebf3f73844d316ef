"""VK handlers, one labeler per feature. Order matters: the first matching handler wins."""

from handlers import checkin, fallback, requests

# The catch-all goes last: it answers whatever no feature claimed.
# The request dialog goes before the check-in: its answers may look like a pasted form.
labelers = [requests.labeler, checkin.labeler, fallback.labeler]
