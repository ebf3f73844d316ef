"""The status-at-scale benchmark runs end to end at a smoke size."""

from bench import status_scale


def test_benchmark_smoke() -> None:
    records = status_scale.run(
        schools=40, districts=2, weeks=3, repeat=2, engines=["sqlite"], database_url=None
    )
    metrics = {r["metric"] for r in records}
    assert "sqlite.status_district.p95_ms" in metrics
    assert "sqlite.status_region.p50_ms" in metrics
    assert "sqlite.export_year_csv.p50_ms" in metrics
    assert all(r["value"] > 0 and r["baseline"] > 0 and r["unit"] == "ms" for r in records)
