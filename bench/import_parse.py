"""Time parse_upload on a 50,000-row Excel template and a 50,000-observation SDMX-ML file.

    .venv/bin/python bench/import_parse.py [--rows 50000] [--sdmx1]

Each parse runs in a fresh subprocess, which prints its wall time and the peak resident
memory (ru_maxrss) of the whole process (interpreter, Django and libraries included);
``--tracemalloc`` adds a second, slower run reporting the peak of Python allocations.
Targets: SDMX validated in under 10 s with peak memory under 500 MB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time, tracemalloc
sys.path.insert(0, {repo!r})
from django.conf import settings
settings.configure(USE_I18N=False)
from indicators.imports import parse_upload
path, reader, trace = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
data = open(path, "rb").read()
if trace:
    tracemalloc.start()
start = time.perf_counter()
if reader == "sdmx1":
    from indicators.imports.sdmx1_reader import read_with_sdmx1
    result = read_with_sdmx1(path, data)
else:
    result = parse_upload(path, data, max_rows=10**6)
seconds = time.perf_counter() - start
_current, peak = tracemalloc.get_traced_memory() if trace else (0, float("nan"))
print(json.dumps({{
    "seconds": seconds,
    "tracemalloc_peak_mb": peak / 2**20,
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rows": len(result.rows),
    "problems": len(result.problems),
}}))
"""

SS_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<message:StructureSpecificData
 xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
 xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
 xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xmlns:ns1="urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=KG_NSC:SDG(1.8):ObsLevelDim:TIME_PERIOD">
<message:Header><message:ID>BENCH</message:ID><message:Test>true</message:Test>
<message:Prepared>2025-01-01T00:00:00</message:Prepared><message:Sender id="KG_NSC"/>
<message:Structure structureID="KG_NSC_SDG_1_8" dimensionAtObservation="TIME_PERIOD"
 namespace="urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=KG_NSC:SDG(1.8):ObsLevelDim:TIME_PERIOD">
<common:Structure><Ref agencyID="KG_NSC" id="SDG" version="1.8"/></common:Structure>
</message:Structure></message:Header>
<message:DataSet ss:structureRef="KG_NSC_SDG_1_8" xsi:type="ns1:DataSetType">
"""
SERIES = (
    '<Series FREQ="A" REPORTING_TYPE="N" SERIES="SH_DYN_MORT" REF_AREA="{area}" SEX="{sex}" '
    'AGE="{age}" URBANISATION="{urb}" INCOME_WEALTH_QUANTILE="_T" EDUCATION_LEV="_T" '
    'OCCUPATION="_T" CUST_BREAKDOWN="_T" COMPOSITE_BREAKDOWN="_T" DISABILITY_STATUS="_T" '
    'ACTIVITY="_T" PRODUCT="_T" UNIT_MEASURE="PER_1000_LIVE_BIRTHS">\n'
)
OBS = (
    '<Obs TIME_PERIOD="{year}" OBS_VALUE="{value}" OBS_STATUS="A" UNIT_MULT="0" NATURE="C" '
    'TIME_DETAIL="{year}" COMMENT_OBS="Civil registration, adjusted"/>\n'
)
YEARS = range(1990, 2025)  # 35 observations per series


def _series_keys():
    for area in ["KG"] + [f"KG{i:02d}" for i in range(1, 100)]:
        for sex in ("_T", "F", "M"):
            for age in ("_T", "Y0T4", "Y0", "Y1T4", "Y5T9"):
                for urb in ("_T", "U", "R"):
                    yield {"area": area, "sex": sex, "age": age, "urb": urb}


def build_sdmx(path: Path, n: int) -> None:
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(SS_HEAD)
        for key in _series_keys():
            if written >= n:
                break
            out.write(SERIES.format(**key))
            for year in YEARS:
                if written >= n:
                    break
                out.write(OBS.format(year=year, value=round(10 + written % 997 / 7, 3)))
                written += 1
            out.write("</Series>\n")
        out.write("</message:DataSet></message:StructureSpecificData>\n")


def build_template(path: Path, n: int) -> None:
    sys.path.insert(0, str(REPO))
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False)
    from indicators.imports import write_template

    def rows():
        written = 0
        for key in _series_keys():
            disaggregation = {
                d: c
                for d, c in (("SEX", key["sex"]), ("AGE", key["age"]), ("URBANISATION", key["urb"]))
                if c != "_T"
            }
            for year in YEARS:
                if written >= n:
                    return
                yield {
                    "indicator": "3.2.1",
                    "area": "" if key["area"] == "KG" else key["area"],
                    "disaggregation": disaggregation,
                    "year": year,
                    "value": round(10 + written % 997 / 7, 3),
                    "unit": "PER_1000_LIVE_BIRTHS",
                    "nature": "C",
                    "source": "Civil registration",
                    "footnote": "",
                }
                written += 1

    write_template(
        path,
        rows(),
        country_name="Kyrgyzstan",
        round_name="Benchmark",
        indicators=[("3.2.1", "Under-five mortality rate", "PER_1000_LIVE_BIRTHS")],
    )


def measure(path: Path, reader: str = "stream", trace: bool = False) -> dict[str, float]:
    child = CHILD.format(repo=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", child, str(path), reader, "1" if trace else "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--sdmx1", action="store_true", help="also time the sdmx1 reader")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also report the tracemalloc peak (a second run: tracing slows parsing 3-10x)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        xml, xlsx = Path(tmp) / "bench.xml", Path(tmp) / "bench.xlsx"
        start = time.perf_counter()
        build_sdmx(xml, args.rows)
        build_template(xlsx, args.rows)
        print(f"built {args.rows:,} observations in {time.perf_counter() - start:.1f} s")
        print(
            f"  SDMX-ML {xml.stat().st_size / 2**20:.1f} MB, xlsx {xlsx.stat().st_size / 2**20:.1f} MB"
        )
        runs = [("sdmx (streaming)", xml, "stream"), ("xlsx template", xlsx, "stream")]
        if args.sdmx1:
            runs.append(("sdmx (sdmx1 + DSD)", xml, "sdmx1"))
        for label, path, reader in runs:
            m = measure(path, reader)
            print(
                f"{label:20s} {m['seconds']:6.2f} s  peak RSS {m['maxrss_mb']:6.1f} MB"
                f"  rows {m['rows']:,}  problems {m['problems']}"
            )
            if args.tracemalloc:
                traced = measure(path, reader, trace=True)
                print(f"{'':20s} tracemalloc peak {traced['tracemalloc_peak_mb']:6.1f} MB")


if __name__ == "__main__":
    main()
