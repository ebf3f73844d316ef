"""Running the emulator as a server: in tests (`start_emulator`) or from the CLI (`main`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from aiohttp import web

from .app import Emulator

logger = logging.getLogger(__name__)


async def start_emulator(
    emulator: Emulator, host: str = "127.0.0.1", port: int = 0
) -> tuple[web.AppRunner, str]:
    """Serve the emulator's app; port 0 picks a free one. Returns (runner, base_url)."""
    runner = web.AppRunner(emulator.app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    emulator.base_url = f"http://{host}:{bound_port}"
    return runner, emulator.base_url


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="svodka emulator", description="VK API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="emulator-token")
    parser.add_argument("--group-id", type=int, default=1)
    parser.add_argument(
        "--rps", type=float, default=20.0, help="requests/s before error 6; 0 = off"
    )
    return parser


async def serve(args: argparse.Namespace) -> None:
    """Run until cancelled; `args` as parsed by this module's parser or `svodka emulator`."""
    emulator = Emulator(token=args.token, group_id=args.group_id, rps=args.rps)
    runner, base_url = await start_emulator(emulator, args.host, args.port)
    logger.info(
        "VK emulator listening: VK_API_URL=%s/method/ (token %s, group %d)",
        base_url,
        args.token,
        args.group_id,
    )
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0
