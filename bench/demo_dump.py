"""Dump the demo database as `make run` loads it, to compare the records before and after a
change of the demo loaders or their data files.

    .venv/bin/python bench/demo_dump.py var/demo-before.json     # on the old commit
    .venv/bin/python bench/demo_dump.py var/demo-after.json      # on the new one
    diff var/demo-before.json var/demo-after.json                 # nothing: identical records

It builds a fresh SQLite database in a temporary folder with the manage.py commands of the
Makefile's `setup` target (migrate, load_reference, load_indicators, load_demo), then writes every model's records with
natural keys, sorted, without what differs from one load to the next by design: timestamps,
password hashes, sessions, the files' random names and hashed tokens.
"""

from __future__ import annotations

import json
import os
import re
import subprocess  # nosec B404 - runs this project's own manage.py
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Fields whose values change with every load (clock, random salts, random file names).
VOLATILE = {
    "created_at",
    "updated_at",
    "date_joined",
    "last_login",
    "password",
    "submitted_at",
    "reviewed_at",
    "accepted_at",
    "started_at",
    "finished_at",
    "uploaded_at",
    "deleted_at",
    "edited_at",
    "last_post_at",
    "read_at",
    "sent_at",
    "at",
    "timestamp",
    "queued_at",
    "delivered_at",
    "key",
    "token_hash",
    "file",
    "stored_name",
    "sha256",
    "search_vector",
    "inputs_fingerprint",
    "duration_ms",
    "session_key",
    "session_data",
    "expire_date",
    "task_id",
}
SKIP_MODELS = {"sessions.session", "contenttypes.contenttype", "auth.permission", "admin.logentry"}


# Any date and time is the clock's (dates alone, such as a due date a month ahead, stay).
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def _volatile(key: str, value: object) -> bool:
    return key in VOLATILE or (isinstance(value, str) and TIMESTAMP.match(value) is not None)


def _clean(value: object) -> object:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if not _volatile(k, v)}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def setup_commands() -> list[list[str]]:
    """The manage.py commands of the Makefile's `setup` target, in order."""
    commands, in_setup = [], False
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if not line.startswith("\t"):
            in_setup = line.startswith("setup:")
            continue
        words = line.strip().lstrip("@").split()
        if in_setup and words[:1] == ["$(MANAGE)"]:
            args = words[1 : words.index(">")] if ">" in words else words[1:]
            commands.append(args)
    return commands


def main(out: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
            env.pop(name, None)
        env["DATABASE_URL"] = f"sqlite:///{tmp}/demo.sqlite3"
        env["MEDIA_ROOT"] = f"{tmp}/media"
        manage = [sys.executable, str(ROOT / "manage.py")]
        for command in setup_commands():
            subprocess.run(  # nosec B603 - fixed arguments
                manage + command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
            )
        dumped = subprocess.run(  # nosec B603 - fixed arguments
            [*manage, "dumpdata", "--natural-foreign", "--natural-primary", "--indent", "0"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    records = [
        _clean(record) for record in json.loads(dumped) if record["model"] not in SKIP_MODELS
    ]
    records.sort(key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
    lines = [json.dumps(r, sort_keys=True, ensure_ascii=False) for r in records]
    Path(out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(records)} records written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "demo-dump.json")
