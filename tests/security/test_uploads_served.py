"""Uploaded HTML, SVG and disguised files: refused at upload, or served only as downloads."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.security.conftest import PDF, make_topic

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
HOSTILE = [
    ("page.html", HTML, "text/html"),
    ("page.htm", HTML, "text/html"),
    ("image.svg", SVG, "image/svg+xml"),
    ("report.pdf", HTML, "application/pdf"),  # HTML content, PDF name
    ("image.png", SVG, "image/png"),  # SVG content, PNG name
    ("table.csv", HTML, "text/csv"),  # HTML content, CSV name
    ("notes.txt", HTML, "text/plain"),
    ("data.xml", b'<?xml version="1.0"?><x/>', "text/xml"),
]
# A PDF with HTML after its header: accepted as a PDF, but must be served as a download.
POLYGLOT = PDF + HTML


def _upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type)


def _assert_download(response, name_hint: str) -> None:
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment"), disposition
    assert name_hint in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    content_type = response.headers["Content-Type"].lower()
    assert "html" not in content_type and "svg" not in content_type and "xml" not in content_type
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(("name", "content", "content_type"), HOSTILE)
def test_forum_refuses_hostile_attachments(world, name, content, content_type):
    from forum.models import Attachment

    before = Attachment.objects.count()
    with pytest.raises(ValidationError):
        make_topic(
            world.cast.users["focal_point"],
            world.board.open,
            title="With a file",
            files=[_upload(name, content, content_type)],
        )
    assert Attachment.objects.count() == before


@pytest.mark.parametrize(("name", "content", "content_type"), HOSTILE)
def test_meetings_refuse_hostile_documents(world, name, content, content_type):
    from meetings import services
    from meetings.models import DocumentVersion

    before = DocumentVersion.objects.count()
    with pytest.raises(ValidationError):
        services.document_upload(
            meeting=world.meeting_b,
            by=world.cast.users["coordinator"],
            upload=_upload(name, content, content_type),
            title="Hostile",
            kind="report",
            language="en",
            visibility="members",
        )
    assert DocumentVersion.objects.count() == before


@pytest.mark.parametrize(("name", "content", "content_type"), HOSTILE)
def test_sheet_upload_rejects_hostile_files(world, name, content, content_type):
    """A data-sheet upload only ever parses (CSV, Excel, SDMX): hostile files are problems,
    nothing is imported, and no URL ever serves the staged file."""
    from indicators import services

    fp_b, sheet = world.cast.users["focal_point_b"], world.sheet_b
    count = sheet.observations.count()
    token = services.upload_stage(sheet=sheet, user=fp_b, files=[(name, content)])
    try:
        preview = services.datasheet_import_preview(sheet=sheet, user=fp_b, token=token)
    except ValidationError:
        pass
    else:
        assert not preview.ok and preview.problems
    assert sheet.observations.count() == count


def test_forum_attachment_is_served_as_download(world):
    topic = make_topic(
        world.cast.users["focal_point"],
        world.board.open,
        title="A polyglot",
        files=[_upload("report.pdf", POLYGLOT, "text/html")],
    )
    attachment = topic.posts.get().attachments.get()
    client = Client()
    client.force_login(world.cast.users["member"])
    response = client.get(f"/forum/a/{attachment.pk}/{attachment.name}")
    _assert_download(response, "report.pdf")
    assert response.headers["Content-Type"] == "application/pdf"


def test_meeting_document_is_served_as_download(world):
    from meetings import services

    version = services.document_upload(
        meeting=world.meeting_b,
        by=world.cast.users["coordinator"],
        upload=_upload("minutes.pdf", POLYGLOT, "text/html"),
        title="Minutes",
        kind="report",
        language="en",
        visibility="restricted",
    )
    client = Client()
    client.force_login(world.cast.users["focal_point_b"])
    response = client.get(f"/meetings/documents/{version.pk}/download/")
    _assert_download(response, "minutes.pdf")
    assert response.headers["Content-Type"] == "application/pdf"


def test_media_files_are_not_served_directly(world):
    """Files are only reachable through the permission-checked download views."""
    client = Client()
    client.force_login(world.cast.users["coordinator"])
    for path in (world.attachment_b.file.name, world.document_version_b.file.name):
        assert client.get(f"/media/{path}").status_code == 404, path


def test_hostile_file_name_is_neutralised(world):
    """A payload in the file name never reaches a header or page as markup."""
    topic = make_topic(
        world.cast.users["focal_point"],
        world.board.open,
        title="Named",
        files=[_upload('"><img src=x onerror=alert(1)>.pdf', PDF, "application/pdf")],
    )
    attachment = topic.posts.get().attachments.get()
    assert "<" not in attachment.name and '"' not in attachment.name
    client = Client()
    client.force_login(world.cast.users["member"])
    response = client.get(f"/forum/a/{attachment.pk}/{attachment.name}")
    assert response.status_code == 200
    assert "<" not in response.headers["Content-Disposition"]
