"""Benchmark of the engine's command line against pandas merely reading and sorting the file.

Usage: python bench/engine.py [--rows 1000000] [--repeat 3] [--reference GIT_REF]

Generates countries x indicators x 2 sources x 50 years of observations (1,000,000
rows by default: 200 x 50 x 2 x 50 = 20,000 series, about 10 % of the values blank
and a third of the series starting late, so that aggregates impute), a country table
(10 regions of 20 countries, and a WORLD group of every country: a country in two
groups) and a population table (a default row per country and year, and a live-births
row for 10 of the indicators; 5 % of the rows missing). Then times, each in a fresh
``python`` process, (1) pandas reading and sorting the observations, (2) ``python -m
indicators.engine assess``, (3) ``... discrepancies`` and (4) ``... aggregate``
(reading, validating, computing and writing). Prints wall time, peak resident memory
(``ru_maxrss`` of that child, via ``os.wait4``) and each command's ratio to the
read+sort time of the same round, against its goal (the ratio of CPU time, user +
system, is printed beside it: on a shared machine it varies less than wall time).
With ``--repeat`` the rounds are repeated and the best round of each command is
reported with its own round's ratio.

With ``--reference GIT_REF`` the engine of that commit (``git archive``) is timed
beside the current one, and the output files of both are compared byte for byte, on
the generated files and on the real Kazakhstan and Kyrgyzstan data that tests/engine
uses (assess with and without CIS flags, discrepancies with its summary, aggregate);
the run fails if any output differs.
"""

from __future__ import annotations

import argparse
import filecmp
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
INDICATORS = 50
REGION_SIZE = 20
BIRTHS_INDICATORS = 10
READ_AND_SORT = (
    "import sys, pandas as pd; df = pd.read_csv(sys.argv[1]); "
    "df.sort_values(['country', 'indicator', 'source', 'series', 'year'])"
)
# ratio to pandas read+sort that each command should stay within (issue #19)
GOALS = {"assess": 1.2, "discrepancies": 1.5, "aggregate": 1.5}


def _chunk(first: int, countries: int, indicators: int, rng: np.random.Generator) -> pd.DataFrame:
    shape = (countries, indicators, 2, YEARS)
    grid = np.indices(shape).reshape(4, -1)
    start = rng.uniform(10, 100, size=(countries, indicators, 1, 1))
    trend = rng.uniform(-0.05, 0.03, size=(countries, indicators, 1, 1))
    noise = rng.normal(1.0, 0.02, size=shape)
    values = (start * (1 + trend) ** np.arange(YEARS) * noise).reshape(-1)
    # a third of the series start 1 to 10 years late; 10 % of the other values are blank
    late = rng.integers(1, 11, size=(countries, indicators, 2, 1))
    late = np.where(rng.random((countries, indicators, 2, 1)) < 1 / 3, late, 0)
    blank = (np.arange(YEARS) < late) | (rng.random(shape) < 0.1)
    values[blank.reshape(-1)] = np.nan
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


def _groups(directory: Path, countries: int, rng: np.random.Generator) -> None:
    """Country table (regions and a WORLD group) and population table."""
    codes = [f"C{c}" for c in range(countries)]
    table = pd.DataFrame(
        {
            "country": codes * 2,
            "cis": ["true" if c < 12 else "false" for c in range(countries)] * 2,
            "region": [f"R{c // REGION_SIZE}" for c in range(countries)] + ["WORLD"] * countries,
        }
    )
    table.to_csv(directory / "countries.csv", index=False)
    years = np.arange(1990, 1990 + YEARS)
    default = pd.DataFrame(
        {
            "country": np.repeat(codes, YEARS),
            "indicator": "",
            "year": np.tile(years, countries),
            "population": np.round(
                np.repeat(rng.uniform(1e5, 2e8, countries), YEARS)
                * np.tile(1.01 ** np.arange(YEARS), countries)
            ),
        }
    )
    births = [
        default.assign(indicator=f"I{i}", population=np.round(default["population"] * 0.02))
        for i in range(BIRTHS_INDICATORS)
    ]
    population = pd.concat([default, *births], ignore_index=True)
    population = population[rng.random(len(population)) >= 0.05]
    population.to_csv(directory / "population.csv", index=False)


def generate(directory: Path, rows: int) -> None:
    """Writes observations (in chunks of 20 countries), indicators, countries, population."""
    countries = max(1, rows // (INDICATORS * 2 * YEARS))
    rng = np.random.default_rng(42)
    obs = directory / "observations.csv"
    for first in range(0, countries, 20):
        chunk = _chunk(first, min(20, countries - first), INDICATORS, rng)
        chunk.to_csv(obs, index=False, mode="a" if first else "w", header=not first)
    kinds = ["relative", "absolute", "none"]
    table = pd.DataFrame(
        {
            "indicator": [f"I{i}" for i in range(INDICATORS)],
            "target_kind": [kinds[i % 3] for i in range(INDICATORS)],
            "target_value": [[0.5, 20.0, np.nan][i % 3] for i in range(INDICATORS)],
            "desired_direction": "decrease",
        }
    )
    table.to_csv(directory / "indicators.csv", index=False)
    _groups(directory, countries, rng)


def measure(command: list[str], cwd: Path = REPO_ROOT) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one child process."""
    began = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def engine_runs(directory: Path, out: Path) -> dict[str, list[str]]:
    """The arguments of each timed command; outputs go to ``out``."""
    common = ["--observations", str(directory / "observations.csv")]
    common += ["--indicators", str(directory / "indicators.csv")]
    groups = ["--countries", str(directory / "countries.csv")]
    groups += ["--population", str(directory / "population.csv")]
    return {
        "assess": ["assess", *common, "--output", str(out / "assess.csv")],
        "discrepancies": [
            "discrepancies",
            *common,
            *("--output", str(out / "discrepancies.csv")),
            *("--summary", str(out / "summary.csv")),
        ],
        "aggregate": ["aggregate", *common, *groups, "--output", str(out / "aggregate.csv")],
    }


def extract(reference: str, directory: Path) -> Path:
    """The engine package of commit ``reference`` in ``directory`` (importable from there)."""
    archive = subprocess.run(
        ["git", "archive", reference, "indicators/engine"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive.stdout, check=True)
    (directory / "indicators" / "__init__.py").touch()
    return directory


def same_outputs(left: Path, right: Path) -> list[str]:
    """Names of the CSV files that differ between two output directories."""
    names = sorted(p.name for p in left.glob("*.csv"))
    return [name for name in names if not filecmp.cmp(left / name, right / name, shallow=False)]


def real_data(directory: Path) -> list[list[str]]:
    """Writes the real data of tests/engine as CSV; returns the engine runs on it."""
    sys.path.insert(0, str(REPO_ROOT))
    from tests.engine.realdata import (  # noqa: PLC0415 - the tests' converter, only here
        RELATIVE_INDICATORS,
        SDG_INDICATORS,
        kyrgyz_structure,
        real_observations,
    )

    real_observations(kyrgyz_structure()).to_csv(directory / "obs.csv", index=False)
    SDG_INDICATORS.to_csv(directory / "sdg.csv", index=False)
    RELATIVE_INDICATORS.to_csv(directory / "relative.csv", index=False)
    countries = "country,cis,region\nKAZ,true,CA\nKGZ,true,CA\nKAZ,true,CIS\n"
    (directory / "c.csv").write_text(countries)
    population = ["country,indicator,year,population"]
    for year in range(2000, 2031):
        population += [f"KAZ,,{year},{15_000_000 + 150_000 * (year - 2000)}"]
        population += [f"KGZ,,{year},{4_900_000 + 80_000 * (year - 2000)}"]
        population += [f"KGZ,3.2.1,{year},{150_000 + 1_000 * (year - 2000)}"]
    (directory / "pop.csv").write_text("\n".join(population) + "\n")
    runs = []
    for table in ("sdg", "relative"):
        ind = ["--observations", "obs.csv", "--indicators", f"{table}.csv"]
        runs += [
            ["assess", *ind, "--output", f"{table}-assess.csv"],
            ["assess", *ind, "--countries", "c.csv", "--output", f"{table}-assess-cis.csv"],
            ["discrepancies", *ind, "--output", f"{table}-disc.csv", "--summary", f"{table}-s.csv"],
            [
                "aggregate",
                *ind,
                *("--countries", "c.csv", "--population", "pop.csv"),
                *("--output", f"{table}-aggregate.csv"),
            ],
        ]
    return runs


def compare_real_data(reference_root: Path, tmp: Path) -> list[str]:
    """Runs both engines on the real data; returns the names of the outputs that differ."""
    data = tmp / "real"
    data.mkdir()
    runs = real_data(data)
    outputs = {}
    for label, root in (("new", REPO_ROOT), ("old", reference_root)):
        out = tmp / f"real-{label}"
        out.mkdir()
        for run in runs:
            args = [a if not a.endswith(".csv") else str(data / a) for a in run]
            for flag in ("--output", "--summary"):
                if flag in run:
                    args[run.index(flag) + 1] = str(out / run[run.index(flag) + 1])
            subprocess.run([sys.executable, "-m", "indicators.engine", *args], cwd=root, check=True)
        outputs[label] = out
    return same_outputs(outputs["new"], outputs["old"])


# name -> wall seconds, peak MB, CPU seconds, wall ratio, CPU ratio (to read+sort)
Timings = dict[str, tuple[float, float, float, float, float]]


def _line(name: str, figures: tuple[float, float, float, float, float]) -> str:
    wall, peak, cpu, ratio, cpu_ratio = figures
    return (
        f"  {name + ':':30} {wall:6.2f} s  peak {peak:5.0f} MB  cpu {cpu:6.2f} s  "
        f"ratio {ratio:.2f} (cpu {cpu_ratio:.2f})"
    )


def run_round(
    number: int, data: Path, engines: dict[str, Path], outputs: dict[str, Path]
) -> Timings:
    """One round: pandas read+sort, then every command of every engine; prints the figures."""
    base_t, base_m, base_c = measure(
        [sys.executable, "-c", READ_AND_SORT, str(data / "observations.csv")]
    )
    timings = {"read+sort (pandas)": (base_t, base_m, base_c, 1.0, 1.0)}
    for label, root in engines.items():
        out = outputs[label]
        out.mkdir(exist_ok=True)
        for command, argv in engine_runs(data, out).items():
            t, m, c = measure([sys.executable, "-m", "indicators.engine", *argv], cwd=root)
            timings[command + label] = (t, m, c, t / base_t, c / base_c)
    print(f"round {number + 1}: load average {os.getloadavg()[0]:.1f}")
    for name, figures in timings.items():
        print(_line(name, figures))
    return timings


def report(rounds: list[Timings]) -> None:
    """The best round of each run, with its own round's ratio, against the goal."""
    print(f"best of {len(rounds)} round(s) (ratio to read+sort of the same round):")
    for name in rounds[0]:
        figures = min((r[name] for r in rounds), key=lambda v: v[0])
        goal = GOALS.get(name.split(" ")[0])
        verdict = ""
        if goal is not None:
            verdict = f"  goal <= {goal}: {'met' if figures[3] <= goal else 'NOT met'}"
        print(_line(name, figures) + verdict)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--reference", default=None, help="git ref of the engine to compare")
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(Path(args.generate), args.rows)
        return
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data = tmp / "data"
        data.mkdir()
        # generated in a child so that this process stays small: a forked child
        # starts with its parent's resident set, which would inflate ru_maxrss
        measure([sys.executable, __file__, "--generate", str(data), "--rows", str(args.rows)])
        size = (data / "observations.csv").stat().st_size / 1e6
        print(f"rows={args.rows:,} file={size:.0f} MB cpus={os.cpu_count()}")
        engines = {"": REPO_ROOT}  # label -> directory the engine is imported from
        if args.reference:
            (tmp / "reference").mkdir()
            engines[f" [{args.reference}]"] = extract(args.reference, tmp / "reference")
        outputs = {label: tmp / f"out-{number}" for number, label in enumerate(engines)}
        rounds = [run_round(number, data, engines, outputs) for number in range(args.repeat)]
        report(rounds)
        if args.reference:
            old_label, old_root = list(engines.items())[1]
            differ = same_outputs(outputs[""], outputs[old_label])
            differ += [f"real data: {name}" for name in compare_real_data(old_root, tmp)]
            if differ:
                raise SystemExit(f"outputs differ from {args.reference}: {', '.join(differ)}")
            print(f"every output is byte-identical to {args.reference}'s (generated and real data)")


if __name__ == "__main__":
    main()
