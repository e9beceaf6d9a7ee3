"""Staged result rows written by ``store.stage`` (COPY on PostgreSQL) are the rows
``bulk_create`` writes, field by field, floats exactly; a bad row stores nothing."""

from __future__ import annotations

import math

import pytest
from django.db import IntegrityError, transaction

from indicators.models import AggregateResult, DiscrepancyResult, EngineRun, SeriesResult
from indicators.reports import services, store

pytestmark = pytest.mark.django_db(transaction=False)

MODELS = (SeriesResult, DiscrepancyResult, AggregateResult)


def _fields(model):
    return [f.attname for f in model._meta.concrete_fields if f.attname not in ("id", "run_id")]


def _copies(model, rows, run):
    """The rows as ``store.stage`` takes them: dicts by attribute name, for ``run``."""
    return [
        {"run_id": run.pk, **{name: getattr(row, name) for name in _fields(model)}} for row in rows
    ]


def _stored(model, run):
    return sorted(model.objects.filter(run=run).values_list(*_fields(model)), key=repr)


def test_stage_stores_what_bulk_create_stores(computed):
    source = computed.run
    by_orm = services.engine_run_create(trigger="command")
    by_stage = services.engine_run_create(trigger="command")
    for model in MODELS:
        rows = list(model.objects.filter(run=source))
        assert rows, model.__name__
        model.objects.bulk_create([model(**row) for row in _copies(model, rows, by_orm)])
        assert store.stage(model, _copies(model, rows, by_stage)) == len(rows)
        assert _stored(model, by_stage) == _stored(model, by_orm)
        assert _stored(model, by_stage) == _stored(model, source)


def test_stage_keeps_blanks_infinities_json_and_exact_floats(computed):
    run = services.engine_run_create(trigger="command")
    template = AggregateResult.objects.filter(run=computed.run).first()
    values = {name: getattr(template, name) for name in _fields(AggregateResult)}
    odd = [
        {
            **values,
            "run_id": run.pk,
            "value0": 0.1 + 0.2,
            "value1": None,
            "coverage": 1e-300,
            "t_star": None,
            "t_star_never": True,
            "without_population": ["KAZ", "KGZ"],
        },
        {
            **values,
            "run_id": run.pk,
            "value0": -math.inf,
            "value1": 2.5e15,
            "without_population": [],
        },
    ]
    store.stage(AggregateResult, odd)
    stored = list(AggregateResult.objects.filter(run=run).order_by("pk"))
    assert stored[0].value0 == 0.1 + 0.2 and stored[0].value1 is None
    assert stored[0].coverage == 1e-300 and stored[0].t_star is None and stored[0].t_star_never
    assert stored[0].without_population == ["KAZ", "KGZ"]
    assert stored[1].value0 == -math.inf and stored[1].value1 == 2.5e15
    assert stored[1].without_population == []


def test_a_bad_row_stores_nothing(computed):
    run = services.engine_run_create(trigger="command")
    rows = _copies(SeriesResult, SeriesResult.objects.filter(run=computed.run), run)
    rows[-1]["category"] = None  # NOT NULL
    with pytest.raises(IntegrityError), transaction.atomic():
        store.stage(SeriesResult, rows)
    assert not SeriesResult.objects.filter(run=run).exists()


def test_stage_of_nothing_writes_nothing(computed):
    assert store.stage(SeriesResult, []) == 0
    assert EngineRun.objects.count() == 1


def test_a_missing_field_gets_its_default(computed):
    run = services.engine_run_create(trigger="command")
    row = _copies(SeriesResult, SeriesResult.objects.filter(run=computed.run)[:1], run)[0]
    del row["is_current"], row["t_star_never"]
    store.stage(SeriesResult, [row])
    stored = SeriesResult.objects.get(run=run)
    assert stored.is_current is False and stored.t_star_never is False
