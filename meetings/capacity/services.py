"""Writes for capacity building and financing. Each write is one transaction and lands in the
audit trail like the rest of the meetings app."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meetings import permissions
from meetings.models import (
    ExpertProfile,
    Grant,
    Mission,
    TraineeCount,
    Trainer,
    Training,
    TrainingEvaluation,
)
from portal.models import Country, User
from portal.services import audit_record


def _require_manager(user: User) -> None:
    if not permissions.can_manage_capacity(user):
        raise PermissionDenied(_("Only the secretariat may record training, missions and grants."))


@transaction.atomic
def record_save(*, user: User, record: Training | Mission | ExpertProfile | Grant) -> None:
    """Create or update one training, mission, expert profile or grant from a valid form."""
    _require_manager(user)
    created = record.pk is None
    record.full_clean()
    record.save()
    audit_record(
        actor=user,
        action=f"{type(record)._meta.model_name}.{'create' if created else 'update'}",
        obj=record,
        summary=str(record),
    )


@transaction.atomic
def training_save(
    *,
    user: User,
    training: Training,
    trainers: list[str],
    evaluation: tuple[int, Decimal, str] | None,
) -> None:
    """Save a training with its trainers (the list as edited on the form, shown in full there
    before saving) and its evaluation (kept unless both figures are given anew)."""
    record_save(user=user, record=training)
    current = [t.name for t in training.trainers.order_by("pk")]
    if current != trainers:
        training.trainers.all().delete()
        Trainer.objects.bulk_create(Trainer(training=training, name=name) for name in trainers)
    if evaluation is not None:
        responses, score, summary = evaluation
        TrainingEvaluation.objects.update_or_create(
            training=training,
            defaults={"responses": responses, "average_score": score, "summary": summary},
        )


@dataclass(frozen=True)
class TraineeChange:
    previous: TraineeCount | None
    saved: TraineeCount


@transaction.atomic
def trainees_set(
    *, user: User, training: Training, country: Country, women: int, men: int, replace: bool
) -> TraineeChange:
    """Record how many women and men of a country took part.

    Figures already recorded for the country are replaced only when ``replace`` is given: the
    form shows them and asks first, so nothing is overwritten unseen.
    """
    _require_manager(user)
    previous = TraineeCount.objects.filter(training=training, country=country).first()
    if previous is not None and (previous.women, previous.men) != (women, men) and not replace:
        raise ValidationError(
            _(
                "%(country)s already has %(women)s women and %(men)s men recorded for this "
                "training. Tick “Replace the recorded figures” to overwrite them."
            )
            % {"country": country.name, "women": previous.women, "men": previous.men},
            code="replace",
        )
    snapshot = (
        TraineeCount(
            pk=previous.pk,
            training=training,
            country=country,
            women=previous.women,
            men=previous.men,
        )
        if previous is not None
        else None
    )
    saved = previous or TraineeCount(training=training, country=country)
    saved.women, saved.men = women, men
    saved.full_clean()
    saved.save()
    audit_record(
        actor=user,
        action="training.trainees",
        obj=training,
        summary=f"{training} · {country.iso3}: {women} + {men}",
        details={
            "country": country.iso3,
            "women": women,
            "men": men,
            "previous": None if snapshot is None else [snapshot.women, snapshot.men],
        },
    )
    return TraineeChange(previous=snapshot, saved=saved)
