"""The /status-at-scale benchmark at a tiny size: it runs and reports; no timing checks."""

from __future__ import annotations

from bench import status_scale


def test_status_scale_reports_each_report_beside_its_sql() -> None:
    records = status_scale.run(
        schools=40, districts=2, weeks=2, repeat=1, engines=["sqlite"], database_url=None
    )

    metrics = {r["metric"] for r in records}
    for report in ("status_district", "status_region", "export_year_csv"):
        assert f"sqlite.{report}.p95_ms" in metrics
    assert all(r["value"] > 0 and r["baseline"] > 0 for r in records)
