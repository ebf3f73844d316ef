"""JSON as VK writes it: UTF-8 text as is, no spaces."""

from __future__ import annotations

import functools
import json

dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
