"""Security fixtures: the shared cast, plus KGZ's (the other country's) unpublished objects.

Every protected object carries a distinctive string (`SECRETS`) that must never reach a
response sent to a user who is not allowed to read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.forum.conftest import board, make_topic  # noqa: F401 - re-exported fixture
from tests.indicators.conftest import indicators, round_2026, sheet_world  # noqa: F401

PASSWORD = "correct horse battery staple 42"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

SECRET_FOOTNOTE = "KGZSECRETFOOTNOTE7731"
SECRET_VALUE = "773.31"
SECRET_MEETING = "KGZSECRETMEETING4410"
SECRET_TOPIC = "KGZSECRETTOPIC5521"
SECRET_FOCAL_TOPIC = "FOCALONLYTOPIC6632"
SECRET_DOCUMENT = "KGZSECRETDOCUMENT8843"
SECRET_ATTACHMENT = "KGZSECRETATTACH9954"
SECRETS = (
    SECRET_FOOTNOTE,
    SECRET_VALUE,
    SECRET_MEETING,
    SECRET_TOPIC,
    SECRET_DOCUMENT,
    SECRET_ATTACHMENT,
)

KGZ_CSV = (
    "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
    f"3.2.1,,,2019,{SECRET_VALUE},PER_1000_LIVE_BIRTHS,C,,{SECRET_FOOTNOTE}\n"
    "3.2.1,,,2020,11.2,PER_1000_LIVE_BIRTHS,C,,\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@dataclass
class World:
    cast: object
    board: object
    sheet_b: object  # KGZ draft
    observation_b: object
    meeting_b: object  # restricted to KGZ's office
    session_b: object
    document_version_b: object
    topic_b: object  # in the LAC category (KGZ's region)
    post_b: object
    topic_focal: object  # focal points only
    attachment_b: object
    notification_b: object
    report_b: object
    token_b: object
    case_b: object
    action_b: object
    biennium: object
    run: object
    handle_b: str
    area_code_b: object  # "7" in KGZ's files
    consultation: object = None  # a fund-raising consultation (the group's, no country)
    upload_job_b: object = None  # a large upload read in the background, into sheet_b


def _set_passwords(users) -> None:
    for user in users.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


@pytest.fixture
def world(sheet_world, round_2026, board) -> World:  # noqa: F811
    from forum import services as forum_services
    from forum.models import Notification, Report
    from indicators import services
    from indicators.models import DiscrepancyCase, EngineRun, Indicator, UploadJob
    from meetings import services as meeting_services
    from meetings.models import MeetingPartner
    from portal import services as portal_services
    from tests.meetings.factories import (
        ActionFactory,
        BienniumFactory,
        MeetingFactory,
        PartnerFactory,
    )

    cast = sheet_world
    users = cast.users
    _set_passwords(users)
    fp_b, coord = users["focal_point_b"], users["coordinator"]

    sheet_b = services.datasheet_create(country=cast.country_b, round=round_2026, user=fp_b)
    token = services.upload_stage(sheet=sheet_b, user=fp_b, files=[("kgz.csv", KGZ_CSV.encode())])
    preview = services.datasheet_import_preview(sheet=sheet_b, user=fp_b, token=token)
    assert preview.ok, preview.problems
    services.datasheet_import_apply(
        sheet=sheet_b, user=fp_b, token=token, expected_lock_version=sheet_b.lock_version
    )
    sheet_b.refresh_from_db()
    observation_b = sheet_b.observations.get(year=2019)
    upload_job_b = UploadJob.objects.create(
        sheet=sheet_b, owner=fp_b, token="kgz", files=["kgz.csv"], lock_version=0
    )

    start = timezone.localdate() + dt.timedelta(days=30)
    meeting_b = MeetingFactory.create(
        title=SECRET_MEETING,
        objectives=SECRET_MEETING,
        start_date=start,
        end_date=start + dt.timedelta(days=1),
        status="planned",
        visibility="restricted",
    )
    PartnerFactory(meeting=meeting_b, role=MeetingPartner.Role.ORGANISER, country=cast.country_b)
    meeting_b.allowed_organisations.add(fp_b.organisation)
    from meetings.models import Session

    session_b = Session.objects.create(meeting=meeting_b, title=SECRET_MEETING, date=start)
    document_version_b = meeting_services.document_upload(
        meeting=meeting_b,
        by=coord,
        upload=SimpleUploadedFile(f"{SECRET_DOCUMENT}.pdf", PDF, "application/pdf"),
        title=SECRET_DOCUMENT,
        kind="report",
        language="en",
        visibility="restricted",
    )
    action_b = ActionFactory(meeting=meeting_b, owner=fp_b.organisation, description=SECRET_MEETING)
    biennium = BienniumFactory()

    topic_b = make_topic(
        fp_b,
        board.other_region,
        title=SECRET_TOPIC,
        source=f"{SECRET_TOPIC} body",
        files=[SimpleUploadedFile(f"{SECRET_ATTACHMENT}.pdf", PDF, "application/pdf")],
    )
    post_b = topic_b.posts.get()
    attachment_b = post_b.attachments.get()
    topic_focal = make_topic(
        fp_b, board.focal, title=SECRET_FOCAL_TOPIC, source=f"{SECRET_FOCAL_TOPIC} body"
    )
    notification_b = Notification.objects.create(
        user=fp_b, kind=Notification.Kind.REPLY, actor=fp_b, topic=topic_b, post=post_b
    )
    report_b = Report.objects.create(post=post_b, reporter=fp_b, reason="spam")
    token_b, _key = portal_services.token_create(user=fp_b, name="KGZ script")
    handle_b = forum_services.forum_profile_get_or_create(user=fp_b).handle

    indicator = Indicator.objects.get(code="3.2.1")
    case_b = DiscrepancyCase.objects.create(
        country=cast.country_b, indicator=indicator, kind="discrepant", fingerprint="f" * 40
    )
    run = EngineRun.objects.create(trigger=EngineRun.Trigger.MANUAL, started_by=coord)
    from indicators.models import AreaCodeMapping

    area_code_b = AreaCodeMapping.objects.create(country=cast.country_b, code="7")
    return World(
        cast=cast,
        board=board,
        sheet_b=sheet_b,
        upload_job_b=upload_job_b,
        observation_b=observation_b,
        meeting_b=meeting_b,
        session_b=session_b,
        document_version_b=document_version_b,
        topic_b=topic_b,
        post_b=post_b,
        topic_focal=topic_focal,
        attachment_b=attachment_b,
        notification_b=notification_b,
        report_b=report_b,
        token_b=token_b,
        case_b=case_b,
        action_b=action_b,
        biennium=biennium,
        run=run,
        handle_b=handle_b,
        area_code_b=area_code_b,
        consultation=_consultation(),
    )


def _consultation():
    from meetings.models import Consultation

    return Consultation.objects.create(
        date=dt.date(2026, 5, 1), donor_name="Matrix donor", amount_sought=1000, currency="EUR"
    )
