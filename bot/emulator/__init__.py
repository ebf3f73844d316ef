"""VK API emulator: a local stand-in for VK (methods, Bots Long Poll, uploads, Callback API)
plus a control API (`/_emu/*`) for demos, tests and benchmarks. See README.md."""

from .app import Emulator
from .client import EmulatorClient
from .server import main, start_emulator

__all__ = ["Emulator", "EmulatorClient", "main", "start_emulator"]
