"""Soak variants run only with SVODKA_SLOW=1: they take minutes, not seconds."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("SVODKA_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="soak test: set SVODKA_SLOW=1 to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
