"""Prometheus metrics of one instance: counters as things happen, gauges computed at scrape.

Each App has its own registry, so several instances can live in one process (tests).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from vkbottle import API
from vkbottle.api.response_validator import ABCResponseValidator, VKAPIErrorResponseValidator

from bot.clock import Clock
from bot.domain.outbox import FailReason
from storage.db import Database
from storage.repos import events, monitoring

CONTENT_TYPE = CONTENT_TYPE_LATEST
HANDLER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.events_received = Counter(
            "svodka_events_received", "VK events received", ["source"], registry=r
        )
        self.events_duplicate = Counter(
            "svodka_events_duplicate", "VK events seen before and dropped", ["source"], registry=r
        )
        self.events_processed = Counter(
            "svodka_events_processed", "VK events handled, by outcome", ["outcome"], registry=r
        )
        self.events_malformed = Counter(
            "svodka_events_malformed",
            "VK events that could not be read: refused (callback, longpoll) or set aside (stored)",
            ["source"],
            registry=r,
        )
        self.handler_seconds = Histogram(
            "svodka_handler_seconds",
            "Time to handle one event",
            buckets=HANDLER_BUCKETS,
            registry=r,
        )
        self.vk_errors = Counter(
            "svodka_vk_errors", "VK API errors, by method and code", ["method", "code"], registry=r
        )
        self.outbox_failed = Counter(
            "svodka_outbox_failed",
            "Outbox messages set aside for good, by reason",
            ["reason"],
            registry=r,
        )
        for reason in FailReason:  # every reason shows, at 0 until it happens
            self.outbox_failed.labels(reason)
        self.outbox_backlog = Gauge(
            "svodka_outbox_backlog", "Outbox messages not sent yet, by kind", ["kind"], registry=r
        )
        self.round_answered = Gauge(
            "svodka_round_answered_ratio",
            "Share of schools that answered the current weekly round",
            ["district"],
            registry=r,
        )
        self.inbound_pending = Gauge(
            "svodka_inbound_pending",
            "Persisted events not processed yet (all instances)",
            registry=r,
        )
        self.pipeline_backlog = Gauge(
            "svodka_pipeline_backlog", "Events queued or in flight in this instance", registry=r
        )
        self.last_vk_success: datetime | None = None

    def handled(self, outcome: str, seconds: float) -> None:
        self.events_processed.labels(outcome).inc()
        if outcome != "shed":
            self.handler_seconds.observe(seconds)

    def outbox_row_failed(self, reason: str) -> None:
        self.outbox_failed.labels(reason).inc()

    def malformed(self, source: str) -> None:
        self.events_malformed.labels(source).inc()

    def received(self, source: str, count: int, duplicates: int) -> None:
        self.events_received.labels(source).inc(count)
        if duplicates:
            self.events_duplicate.labels(source).inc(duplicates)

    def watch(self, api: API, clock: Clock) -> None:
        """Count the VK errors `api` meets and remember when VK last answered."""
        validators = list(api.response_validators)
        at = next(i for i, v in enumerate(validators) if isinstance(v, VKAPIErrorResponseValidator))
        validators.insert(at, _CallObserver(self, clock))
        api.response_validators = validators

    async def refresh(self, db: Database, now: datetime, pipeline_backlog: int) -> None:
        """Recompute the gauges that live in the database."""
        async with db.reads() as session:
            backlog = await monitoring.outbox_backlog(session)
            ratios = await monitoring.answered_ratios(session, now)
            pending = await events.pending_count(session)
        self.outbox_backlog.clear()
        for kind, count in backlog.items():
            self.outbox_backlog.labels(kind).set(count)
        self.round_answered.clear()
        for district, ratio in ratios.items():
            self.round_answered.labels(district).set(ratio)
        self.inbound_pending.set(pending)
        self.pipeline_backlog.set(pipeline_backlog)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _CallObserver(ABCResponseValidator):
    """Sits before vkbottle's error validator, which turns VK errors into exceptions."""

    def __init__(self, metrics: Metrics, clock: Clock) -> None:
        self._metrics = metrics
        self._clock = clock

    async def validate(self, method: str, data: dict[str, Any], response: Any, ctx_api: Any) -> Any:
        if not isinstance(response, dict):
            return response
        error = response.get("error")
        if isinstance(error, dict):
            self._count(method, error.get("error_code"))
            return response
        self._metrics.last_vk_success = self._clock.now()
        # Calls that failed inside an `execute`: the request itself succeeded.
        for failure in response.get("execute_errors") or ():
            if isinstance(failure, dict):
                self._count(str(failure.get("method") or method), failure.get("error_code"))
        items = response.get("response")
        if isinstance(items, list):
            # peer_ids sends report each recipient's failure inside the response.
            for item in items:
                if isinstance(item, dict) and isinstance(item.get("error"), dict):
                    self._count(method, item["error"].get("code"))
        return response

    def _count(self, method: str, code: Any) -> None:
        self._metrics.vk_errors.labels(method, str(code)).inc()
