"""`svodka run` serves the dashboard only with WEB_ENABLED, in either mode; the playground
never."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.clock import FakeClock
from storage.db import Database
from tests.integration.production.cluster import cluster


@pytest.mark.parametrize("callback", [False, True], ids=["longpoll", "callback"])
async def test_run_serves_the_dashboard_only_when_enabled(
    db: Database, clock: FakeClock, tmp_path: Path, callback: bool
) -> None:
    async with cluster(db, clock, tmp_path) as group:
        group.settings = group.settings.model_copy(
            update={"web_enabled": True, "web_base_url": "http://127.0.0.1"}
        )
        served = group.new_instance("web", callback=callback)
        await served.start()
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{served.port}"
            async with http.get(f"{base}/web/") as page:
                assert page.status == 401
                assert "/web" in await page.text()
            async with http.get(f"{base}/") as root:
                assert root.status == 404  # the playground is the sandbox's alone
        await served.stop()
        group.settings = group.settings.model_copy(update={"web_enabled": False})
        plain = group.new_instance("plain", callback=callback)
        await plain.start()
        if callback:
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{plain.port}/web/") as page,
            ):
                assert page.status == 404
        else:
            assert plain.port is None  # no HTTP server at all without a port to serve
        await plain.stop()
