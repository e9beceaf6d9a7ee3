"""Benchmark of the engine's command line against pandas merely reading and sorting the file.

Usage: python bench/engine.py [--rows 1000000]

Generates countries x indicators x 2 sources x 50 years of observations (1,000,000
rows by default: 200 x 50 x 2 x 50) into a temporary CSV, then times, each in a fresh
``python`` process: (1) pandas reading and sorting the file, (2) ``python -m
indicators.engine assess``, (3) ``... discrepancies``. Prints wall time and peak
resident memory (``ru_maxrss`` of that child, via ``os.wait4``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
YEARS = 50
READ_AND_SORT = (
    "import sys, pandas as pd; df = pd.read_csv(sys.argv[1]); "
    "df.sort_values(['country', 'indicator', 'source', 'series', 'year'])"
)


def _chunk(first: int, countries: int, indicators: int, rng: np.random.Generator) -> pd.DataFrame:
    shape = (countries, indicators, 2, YEARS)
    grid = np.indices(shape).reshape(4, -1)
    start = rng.uniform(10, 100, size=(countries, indicators, 1, 1))
    trend = rng.uniform(-0.05, 0.03, size=(countries, indicators, 1, 1))
    noise = rng.normal(1.0, 0.02, size=shape)
    values = (start * (1 + trend) ** np.arange(YEARS) * noise).reshape(-1)
    return pd.DataFrame(
        {
            "country": np.char.add("C", (first + grid[0]).astype("U5")),
            "indicator": np.char.add("I", grid[1].astype("U3")),
            "source": np.where(grid[2] == 0, "national", "international"),
            "series": "",
            "year": 1990 + grid[3],
            "value": np.round(values, 3),
            "nature": np.where(grid[2] == 0, "C", "E"),
        }
    )


def generate(directory: Path, rows: int) -> tuple[Path, Path]:
    """Writes observations (in chunks of 20 countries) and indicators."""
    indicators = 50
    countries = max(1, rows // (indicators * 2 * YEARS))
    rng = np.random.default_rng(42)
    obs = directory / "observations.csv"
    for first in range(0, countries, 20):
        chunk = _chunk(first, min(20, countries - first), indicators, rng)
        chunk.to_csv(obs, index=False, mode="a" if first else "w", header=not first)
    kinds = ["relative", "absolute", "none"]
    table = pd.DataFrame(
        {
            "indicator": [f"I{i}" for i in range(indicators)],
            "target_kind": [kinds[i % 3] for i in range(indicators)],
            "target_value": [[0.5, 20.0, np.nan][i % 3] for i in range(indicators)],
            "desired_direction": "decrease",
        }
    )
    ind = directory / "indicators.csv"
    table.to_csv(ind, index=False)
    return obs, ind


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    began = time.perf_counter()
    child = subprocess.Popen(command, cwd=REPO_ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(Path(args.generate), args.rows)
        return
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        # generated in a child so that this process stays small: a forked child
        # starts with its parent's resident set, which would inflate ru_maxrss
        measure([sys.executable, __file__, "--generate", tmp, "--rows", str(args.rows)])
        obs, ind = directory / "observations.csv", directory / "indicators.csv"
        size = obs.stat().st_size / 1e6
        print(f"rows={args.rows:,} file={size:.0f} MB cpus={os.cpu_count()}")
        base_t, base_m = measure([sys.executable, "-c", READ_AND_SORT, str(obs)])
        print(f"read+sort (pandas):   {base_t:6.2f} s  peak {base_m:7.0f} MB")
        engine = [sys.executable, "-m", "indicators.engine"]
        common = ["--observations", str(obs), "--indicators", str(ind)]
        for command, goal in (("assess", 1.5), ("discrepancies", 2.0)):
            out = ["--output", str(directory / f"{command}.csv")]
            t, m = measure([*engine, command, *common, *out])
            print(
                f"{command + ':':21} {t:6.2f} s  peak {m:7.0f} MB  "
                f"ratio {t / base_t:.2f} (goal <= {goal})"
            )


if __name__ == "__main__":
    main()
