"""VK handlers, one labeler per feature. Order matters: the first matching handler wins."""

from handlers import fallback, reports

# The catch-all goes last: it answers whatever no feature claimed.
labelers = [reports.labeler, fallback.labeler]
