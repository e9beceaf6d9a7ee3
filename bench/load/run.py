"""Load test of the production configuration on loopback: set up, load, report, tear down.

    .venv/bin/python bench/load/run.py                 # full scenario: 50 users, 180 s
    .venv/bin/python bench/load/run.py --quick         # 10 users, 30 s
    .venv/bin/python bench/load/run.py --users 20 --duration 60s --out /tmp/load

Needs PostgreSQL (postgres://postgres@127.0.0.1:5432) and Redis (127.0.0.1:6379). It creates
its own database (dropped and re-created, dropped again at the end), migrates, loads the
reference, indicator and demo data, collects static files into a temporary STATIC_ROOT, then
starts gunicorn (`gunicorn.conf.py`: 2 × cores + 1 sync workers, `bench.load.settings_load` = production with non-Secure cookies
for plain http) on a free port of 127.0.0.1 and two Celery workers (broker Redis db 7, cache
Redis db 8), runs locust headless (`bench/load/locustfile.py`), prints p50/p95/p99 and
throughput per page, the error rate, the same for `/healthz` and each page's p95 ratio to it,
and stops everything. Exit code 1 if any request failed; no timing assertion.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
# LOAD_REDIS_PORT, LOAD_BROKER_DB, LOAD_CACHE_DB: another Redis instance or databases, for
# a machine where 6379's databases 7 and 8 belong to someone else.
REDIS_HOST, REDIS_PORT = "127.0.0.1", int(os.environ.get("LOAD_REDIS_PORT", "6379"))
BROKER_DB = int(os.environ.get("LOAD_BROKER_DB", "7"))
CACHE_DB = int(os.environ.get("LOAD_CACHE_DB", "8"))
TRIVIAL = "healthz (trivial)"
LOCK_FILE = Path(tempfile.gettempdir()) / "wgportal-load.lock"


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def redis_flush(*dbs: int) -> None:
    import redis

    for db in dbs:
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_timeout=5).flushdb()


def server_env(db_name: str, static_root: Path, media_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "bench.load.settings_load",
            "SECRET_KEY": "load-test-" + os.urandom(24).hex(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"{PG_SERVER}/{db_name}",
            "CELERY_BROKER_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{BROKER_DB}",
            "CELERY_RESULT_BACKEND": f"redis://{REDIS_HOST}:{REDIS_PORT}/{BROKER_DB}",
            "CACHE_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{CACHE_DB}",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "SECURE_HSTS_PRELOAD": "false",
            "STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(media_root),
            # No SMTP server on the test machine: notification mail is built and dropped.
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "WARNING",
            # 50 simulated users from one address and few accounts: the API's per-user
            # throttle (5,000/hour in production) must not turn the load into 429s.
            "API_THROTTLE_USER_RATE": os.environ.get("API_THROTTLE_USER_RATE", "100000/hour"),
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    started = time.monotonic()
    subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    log(f"manage.py {' '.join(args)} ({time.monotonic() - started:.0f} s)")


def start(cmd: list[str], env: dict[str, str], logfile: Path) -> subprocess.Popen[bytes]:
    handle = open(logfile, "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(proc: subprocess.Popen[bytes], name: str, grace: float = 15) -> None:
    """SIGTERM the process group we started, then SIGKILL it after `grace` seconds."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        log(f"{name} did not stop in {grace:.0f} s: killing it")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def wait_healthy(port: int, procs: dict[str, subprocess.Popen[bytes]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        for name, proc in procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with code {proc.returncode} while starting")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn never answered /healthz: {last}")


def wait_workers(env: dict[str, str], names: list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = subprocess.run(
            [str(BIN / "celery"), "-A", "portal", "inspect", "ping", "--timeout", "2", "--json"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        ).stdout  # fmt: skip
        with contextlib.suppress(json.JSONDecodeError):
            answered = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
            if all(any(key.startswith(f"{n}@") for key in answered) for n in names):
                return
        time.sleep(1)
    raise RuntimeError(f"Celery workers {names} did not answer a ping in {timeout:.0f} s")


def read_stats(prefix: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as handle:
        stats = list(csv.DictReader(handle))
    failures_path = Path(f"{prefix}_failures.csv")
    failures = []
    if failures_path.exists():
        with open(failures_path, encoding="utf-8", newline="") as handle:
            failures = list(csv.DictReader(handle))
    return stats, failures


def _ms(value: str) -> float:
    """A locust percentile: a number, or N/A when the page had no request (0 then)."""
    try:
        return float(value)
    except ValueError:
        return 0.0


def report(stats: list[dict[str, str]], failures: list[dict[str, str]]) -> tuple[str, int]:
    """A Markdown table of every page; returns it and the number of failed requests.

    Pages without a request in the measured window (possible with ``--reset-stats``) are left out.
    """
    rows = [r for r in stats if r["Name"] != "Aggregated" and int(r["Request Count"] or 0)]
    total = next((r for r in stats if r["Name"] == "Aggregated"), None)
    trivial = next((r for r in rows if r["Name"] == TRIVIAL), None)
    trivial_p95 = _ms(trivial["95%"]) if trivial else 0.0
    lines = [
        "| page | requests | failed | p50 ms | p95 ms | p99 ms | req/s | p95 / healthz p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sorted(rows, key=lambda r: (r["Name"] != TRIVIAL, -_ms(r["95%"]))):
        p95 = _ms(row["95%"])
        ratio = f"{p95 / trivial_p95:.1f}x" if trivial_p95 else "-"
        lines.append(
            f"| {row['Name']} ({row['Type']}) | {row['Request Count']} | {row['Failure Count']} "
            f"| {row['50%']} | {row['95%']} | {row['99%']} "
            f"| {float(row['Requests/s']):.2f} | {ratio} |"
        )
    failed = int(total["Failure Count"]) if total else 0
    count = int(total["Request Count"]) if total else 0
    if total:
        lines.append(
            f"| **all** | {count} | {failed} | {total['50%']} | {total['95%']} | {total['99%']} "
            f"| {float(total['Requests/s']):.2f} | |"
        )
    rate = 100 * failed / count if count else 0.0
    lines.append("")
    lines.append(f"Error rate: {failed} of {count} requests ({rate:.2f} %).")
    slow = [r["Name"] for r in rows if trivial_p95 and _ms(r["95%"]) > 5 * trivial_p95]
    lines.append(
        "Pages whose p95 exceeds 5x the trivial view's: " + (", ".join(slow) if slow else "none")
    )
    for failure in failures:
        lines.append(
            f"FAILED {failure['Occurrences']}x {failure['Method']} {failure['Name']}: "
            f"{failure['Error']}"
        )
    return "\n".join(lines), failed


def worker_errors(logs: list[Path]) -> list[str]:
    found = []
    for path in logs:
        if path.exists():
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [line for line in text.splitlines() if "ERROR" in line or "Traceback" in line]
    return found


def prepare(env: dict[str, str], out: Path, procs: dict[str, subprocess.Popen[bytes]]) -> None:
    """Migrate and load the data into the fresh database; the workers boot meanwhile."""
    # The workers touch the database only for tasks: they boot while the data loads.
    for worker in ("w1", "w2"):
        procs[f"celery {worker}"] = start(
            [str(BIN / "celery"), "-A", "portal", "worker", "-c", "1", "-n", f"{worker}@%h",
             "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
            env, out / f"celery-{worker}.log",
        )  # fmt: skip
    # collectstatic needs no database: it runs while the data loads.
    collect = subprocess.Popen(
        [str(BIN / "python"), "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    manage(env, "migrate", "--noinput")
    manage(env, "load_reference")
    manage(env, "load_indicators")
    manage(env, "load_demo")
    if collect.wait() != 0:
        raise RuntimeError("manage.py collectstatic --noinput failed")


def serve(env: dict[str, str], out: Path, procs: dict[str, subprocess.Popen[bytes]]) -> str:
    """Start gunicorn on a free loopback port; returns its URL once it and the workers answer."""
    port = free_port()
    procs["gunicorn"] = start(
        [str(BIN / "gunicorn"), "portal.wsgi", "--config", str(ROOT / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}"],
        env, out / "gunicorn.log",
    )  # fmt: skip
    wait_healthy(port, procs, timeout=60)
    wait_workers(env, ["w1", "w2"], timeout=60)
    host = f"http://127.0.0.1:{port}"
    log(f"gunicorn (gunicorn.conf.py: 2 x cores + 1 workers) on {host}, Celery w1 and w2 ready")
    return host


def cpu_model() -> str:
    lines = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
    return next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("Model name")), "?")


def load(args: argparse.Namespace, host: str, out: Path) -> int:
    """Run locust, print the figures; returns the number of failed requests."""
    log(f"locust: {args.users} users, spawn rate {args.spawn_rate}/s, {args.duration}")
    prefix = out / "load"
    locust_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"),
         "--headless", "-u", str(args.users), "-r", str(args.spawn_rate),
         "-t", args.duration, "--host", host, "--csv", str(prefix), "--only-summary",
         "--stop-timeout", "30", "--loglevel", "WARNING",
         *(["--reset-stats"] if args.reset_stats else [])],
        cwd=ROOT, env=locust_env, check=False,
    )  # fmt: skip
    table, failed = report(*read_stats(prefix))
    print()
    print(
        f"## {args.users} users, {args.duration}"
        f"{' (stats reset after the ramp-up)' if args.reset_stats else ''}, {os.cpu_count()} CPUs ({cpu_model()}), "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    print(table)
    errors = worker_errors([out / "celery-w1.log", out / "celery-w2.log", out / "gunicorn.log"])
    if errors:
        print(f"\nServer logs: {len(errors)} ERROR/Traceback lines, e.g.:")
        print("\n".join(errors[:10]))
    print(f"\nCSV stats and server logs in {out}")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5.0)
    parser.add_argument("--duration", default="180s")
    parser.add_argument("--quick", action="store_true", help="10 users for 30 s")
    parser.add_argument("--db-name", default="wgportal_load")
    parser.add_argument("--out", type=Path, help="where the CSV stats and logs go (kept)")
    parser.add_argument(
        "--reset-stats",
        action="store_true",
        help="steady state: locust resets the statistics once every user is spawned "
        "(the logins of the ramp-up are then not counted)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.duration = 10, "30s"
    if not args.db_name.replace("_", "").isalnum():
        parser.error("--db-name: letters, digits and _ only")
    for name, port in (("PostgreSQL", 5432), ("Redis", REDIS_PORT)):
        if not port_open(port):
            log(f"{name} is not reachable on 127.0.0.1:{port}")
            return 2

    out = args.out or Path(tempfile.mkdtemp(prefix="wgportal-load-"))
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="wgportal-load-work-"))
    env = server_env(args.db_name, work / "static", work / "media")
    procs: dict[str, subprocess.Popen[bytes]] = {}
    lock = open(LOCK_FILE, "w")  # noqa: SIM115 - held for the whole run
    log(f"waiting for any other load run on this machine ({LOCK_FILE})")
    fcntl.flock(lock, fcntl.LOCK_EX)
    db_created = False
    try:
        log(f"database {args.db_name}: drop and create")
        pg_admin(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
        pg_admin(f'CREATE DATABASE "{args.db_name}"')
        db_created = True
        redis_flush(BROKER_DB, CACHE_DB)
        prepare(env, out, procs)
        host = serve(env, out, procs)
        failed = load(args, host, out)
        for name, proc in procs.items():
            if proc.poll() is not None:
                log(f"WARNING: {name} exited during the run (code {proc.returncode})")
        return 1 if failed else 0
    finally:
        for name, proc in reversed(list(procs.items())):
            stop(proc, name)
        if db_created:
            with contextlib.suppress(Exception):
                pg_admin(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
        with contextlib.suppress(Exception):
            redis_flush(BROKER_DB, CACHE_DB)
        shutil.rmtree(work, ignore_errors=True)
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
        log("stopped gunicorn and the workers, dropped the database")


if __name__ == "__main__":
    sys.exit(main())
