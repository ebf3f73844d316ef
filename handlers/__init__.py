"""VK handlers, one labeler per feature. Order matters: the first matching handler wins."""

from handlers import checkin, fallback

# The catch-all goes last: it answers whatever no feature claimed.
labelers = [checkin.labeler, fallback.labeler]
