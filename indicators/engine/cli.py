"""Command line of the engine: ``python -m indicators.engine assess|aggregate|discrepancies``.

Reads CSV files, writes CSV files (docs/engine.md, *Command line*). Exit status 0 on
success; 2 on bad input, with one line per problem on stderr (``file:line: column 'x':
what is wrong``, or ``file:line: cannot read the file: reason`` with line 0 when the
problem is the file as a whole) and no output file written: outputs go to a temporary
file in the target directory and are renamed only when everything succeeded. Flags are
written ``true``/``false``, blanks as empty cells, floats in full precision (shortest
round-trip repr), a t* that is never reached as ``inf``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Sequence

import pandas as pd

from indicators.engine.aggregate import aggregate_inputs
from indicators.engine.assess import assess_inputs
from indicators.engine.csvfile import write_csv
from indicators.engine.discrepancies import discrepancies_inputs, discrepancy_summary
from indicators.engine.schema import EngineInputError, Inputs, prepare_inputs

EXIT_BAD_INPUT = 2
OBSERVATION_DTYPES = {
    "country": "category",
    "indicator": "category",
    "source": "category",
    "series": "category",
    "nature": "category",
    "year": "int64",
    "value": "float64",
}


class UnreadableFileError(Exception):
    """A file that cannot be opened or parsed as CSV."""


def _line_of(reason: str) -> int:
    """The CSV line a parser message names ("... in line 3 ..."), else 0 (the whole file)."""
    found = re.search(r"\bline (\d+)", reason)
    return int(found.group(1)) if found else 0


def read_table(path: str, fast_dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    """Reads a CSV; tries ``fast_dtypes`` first and falls back to text for validation.

    A row with more cells than the header is an error (pandas would otherwise quietly
    take the first column as an index, or drop the extra cells).
    """
    options: dict[str, object] = {
        "keep_default_na": False,
        "na_values": [""],
        "engine": "c",
        "index_col": False,
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            if fast_dtypes is not None:
                try:
                    return pd.read_csv(path, dtype=fast_dtypes, **options)  # type: ignore[call-overload, no-any-return]
                except (ValueError, OverflowError) as exc:
                    if isinstance(exc, pd.errors.ParserError):
                        raise
                    # a cell does not parse: read as text so schema names the line
            return pd.read_csv(path, dtype=str, **options)  # type: ignore[call-overload, no-any-return]
    except pd.errors.ParserWarning as exc:
        reason = "a row has more cells than the header"
        raise UnreadableFileError(f"{path}:2: cannot read the file: {reason}") from exc
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        reason = reason.strip()
        raise UnreadableFileError(
            f"{path}:{_line_of(reason)}: cannot read the file: {reason}"
        ) from exc


def write_all(outputs: Sequence[tuple[str, pd.DataFrame]]) -> None:
    """Writes every output to a temporary file next to it, then renames them all."""
    written: list[tuple[str, str]] = []
    try:
        for path, frame in outputs:
            directory = os.path.dirname(os.path.abspath(path))
            handle, temporary = tempfile.mkstemp(dir=directory, prefix=".engine-", suffix=".tmp")
            os.close(handle)
            written.append((temporary, path))
            write_csv(frame, temporary)
        for temporary, path in written:
            os.replace(temporary, path)
    finally:
        for temporary, _ in written:
            with contextlib.suppress(FileNotFoundError):
                os.remove(temporary)


def _inputs(args: argparse.Namespace, *, need_region: bool = False) -> Inputs:
    names = {"observations": args.observations, "indicators": args.indicators}
    countries = population = None
    if getattr(args, "countries", None):
        names["countries"] = args.countries
        countries = read_table(args.countries)
    if getattr(args, "population", None):
        names["population"] = args.population
        population = read_table(args.population)
    return prepare_inputs(
        observations=read_table(args.observations, OBSERVATION_DTYPES),
        indicators=read_table(args.indicators),
        countries=countries,
        population=population,
        need_region=need_region,
        names=names,
    )


def _run(args: argparse.Namespace) -> list[tuple[str, pd.DataFrame]]:
    if args.command == "assess":
        return [(args.output, assess_inputs(_inputs(args)))]
    if args.command == "aggregate":
        result = aggregate_inputs(_inputs(args, need_region=True), args.latest_year)
        return [(args.output, result)]
    table = discrepancies_inputs(_inputs(args))
    outputs = [(args.output, table)]
    if args.summary:
        outputs.append((args.summary, discrepancy_summary(table)))
    return outputs


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the three commands."""
    parser = argparse.ArgumentParser(prog="python -m indicators.engine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("assess", "aggregate", "discrepancies"):
        sub = commands.add_parser(name)
        sub.add_argument("--observations", required=True)
        sub.add_argument("--indicators", required=True)
        sub.add_argument("--countries", required=name == "aggregate")
        sub.add_argument("--output", required=True)
        if name == "aggregate":
            sub.add_argument("--population", required=True)
            sub.add_argument("--latest-year", type=int, default=None)
        if name == "discrepancies":
            sub.add_argument("--summary", default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; returns the exit status (0 success, 2 bad input)."""
    args = build_parser().parse_args(argv)
    try:
        write_all(_run(args))
    except EngineInputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnreadableFileError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"{exc.filename or ''}: cannot write the output: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0
