import pytest

from tests.indicators.conftest import indicators, round_2026, sheet_world  # noqa: F401


@pytest.fixture(autouse=True)
def _no_task_patched_on_its_instance():
    """The outages here patch `Task.apply_async` on the class. A task object that carries its
    own `apply_async` (left by an earlier test's undone instance patch) would silently
    publish anyway: name the culprit instead of failing obscurely."""
    from celery import current_app

    shadowed = sorted(
        name
        for name, task in current_app.tasks.items()
        if {"apply_async", "delay"} & set(vars(task))
    )
    assert not shadowed, f"an earlier test patched these Celery task objects: {shadowed}"
    yield
