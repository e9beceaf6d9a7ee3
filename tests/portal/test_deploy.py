"""Production settings pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(tmp_path, **overrides: str) -> subprocess.CompletedProcess[str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "CACHE_URL": "redis://127.0.0.1:6379/2",
        "STATIC_ROOT": str(tmp_path / "static"),
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_on_production_settings(tmp_path):
    result = _check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_workers_with_a_per_process_cache_are_refused(tmp_path):
    # Upload previews made by a worker and the login throttle's counts live in the cache.
    broker = {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/15"}
    result = _check(tmp_path, CACHE_URL="locmemcache://deploy", **broker)
    assert result.returncode != 0 and "portal.E001" in result.stderr + result.stdout
    assert "shares (Redis)" in result.stderr + result.stdout
    assert _check(tmp_path, **broker).returncode == 0
    no_broker = {k: v for k, v in os.environ.items() if k.startswith("CELERY_")}
    clean = _check(tmp_path, CACHE_URL="locmemcache://deploy", **dict.fromkeys(no_broker, ""))
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "portal.settings.production", "ALLOWED_HOSTS": "x.example.org"}
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
