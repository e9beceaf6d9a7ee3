"""Writes of the meetings app. Each service validates first and runs in one transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal.models import Organisation, User
from portal.uploads import check_document as check_upload
from portal.uploads import storage_name

from . import permissions
from .models import (
    ActionItem,
    AgendaItem,
    Conclusion,
    Document,
    DocumentVersion,
    Meeting,
    MeetingPartner,
    Participant,
    Session,
)


def _check_counts(total: int | None, female: int | None) -> None:
    if total is not None and female is not None and female > total:
        raise ValidationError(
            {
                "reported_female": _(
                    "Female participants: %(female)s is more than the total of %(total)s."
                )
                % {"female": female, "total": total}
            }
        )


def meeting_save(
    *,
    meeting: Meeting,
    by: User,
    organisers: list[dict[str, Any]] | None = None,
    allowed_organisations: list[Organisation] | None = None,
    activities: list[Any] | None = None,
) -> Meeting:
    """Create or update a meeting with its organisers, co-organisers and funders.

    `organisers` is a list of {"role", "country"|"agency"|"organisation"|"name"}; when given
    it replaces the meeting's partners. Raises PermissionDenied or ValidationError.
    """
    if not permissions.can_manage_meetings(by):
        raise PermissionDenied(_("Only the secretariat manages meetings."))
    meeting.full_clean()
    with transaction.atomic():
        if meeting.pk is None:
            meeting.created_by = by
        meeting.save()
        if organisers is not None:
            meeting.partners.all().delete()
            for partner in organisers:
                MeetingPartner.objects.create(meeting=meeting, **partner)
        if allowed_organisations is not None:
            meeting.allowed_organisations.set(allowed_organisations)
        if activities is not None:
            meeting.activities.set(activities)
    return meeting


def session_add(*, meeting: Meeting, by: User, session: Session) -> Session:
    """Add a session to the agenda. Raises PermissionDenied or ValidationError."""
    if not permissions.can_edit_meeting(by, meeting):
        raise PermissionDenied(_("Only the secretariat edits the agenda."))
    if not meeting.start_date <= session.date <= meeting.end_date:
        raise ValidationError(
            {"date": _("Date: the session must fall within the meeting's dates.")}
        )
    if session.start_time and session.end_time and session.end_time < session.start_time:
        raise ValidationError({"end_time": _("End time: the session cannot end before it starts.")})
    session.meeting = meeting
    with transaction.atomic():
        session.save()
    return session


def agenda_item_add(*, session: Session, by: User, item: AgendaItem) -> AgendaItem:
    """Add an item to a session. Raises PermissionDenied or ValidationError."""
    if not permissions.can_edit_meeting(by, session.meeting):
        raise PermissionDenied(_("Only the secretariat edits the agenda."))
    if item.start_time and item.end_time and item.end_time < item.start_time:
        raise ValidationError({"end_time": _("End time: the item cannot end before it starts.")})
    item.session = session
    with transaction.atomic():
        item.save()
    return item


def _duplicate_registration() -> ValidationError:
    return ValidationError(
        {"user": _("Participant: this person is already registered for this meeting.")}
    )


def participant_register(*, meeting: Meeting, user: User, sex: str, consent: bool) -> Participant:
    """A member registers themselves. Raises PermissionDenied or ValidationError."""
    if not permissions.can_register(user, meeting):
        raise PermissionDenied(_("You cannot register for this meeting."))
    if sex not in Participant.Sex.values:
        raise ValidationError({"sex": _("Sex: choose one of the options.")})
    if meeting.participants.filter(user=user).exists():
        raise _duplicate_registration()
    org = user.organisation
    participant = Participant(
        meeting=meeting,
        user=user,
        full_name=user.full_name or user.email,
        organisation=org,
        country=org.country if org else None,
        sex=sex,
        consent_to_publish=consent,
    )
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError as exc:  # a second request raced the check above
        raise _duplicate_registration() from exc
    return participant


def participant_unregister(*, meeting: Meeting, user: User) -> None:
    """Withdraw one's own registration for an upcoming meeting."""
    if not meeting.is_upcoming:
        raise ValidationError(_("This meeting is no longer open for changes."))
    with transaction.atomic():
        meeting.participants.filter(
            user=user, attendance=Participant.Attendance.REGISTERED
        ).delete()


def participant_add(*, meeting: Meeting, by: User, participant: Participant) -> Participant:
    """The organiser adds someone to the list. Raises PermissionDenied or ValidationError."""
    if not permissions.can_manage_participants(by, meeting):
        raise PermissionDenied(_("Only the meeting's organisers keep its list of participants."))
    if participant.user_id and meeting.participants.filter(user_id=participant.user_id).exists():
        raise _duplicate_registration()
    if participant.user_id and not participant.full_name:
        participant.full_name = participant.user.full_name  # type: ignore[union-attr]
    if participant.organisation_id and not participant.country_id:
        participant.country_id = participant.organisation.country_id  # type: ignore[union-attr]
    participant.meeting = meeting
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError as exc:
        raise _duplicate_registration() from exc
    return participant


def attendance_mark(*, meeting: Meeting, by: User, marks: dict[int, str]) -> int:
    """Set attendance for several participants at once; returns how many changed."""
    if not permissions.can_manage_participants(by, meeting):
        raise PermissionDenied(_("Only the meeting's organisers mark attendance."))
    bad = [value for value in marks.values() if value not in Participant.Attendance.values]
    if bad:
        raise ValidationError(
            {"attendance": _("Attendance: “%(value)s” is not a valid choice.") % {"value": bad[0]}}
        )
    changed = 0
    with transaction.atomic():
        participants = meeting.participants.select_for_update().filter(pk__in=list(marks))
        for participant in participants:
            if participant.attendance != marks[participant.pk]:
                participant.attendance = marks[participant.pk]
                participant.save(update_fields=["attendance", "updated_at"])
                changed += 1
    return changed


def meeting_counts_set(
    *, meeting: Meeting, by: User, total: int | None, female: int | None
) -> Meeting:
    """Store the reported totals ("47/21") of a meeting that has only counts."""
    if not permissions.can_manage_participants(by, meeting):
        raise PermissionDenied(_("Only the meeting's organisers record participation."))
    _check_counts(total, female)
    if female is not None and total is None:
        raise ValidationError(
            {"reported_total": _("Total participants: give the total with the female count.")}
        )
    meeting.reported_total, meeting.reported_female = total, female
    with transaction.atomic():
        meeting.save(update_fields=["reported_total", "reported_female", "updated_at"])
    return meeting


def document_upload(
    *,
    meeting: Meeting,
    by: User,
    upload: UploadedFile,
    title: str,
    kind: str,
    language: str,
    visibility: str,
    agenda_item: AgendaItem | None = None,
) -> DocumentVersion:
    """Store a document, or a new version of the document with the same title and language.

    The file is checked by size and content before anything is stored. Raises
    PermissionDenied or ValidationError (field `file`, `title` or `agenda_item`).
    """
    if not permissions.can_manage_participants(by, meeting):
        raise PermissionDenied(_("Only the meeting's organisers upload its documents."))
    if not title.strip():
        raise ValidationError({"title": _("Title: give the document a title.")})
    if agenda_item is not None and agenda_item.session.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("Agenda item: it belongs to another meeting.")})
    checked = check_upload(upload, max_bytes=settings.PORTAL_MAX_UPLOAD_BYTES)
    with transaction.atomic():
        document, created = Document.objects.select_for_update().get_or_create(
            meeting=meeting,
            title=title.strip(),
            language=language,
            defaults={"kind": kind, "visibility": visibility, "agenda_item": agenda_item},
        )
        if not created:
            document.kind, document.visibility = kind, visibility
            document.agenda_item = agenda_item or document.agenda_item
            document.save(update_fields=["kind", "visibility", "agenda_item", "updated_at"])
        number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = DocumentVersion(
            document=document,
            number=number,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=by,
        )
        upload.seek(0)
        version.file.save(storage_name(checked.name), upload, save=False)
        try:
            version.save()
        except Exception:
            version.file.delete(save=False)
            raise
    return version


def conclusion_add(*, meeting: Meeting, by: User, text: str) -> Conclusion:
    """Record one conclusion of the meeting."""
    if not permissions.can_manage_participants(by, meeting):
        raise PermissionDenied(_("Only the meeting's organisers record its outcomes."))
    if not text.strip():
        raise ValidationError({"text": _("Conclusion: it cannot be empty.")})
    with transaction.atomic():
        order = (meeting.conclusions.aggregate(n=Max("order"))["n"] or 0) + 1
        return Conclusion.objects.create(meeting=meeting, text=text.strip(), order=order)


def action_add(*, meeting: Meeting, by: User, action: ActionItem) -> ActionItem:
    """Record a follow-up action with its owner and due date."""
    if not permissions.can_manage_participants(by, meeting):
        raise PermissionDenied(_("Only the meeting's organisers record its outcomes."))
    if action.due_date and action.due_date < meeting.start_date:
        raise ValidationError({"due_date": _("Due date: it cannot be before the meeting.")})
    action.meeting = meeting
    with transaction.atomic():
        action.save()
    return action


def action_update(*, action: ActionItem, by: User, status: str, notes: str) -> ActionItem:
    """Change a follow-up action's status: the organisers, or the owner organisation's users."""
    owner_user = by.is_authenticated and by.organisation_id == action.owner_id
    if not (permissions.can_manage_participants(by, action.meeting) or owner_user):
        raise PermissionDenied(_("Only the organisers or the action's owner update it."))
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Status: choose one of the options.")})
    action.status, action.notes = status, notes
    with transaction.atomic():
        action.save(update_fields=["status", "notes", "updated_at"])
    return action
