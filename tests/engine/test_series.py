"""series: the headline row of each series group, and the fingerprints of compared values.

The expected values are worked out by hand from the rules in the docstrings."""

from __future__ import annotations

import hashlib

import pandas as pd

from indicators.engine.series import fingerprints, headline


def _assessed(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator", "country", "source", "series"])


def test_headline_prefers_the_blank_key_then_fewest_dimensions_then_first() -> None:
    table = _assessed(
        [
            ("1.1.1", "KAZ", "national", "sex=F"),  # one dimension
            ("1.1.1", "KAZ", "national", ""),  # blank key: the headline
            ("1.1.1", "KAZ", "international", "age=15+;sex=F"),  # two dimensions
            ("1.1.1", "KAZ", "international", "sex=M"),  # one dimension: fewer than two
            ("1.1.1", "ARM", "national", "sex=M"),  # same dimensions: sex=F sorts first
            ("1.1.1", "ARM", "national", "sex=F"),
            ("2.1.1", "KAZ", "national", "sex=F"),  # another indicator: its own group
        ]
    )
    assert headline(table).tolist() == [False, True, False, True, False, True, True]


def test_headline_keeps_the_order_of_a_shuffled_index() -> None:
    table = _assessed([("1.1.1", "KAZ", "national", "sex=F"), ("1.1.1", "KAZ", "national", "")])
    table.index = [7, 3]
    assert headline(table).tolist() == [False, True]


def test_headline_of_an_empty_table_is_empty() -> None:
    empty = _assessed([])
    result = headline(empty)
    assert result.dtype == bool and result.tolist() == []


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


FRAME = pd.DataFrame(
    [
        ("1.1.1", "KAZ", "", "national", 2000, 3.0),
        ("1.1.1", "KAZ", "", "national", 1990, 1.0),
        ("1.1.1", "KAZ", "", "international", 2000, 2.5),
        ("1.1.1", "KAZ", "sex=F", "national", 2000, 4.0),
        ("1.1.1", "ARM", "", "national", 2000, 9.0),
    ],
    columns=["indicator", "country", "series", "source", "year", "value"],
)


def test_fingerprints_hash_both_sources_sorted_by_source_then_year() -> None:
    keys = pd.DataFrame([("1.1.1", "KAZ", "")], columns=["indicator", "country", "series"])
    assert fingerprints(FRAME, keys) == {
        ("1.1.1", "KAZ", ""): _sha1("i2000=2.5;n1990=1.0;n2000=3.0"),
    }


def test_fingerprints_only_for_the_given_keys() -> None:
    keys = pd.DataFrame(
        [("1.1.1", "KAZ", "sex=F"), ("1.1.1", "ARM", "")],
        columns=["indicator", "country", "series"],
    )
    assert fingerprints(FRAME, keys) == {
        ("1.1.1", "KAZ", "sex=F"): _sha1("n2000=4.0"),
        ("1.1.1", "ARM", ""): _sha1("n2000=9.0"),
    }


def test_fingerprints_change_when_a_compared_value_changes() -> None:
    keys = pd.DataFrame([("1.1.1", "ARM", "")], columns=["indicator", "country", "series"])
    changed = FRAME.assign(value=FRAME["value"].where(FRAME["country"] != "ARM", 9.5))
    assert fingerprints(changed, keys) == {("1.1.1", "ARM", ""): _sha1("n2000=9.5")}
    assert fingerprints(changed, keys) != fingerprints(FRAME, keys)


def test_fingerprints_of_no_keys_are_empty() -> None:
    keys = pd.DataFrame(columns=["indicator", "country", "series"])
    assert fingerprints(FRAME, keys) == {}
