"""The outbox scheduler: plan → sweep → claim → send → mark (see ticker.py)."""

from bot.scheduler.ticker import Scheduler, TickReport

__all__ = ["Scheduler", "TickReport"]
