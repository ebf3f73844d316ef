"""`python -m bench` (`make bench`): every benchmark, each in its own process, one results file.

    python -m bench [--only NAME ...] [--quick] [NAME.OPTION=VALUE ...] [-o bench/results.json]

`inbound.heads=500` passes `--heads 500` to the inbound benchmark. A benchmark whose module
is not there yet (it lands from another branch) is reported as missing and skipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

# name → (module, its default options)
BENCHMARKS: dict[str, tuple[str, list[str]]] = {
    "inbound": ("bench.inbound", []),
    # The same load with replies kept to VK's 20 requests a second, as in production.
    "inbound_vk_limit": ("bench.inbound", ["--send-rps", "20"]),
    "tick": ("bench.tick", []),
    "fanout": ("bench.fanout", []),
    "status_scale": ("bench.status_scale", []),
}
RESULTS = Path(__file__).parent / "results.json"


def run_benchmark(module: str, extra: list[str], console: Console) -> list[dict[str, Any]]:
    console.print(f"[bold]{module}[/] {' '.join(extra)}")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", module, *extra], stdout=subprocess.PIPE, stderr=None, text=True
    )
    console.print(f"  {time.perf_counter() - started:.0f} s, exit {done.returncode}")
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        console.print(f"[red]{module} failed[/]\n{done.stdout}")
        return []
    records = json.loads(lines[-1])
    return records if isinstance(records, list) else [records]


def options_by_benchmark(assignments: list[str]) -> dict[str, list[str]]:
    options: dict[str, list[str]] = defaultdict(list)
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        name, dot, option = key.partition(".")
        if not sep or not dot or name not in BENCHMARKS:
            raise SystemExit(f"expected NAME.OPTION=VALUE with NAME in {sorted(BENCHMARKS)}")
        options[name] += [f"--{option.replace('_', '-')}", value]
    return options


def table(records: list[dict[str, Any]]) -> Table:
    view = Table(title="svodka benchmarks")
    for column in ["name", "metric", "value", "baseline", "ratio", "unit", "goal"]:
        view.add_column(column, justify="left" if column in ("name", "metric") else "right")
    for r in records:
        cells = [r["name"], r["metric"], r["value"], r.get("baseline"), r.get("ratio"), r["unit"],
                 r.get("params", {}).get("goal")]  # fmt: skip
        view.add_row(*("" if c is None else str(c) for c in cells))
    return view


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS))
    parser.add_argument("--quick", action="store_true", help="smoke sizes, seconds not minutes")
    parser.add_argument("-o", "--output", type=Path, default=RESULTS)
    parser.add_argument("sizes", nargs="*", metavar="NAME.OPTION=VALUE")
    args = parser.parse_args(argv)
    options = options_by_benchmark(args.sizes)
    console = Console(stderr=True)
    records: list[dict[str, Any]] = []
    for name in args.only or list(BENCHMARKS):
        module, defaults = BENCHMARKS[name]
        if importlib.util.find_spec(module) is None:
            console.print(f"[yellow]{name}: {module} is not there yet, skipped[/]")
            continue
        extra = (["--quick"] if args.quick else []) + defaults + options[name]
        records += run_benchmark(module, extra, console)
    args.output.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    Console(width=120).print(table(records))
    console.print(f"{len(records)} results → {args.output}")
    return 0 if records else 1


if __name__ == "__main__":
    sys.exit(main())
