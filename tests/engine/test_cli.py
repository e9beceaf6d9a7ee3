"""Command line: good runs write CSV; bad input exits 2 with file:line: lines, writes nothing."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from indicators.engine.assess import ASSESS_COLUMNS
from indicators.engine.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]

OBS = """country,indicator,source,series,year,value,nature
KAZ,U5MR,national,,1990,40,C
KAZ,U5MR,national,,2000,20,C
KAZ,U5MR,international,,1990,42,E
KAZ,U5MR,international,,2000,25,E
KGZ,U5MR,national,SEX=F,1990,60,
KGZ,U5MR,national,SEX=F,2000,,
"""
IND = """indicator,target_kind,target_value,desired_direction,cutoff
U5MR,relative,0.3333333333333333,decrease,
"""
COUNTRIES = "country,cis,region\nKAZ,false,CA\nKGZ,true,CA\n"
POPULATION = "country,year,population\nKAZ,1990,16\nKAZ,2000,15\nKGZ,1990,4\nKGZ,2000,5\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for name, text in (("obs", OBS), ("ind", IND), ("c", COUNTRIES), ("pop", POPULATION)):
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text)
    paths["out"] = tmp_path / "out.csv"
    paths["summary"] = tmp_path / "summary.csv"
    return paths


def _args(command: str, files: dict[str, Path]) -> list[str]:
    args = [
        command,
        "--observations",
        str(files["obs"]),
        "--indicators",
        str(files["ind"]),
        "--countries",
        str(files["c"]),
        "--output",
        str(files["out"]),
    ]
    if command == "aggregate":
        args += ["--population", str(files["pop"])]
    if command == "discrepancies":
        args += ["--summary", str(files["summary"])]
    return args


def test_assess_subprocess_writes_csv(files: dict[str, Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "indicators.engine", *_args("assess", files)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = files["out"].read_text().splitlines()
    assert lines[0] == ",".join(ASSESS_COLUMNS)
    fields = lines[1].split(",")
    rate = (25 / 42) ** (1 / 10) - 1
    assert fields[:12] == "KAZ,U5MR,international,,2,1990,42.0,2000,25.0,42.0,14.0,geometric".split(
        ","
    )
    assert math.isclose(float(fields[12]), rate, rel_tol=1e-12)
    assert math.isclose(
        float(fields[13]), 2000 + math.log(14 / 25) / math.log(1 + rate), rel_tol=1e-12
    )
    assert fields[14:] == ["on_track", "false"]
    assert lines[3] == (
        "KGZ,U5MR,national,SEX=F,1,1990,60.0,1990,60.0,60.0,20.0,,,,insufficient_data,false"
    )


def test_the_command_line_runs_outside_the_repository(files: dict[str, Path]) -> None:
    """Once installed, the engine is a command of its own: no need to stand in the checkout."""
    done = subprocess.run(
        [sys.executable, "-m", "indicators.engine", *_args("assess", files)],
        cwd=files["out"].parent,
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert done.returncode == 0, done.stderr
    assert files["out"].read_text().splitlines()[0] == ",".join(ASSESS_COLUMNS)


@pytest.mark.parametrize("command", ["aggregate", "discrepancies"])
def test_other_commands_write_csv(files: dict[str, Path], command: str) -> None:
    assert main(_args(command, files)) == 0
    table = pd.read_csv(files["out"], keep_default_na=False, dtype=str)
    assert len(table) >= 1
    if command == "discrepancies":
        assert set(table["latest_year_differs"]) <= {"true", "false"}
        assert files["summary"].exists()


BAD = [
    ("obs", "KAZ,U5MR,national,,1990,40,C", "KAZ,NOPE,national,,1990,40,C", 2, "indicator"),
    ("obs", "KAZ,U5MR,national,,2000,20,C", "KAZ,U5MR,national,,2000,abc,C", 3, "value"),
    ("obs", "KAZ,U5MR,national,,2000,20,C", "KAZ,U5MR,national,,2000.5,20,C", 3, "year"),
    ("obs", "KAZ,U5MR,national,,2000,20,C", "KAZ,U5MR,national,,1990,20,C", 3, "year"),
    ("obs", "KAZ,U5MR,national,,2000,20,C", "KAZ,U5MR,agency,,2000,20,C", 3, "source"),
    (
        "obs",
        "country,indicator,source,series,year,value,nature",
        "country,indicator,source,series,yr,value,nature",
        1,
        "year",
    ),
    ("ind", "relative,0.3333333333333333", "halve,0.3333333333333333", 2, "target_kind"),
    ("ind", "relative,0.3333333333333333", "relative,", 2, "target_value"),
    ("ind", "decrease", "down", 2, "desired_direction"),
    ("c", "KAZ,false", "KAZ,perhaps", 2, "cis"),
]


@pytest.mark.parametrize(("name", "old", "new", "line", "column"), BAD)
def test_bad_input_exit_2(
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    name: str,
    old: str,
    new: str,
    line: int,
    column: str,
) -> None:
    path = files[name]
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    assert main(_args("assess", files)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert f"{path}:{line}: column '{column}': " in err[0]
    assert not files["out"].exists()
    assert list(files["out"].parent.glob(".engine-*")) == []


def test_missing_file_exit_2_without_traceback(files: dict[str, Path]) -> None:
    files["obs"].unlink()
    done = subprocess.run(
        [sys.executable, "-m", "indicators.engine", *_args("discrepancies", files)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"{files['obs']}:0: cannot read the file")
    assert not files["out"].exists() and not files["summary"].exists()


# (file content, line named on stderr, words of the reason); the line is counted by hand
UNREADABLE = [
    ("", 0, "No columns to parse"),
    (
        "country,indicator,source,series,year,value,nature\nKAZ,U5MR,national,,1990,40,C,extra\n",
        2,
        "more cells than the header",
    ),
    (
        "country,indicator,source,series,year,value,nature\nKAZ,U5MR,national,,1990,40,C\nKAZ,U5MR,national,,2000,20,C,x\n",
        3,
        "Expected 7 fields in line 3, saw 8",
    ),
]


@pytest.mark.parametrize(("text", "line", "reason"), UNREADABLE)
def test_unreadable_observations_exit_2_naming_the_line(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], text: str, line: int, reason: str
) -> None:
    files["obs"].write_text(text)
    assert main(_args("assess", files)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"{files['obs']}:{line}: cannot read the file: ")
    assert reason in err[0]
    assert not files["out"].exists()


def test_engine_does_not_import_django() -> None:
    code = (
        "import sys, indicators.engine, indicators.engine.cli; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


# The header lines of docs/engine.md, written out by hand (D21: empty input, header only).
EMPTY_HEADERS = {
    "assess": "country,indicator,source,series,n_obs,first_year,first_value,latest_year,"
    "latest_value,baseline_value,target,model,rate,t_star,category,cis_rule_applied",
    "aggregate": "region,indicator,source,year0,value0,year1,value1,coverage,n_members,"
    "n_imputed,category,t_star",
    "discrepancies": "country,indicator,series,status,common_years,discrepant_years,"
    "max_abs_rel_diff,national_latest_year,international_latest_year,latest_year_differs,"
    "international_estimated,national_category,international_category,classification_differs",
}


@pytest.mark.parametrize("command", list(EMPTY_HEADERS))
def test_observations_without_rows_give_the_header_only(
    files: dict[str, Path], command: str
) -> None:
    files["obs"].write_text(OBS.splitlines()[0] + "\n")
    assert main(_args(command, files)) == 0
    assert files["out"].read_text().splitlines() == [EMPTY_HEADERS[command]]
    if command == "discrepancies":
        assert files["summary"].read_text().splitlines() == [
            "country,series,national_only,international_only,no_common_year,discrepant,"
            "consistent,discrepant_share"
        ]


def test_a_target_never_reached_is_written_inf(files: dict[str, Path]) -> None:
    # absolute target 0, 1990: 10 -> 2000: 5 falls geometrically and never reaches 0 (D5)
    files["obs"].write_text(
        OBS.splitlines()[0] + "\nKAZ,U5MR,national,,1990,10,C\nKAZ,U5MR,national,,2000,5,C\n"
    )
    files["ind"].write_text(
        "indicator,target_kind,target_value,desired_direction\nU5MR,absolute,0,decrease\n"
    )
    assert main(_args("assess", files)) == 0
    row = files["out"].read_text().splitlines()[1].split(",")
    assert row[11:] == ["geometric", repr(0.5 ** (1 / 10) - 1), "inf", "off_track_slow", "false"]
