"""Writing the engine's output tables as CSV text (docs/engine.md, D20).

``write_csv`` writes exactly the bytes that ``pandas.DataFrame.to_csv(index=False,
lineterminator="\\n")`` writes after flags are turned into ``true``/``false``
(``write_csv_pandas``, kept as the reference and the fallback), but several times
faster: pandas formats a float column with numpy's ``astype(str)`` and then copies
every cell into an object array; here each column becomes a list of Python strings
once (``repr`` of a float is the same shortest round-trip text numpy writes, ``inf``
included) and the standard library's ``csv`` writer, the one pandas uses, with the
same dialect, writes the rows, or, when no cell needs quoting, the cells are simply
joined with commas, which is all the writer would do. A column of a dtype not handled here (none of the
engine's outputs has one) sends the whole table through pandas.
"""

from __future__ import annotations

import csv
from typing import Any

import numpy as np
import pandas as pd

_BLANK = ""
# characters that make the csv writer quote a cell (delimiter, quote character, line ends)
_QUOTED = (",", '"', "\r", "\n")


def to_csv_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Writes booleans as true/false (the rest is left to pandas' full-precision writer)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column].dtype):
            out[column] = out[column].map({True: "true", False: "false"})
    return out


def write_csv_pandas(frame: pd.DataFrame, path: str) -> None:
    """The reference writer: pandas' ``to_csv`` after flags become true/false."""
    to_csv_text(frame).to_csv(path, index=False, lineterminator="\n")


def _floats(values: np.ndarray) -> list[str]:
    cells = [repr(x) for x in values.tolist()]
    for position in np.flatnonzero(np.isnan(values)).tolist():
        cells[position] = _BLANK
    return cells


def _cells(column: pd.Series) -> list[Any] | None:
    """The cells of one column as the csv writer should see them; None if not handled."""
    dtype = column.dtype
    if isinstance(dtype, pd.Int64Dtype):
        missing = column.isna().to_numpy()
        numbers = column.to_numpy(dtype=np.int64, na_value=0).tolist()
        cells = [str(x) for x in numbers]
        for position in np.flatnonzero(missing).tolist():
            cells[position] = _BLANK
        return cells
    if not isinstance(dtype, np.dtype):
        return None
    if dtype == np.float64:
        return _floats(column.to_numpy())
    if dtype == np.bool_:
        return ["true" if flag else "false" for flag in column.to_numpy().tolist()]
    if dtype == np.int64:
        return [str(x) for x in column.to_numpy().tolist()]
    if dtype.kind == "O":
        # the csv writer turns the objects into text itself, as it does for pandas
        values = column.to_numpy(copy=True)
        values[pd.isna(values)] = _BLANK
        return values.tolist()
    return None


def _plain(cells: list[Any]) -> bool:
    """Whether every cell is text the csv writer writes as it is (nothing to quote)."""
    if not all(type(cell) is str for cell in cells):
        return False
    joined = "".join(cells)
    return not any(special in joined for special in _QUOTED)


def write_csv(frame: pd.DataFrame, path: str) -> None:
    """Writes ``frame`` to ``path`` (UTF-8, ``\\n`` line ends), byte for byte as pandas does."""
    names = list(frame.columns)
    if not names or len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
        write_csv_pandas(frame, path)
        return
    columns = []
    plain = len(names) > 1 and _plain(names)  # one column: a blank row would be written ""
    for name in names:
        cells = _cells(frame[name])
        if cells is None:
            write_csv_pandas(frame, path)
            return
        # only object columns can hold text that needs quoting
        plain = plain and (frame[name].dtype.kind != "O" or _plain(cells))
        columns.append(cells)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        if plain:
            # no cell needs quoting: the csv writer would only join them
            handle.write(",".join(names) + "\n")
            if columns[0]:
                handle.write("\n".join(map(",".join, zip(*columns, strict=True))) + "\n")
            return
        writer = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(names)
        writer.writerows(zip(*columns, strict=True))
