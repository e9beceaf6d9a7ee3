"""Fuzz the import service with 1,000 malformed files across CSV, Excel, Open SDG and SDMX.

Each case mutates a real file (the portal CSV, the Kazakh Open SDG files, the Kyrgyz SDMX
messages, the portal Excel template) and goes through ``upload_stage`` ->
``datasheet_import_preview`` -> (no problems) ``datasheet_import_apply``. Every case either
imports exactly what the preview promised, or is refused with reasons naming the file (and
row/column where there is one); nothing raises, and a refusal changes no row count.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Callable, Sized
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from indicators import services
from indicators.imports import write_template
from indicators.models import DataSheet, Observation, SheetEvent, UploadedFile
from portal.models import AuditEvent, PendingTask, User
from portal.services import reference_data_load
from tests.indicators.conftest import PORTAL_CSV

ROOT = Path(__file__).resolve().parents[2]
KAZ = ROOT / "data" / "kazakhstan-open-sdg" / "data"
KGZ = ROOT / "data" / "kyrgyzstan-sdmx" / "data"
PER_FORMAT = 250  # x 4 formats = 1,000 generated files

FUZZ = settings(
    max_examples=PER_FORMAT,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # a failure is reported as found, unshrunk
    suppress_health_check=list(HealthCheck),
)


def _head(path: Path, lines: int) -> bytes:
    return b"".join(path.read_bytes().splitlines(keepends=True)[:lines])


def _template() -> bytes:
    import csv

    buffer = io.BytesIO()
    write_template(
        buffer,
        list(csv.DictReader(io.StringIO(PORTAL_CSV))),
        country_name="Kazakhstan",
        round_name="2026 round",
        indicators=[("3.2.1", "Neonatal mortality rate", "PER_1000_LIVE_BIRTHS")],
    )
    return buffer.getvalue()


def _seeds() -> dict[str, list[tuple[str, bytes]]]:
    return {
        "csv": [("kaz.csv", PORTAL_CSV.encode())],
        "opensdg": [
            ("indicator_3-7-1.csv", (KAZ / "indicator_3-7-1.csv").read_bytes()),
            ("indicator_4-1-1.csv", (KAZ / "indicator_4-1-1.csv").read_bytes()),
            ("indicator_3-2-1.csv", _head(KAZ / "indicator_3-2-1.csv", 40)),
        ],
        "sdmx": [
            ("17.6.1.a.xml", (KGZ / "17.6.1.a.xml").read_bytes()),
            ("17.13.1.a.xml", (KGZ / "17.13.1.a.xml").read_bytes()),
            ("6.1.1.xml", (KGZ / "6.1.1.xml").read_bytes()),
        ],
        "xlsx": [
            ("kaz.xlsx", _template()),
            ("indicator_3-1-1.xlsx", (KAZ / "indicator_3-1-1.xlsx").read_bytes()),
        ],
    }


SEEDS = _seeds()

# --- mutations: each takes the bytes and a draw of parameters -------------------------------

HUGE = [b"1e309", b"-1e400", b"9" * 400, b"NaN", b"inf", b"-0", b"1,5", b"0x10", b"\xd9\xa3"]
ENCODINGS = ["utf-16", "cp1251", "latin-1", "utf-8-sig", "utf-32", "koi8-r"]


def _at(data: Sized, where: float) -> int:
    return min(len(data), max(0, int(len(data) * where)))


def truncate(data: bytes, p: dict) -> bytes:
    return data[: _at(data, p["where"])]


def flip(data: bytes, p: dict) -> bytes:
    if not data:
        return data
    i = min(len(data) - 1, _at(data, p["where"]))
    return data[:i] + bytes([data[i] ^ p["byte"]]) + data[i + 1 :]


def nul(data: bytes, p: dict) -> bytes:
    i = _at(data, p["where"])
    return data[:i] + b"\x00" * p["count"] + data[i:]


def encode(data: bytes, p: dict) -> bytes:
    return data.decode("utf-8", "replace").encode(p["encoding"], "replace")


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def swap_columns(data: bytes, p: dict) -> bytes:
    out = []
    for line in _lines(data):
        cells = line.split(b",")
        i, j = p["i"] % max(len(cells), 1), p["j"] % max(len(cells), 1)
        cells[i], cells[j] = cells[j], cells[i]
        out.append(b",".join(cells))
    return b"\n".join(out)


def swap_header(data: bytes, p: dict) -> bytes:
    lines = _lines(data)
    cells = lines[0].split(b",")
    i, j = p["i"] % len(cells), p["j"] % len(cells)
    cells[i], cells[j] = cells[j], cells[i]
    return b"\n".join([b",".join(cells), *lines[1:]])


def duplicate_header(data: bytes, p: dict) -> bytes:
    lines = _lines(data)
    cells = lines[0].split(b",")
    cells.insert(p["j"] % (len(cells) + 1), cells[p["i"] % len(cells)])
    return b"\n".join([b",".join(cells), *lines[1:]])


def _numbers(data: bytes) -> list[re.Match[bytes]]:
    return list(re.finditer(rb"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", data))


def huge_number(data: bytes, p: dict) -> bytes:
    found = _numbers(data)
    if not found:
        return data + HUGE[p["i"] % len(HUGE)]
    m = found[_at(found, p["where"]) % len(found)]
    return data[: m.start()] + HUGE[p["i"] % len(HUGE)] + data[m.end() :]


def empty_cell(data: bytes, p: dict) -> bytes:
    lines = _lines(data)
    row = 1 + p["i"] % max(len(lines) - 1, 1) if len(lines) > 1 else 0
    cells = lines[row].split(b",")
    cells[p["j"] % len(cells)] = b""
    lines[row] = b",".join(cells)
    return b"\n".join(lines)


def duplicate_row(data: bytes, p: dict) -> bytes:
    lines = _lines(data)
    row = p["i"] % len(lines)
    return b"\n".join([*lines[: row + 1], lines[row], *lines[row + 1 :]])


def drop_row(data: bytes, p: dict) -> bytes:
    lines = _lines(data)
    del lines[p["i"] % len(lines)]
    return b"\n".join(lines)


def break_xml(data: bytes, p: dict) -> bytes:
    tags = list(re.finditer(rb"</?[\w:]+|/>|\"", data))
    if not tags:
        return data + b"<"
    m = tags[p["i"] % len(tags)]
    junk = [b"", b"<", b"&", b"<!ENTITY x 'y'>", b"\xff", b"]]>"][p["j"] % 6]
    return data[: m.start()] + junk + data[m.end() :]


Mutation = Callable[[bytes, dict], bytes]


def xml_attribute(data: bytes, p: dict) -> bytes:
    """Replace one attribute value: a wrong code, a blank, a huge number."""
    attrs = list(re.finditer(rb'="([^"]*)"', data))
    if not attrs:
        return data
    m = attrs[p["i"] % len(attrs)]
    value = [b"", b"XX", b"1e309", b"-5", b"9" * 40, b"KAZ", b"&amp;", b"\xc3"][p["j"] % 8]
    return data[: m.start(1)] + value + data[m.end(1) :]


TEXT_MUTATIONS: dict[str, Mutation] = {
    "truncate": truncate,
    "flip": flip,
    "nul": nul,
    "encode": encode,
    "swap_columns": swap_columns,
    "swap_header": swap_header,
    "duplicate_header": duplicate_header,
    "huge_number": huge_number,
    "empty_cell": empty_cell,
    "duplicate_row": duplicate_row,
    "drop_row": drop_row,
}
XML_MUTATIONS: dict[str, Mutation] = {
    "truncate": truncate,
    "flip": flip,
    "nul": nul,
    "encode": encode,
    "huge_number": huge_number,
    "break_xml": break_xml,
    "xml_attribute": xml_attribute,
    "duplicate_row": duplicate_row,
    "drop_row": drop_row,
}


def _xlsx_member(data: bytes, p: dict, inner) -> bytes:
    """Apply an XML mutation to one member of the workbook and zip it again."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        names = [n for n in source.namelist() if n.endswith(".xml")]
        target = sorted(names, key=lambda n: ("worksheets" not in n and "shared" not in n, n))[
            p["k"] % len(names)
        ]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
            for name in source.namelist():
                body = source.read(name)
                zipped.writestr(name, inner(body, p) if name == target else body)
    except Exception:  # noqa: BLE001 - an earlier raw mutation broke the zip: mutate the bytes
        return inner(data, p)
    return out.getvalue()


def _member(data: bytes, p: dict, *, inner) -> bytes:
    return _xlsx_member(data, p, inner)


XLSX_MUTATIONS: dict[str, Mutation] = {
    "raw_truncate": truncate,
    "raw_flip": flip,
    "raw_nul": nul,
    **{
        f"member_{name}": functools.partial(_member, inner=fn)
        for name, fn in {**XML_MUTATIONS, "empty_value": xml_attribute}.items()
    },
}
MUTATIONS: dict[str, dict[str, Mutation]] = {
    "csv": TEXT_MUTATIONS,
    "opensdg": TEXT_MUTATIONS,
    "sdmx": XML_MUTATIONS,
}
MUTATIONS["xlsx"] = XLSX_MUTATIONS

PARAMS = st.fixed_dictionaries(
    {
        "where": st.floats(0, 1),
        "byte": st.integers(1, 255),
        "count": st.integers(1, 5),
        "encoding": st.sampled_from(ENCODINGS),
        "i": st.integers(0, 200),
        "j": st.integers(0, 200),
        "k": st.integers(0, 20),
    }
)


def cases(kind: str):
    return st.tuples(
        st.sampled_from(SEEDS[kind]),
        st.lists(
            st.tuples(st.sampled_from(sorted(MUTATIONS[kind])), PARAMS), min_size=1, max_size=3
        ),
        st.sampled_from([None, None, None, kind]),
    )


# --- the world and the invariant -------------------------------------------------------------


@dataclass
class World:
    sheets: dict[str, DataSheet]
    users: dict[str, User]


@pytest.fixture
def world(sheet_world, round_2026):
    reference_data_load()
    users = {"KAZ": sheet_world.users["focal_point"], "KGZ": sheet_world.users["focal_point_b"]}
    sheets = {
        iso3: services.datasheet_create(
            country=(sheet_world.country_a if iso3 == "KAZ" else sheet_world.country_b),
            round=round_2026,
            user=user,
        )
        for iso3, user in users.items()
    }
    return World(sheets, users)


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Observation, UploadedFile, SheetEvent, AuditEvent, PendingTask)
    )


def _mutate(kind: str, data: bytes, steps) -> bytes:
    for name, params in steps:
        data = MUTATIONS[kind][name](data, params)
    return data


def check_one(world: World, kind: str, case) -> str:
    (name, seed), steps, fmt = case
    data = _mutate(kind, seed, steps)
    iso3 = "KGZ" if kind == "sdmx" else "KAZ"
    sheet, user = world.sheets[iso3], world.users[iso3]
    sheet.refresh_from_db()
    before = _counts()
    token = services.upload_stage(sheet=sheet, user=user, files=[(name, data)])
    # replace mode: what is stored of the file's indicators must then be exactly the file
    preview = services.datasheet_import_preview(
        sheet=sheet, user=user, token=token, fmt=fmt, mode="replace"
    )
    if preview.problems:
        for problem in preview.problems:
            assert problem.file == name, problem
            assert str(problem.reason).strip(), problem
        with pytest.raises(ValidationError):
            services.datasheet_import_apply(
                sheet=sheet,
                user=user,
                token=token,
                expected_lock_version=sheet.lock_version,
                confirm_outliers=True,
                fmt=fmt,
            )
        assert _counts() == before, (name, steps)
        return "refused"
    services.datasheet_import_apply(
        sheet=sheet,
        user=user,
        token=token,
        expected_lock_version=sheet.lock_version,
        confirm_outliers=True,
        fmt=fmt,
        mode="replace",
        confirm_removals=True,
    )
    covered = {c.indicator_id for c in preview.candidates}
    stored = set(
        Observation.objects.filter(sheet=sheet, indicator_id__in=covered).values_list(
            "indicator_id", "area_id", "disaggregation", "year", "value"
        )
    )
    assert stored == {(*c.key, c.value) for c in preview.candidates}, (name, steps)
    return "imported"


def _run(kind: str, world: World) -> None:
    outcomes: dict[str, int] = {}

    @FUZZ
    @given(case=cases(kind))
    def one(case) -> None:
        outcome = check_one(world, kind, case)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    one()
    assert sum(outcomes.values()) >= PER_FORMAT * 0.9, outcomes
    assert outcomes.get("refused", 0) > 0, outcomes


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "opensdg", "sdmx", "xlsx"])
def test_malformed_uploads_import_or_are_refused_with_reasons(world, kind):
    _run(kind, world)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "opensdg", "sdmx", "xlsx"])
def test_unmutated_seeds_import(world, kind):
    for case in SEEDS[kind]:
        assert check_one(world, kind, (case, [], None)) in ("imported", "refused")
