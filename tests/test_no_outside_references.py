"""The repository is self-contained: nothing in it cites or reads files outside it.

The engine's contract is docs/engine.md; code, tests, docs and exported workbooks cite that,
never the background documents of the people who wrote the project (their engine spec, their
numbered source notes, their shared folder next to the checkout).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".git", ".venv", "var", "__pycache__", ".mypy_cache", ".ruff_cache", ".hypothesis"}

# Written in pieces so that this file does not match itself.
OUTSIDE = re.compile(
    "|".join(
        [
            re.escape("ENGINE" + ".md"),
            re.escape("seeds" + "/"),
            re.escape(".." + "/shared"),
            re.escape("/work" + "/shared"),
        ]
    )
)
# A test building a path to a sibling "shared" folder: Path(...) / "shared", or ".." then "shared".
READS_SHARED = re.compile(r"""/\s*["']shared["']|["']\.\.["']\s*,\s*["']shared["']""")


def _files() -> list[Path]:
    """Tracked and new (not ignored) files; a plain walk when this is not a git checkout."""
    try:
        listed = subprocess.run(  # nosec B603 B607: fixed command, no user input
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=REPO_ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        return [REPO_ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        return [
            path
            for path in REPO_ROOT.rglob("*")
            if path.is_file()
            and not SKIPPED_DIRS.intersection(path.relative_to(REPO_ROOT).parts)
            and not any(part.endswith(".egg-info") for part in path.parts)
        ]


def _text(path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError:  # listed but deleted in the working tree
        return None
    if b"\0" in raw[:8192]:
        return None  # binary
    return raw.decode("utf-8", errors="replace")


def test_the_scan_sees_the_repository() -> None:
    names = {path.relative_to(REPO_ROOT).as_posix() for path in _files()}
    assert {"docs/engine.md", "indicators/engine/assess.py", "README.md"} <= names


def test_no_file_cites_or_reads_anything_outside_the_repository() -> None:
    found = []
    for path in _files():
        text = _text(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()[:120]}")
    assert found == []


def test_no_test_reads_a_shared_folder_outside_the_repository() -> None:
    found = []
    for path in _files():
        relative = path.relative_to(REPO_ROOT)
        if relative.parts[0] != "tests" or path.suffix != ".py" or path == Path(__file__).resolve():
            continue  # this file holds the patterns' own examples
        text = _text(path) or ""
        for number, line in enumerate(text.splitlines(), start=1):
            if READS_SHARED.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize(
    "line",
    [
        'spec = Path(__file__).parents[2] / "shared" / "spec.txt"',
        "open('../' + 'shared/x')".replace("' + '", ""),
        'os.path.join(ROOT, "..", "shared", "data")',
        "the contract is in " + "ENGINE" + ".md",
        "the technical note (" + "seeds" + "/003.txt)",
    ],
)
def test_the_patterns_catch_a_read_of_the_shared_folder(line: str) -> None:
    assert OUTSIDE.search(line) or READS_SHARED.search(line)
