"""The audit trail: sheet decisions and access changes recorded with who, when, what, where."""

import csv
import io

from indicators import services
from portal.models import AuditEvent
from tests.indicators.conftest import PORTAL_CSV


def test_sheet_lifecycle_is_audited_and_exportable(client, sheet_world, round_2026):
    fp, coord = sheet_world.users["focal_point"], sheet_world.users["coordinator"]
    sheet = services.datasheet_create(
        country=sheet_world.country_a, round=round_2026, user=fp, address="10.0.0.7"
    )
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    services.datasheet_submit(sheet=sheet, user=fp, address="10.0.0.7")
    services.datasheet_accept(sheet=sheet, user=coord, address="10.0.0.9")
    actions = list(
        AuditEvent.objects.order_by("pk").values_list("action", "actor__email", "address")
    )
    assert actions == [
        ("datasheet.submitted", fp.email, "10.0.0.7"),
        ("datasheet.accepted", coord.email, "10.0.0.9"),
    ]
    client.force_login(coord)
    page = client.get("/audit/")
    assert page.status_code == 200 and "datasheet.accepted" in page.content.decode()
    rows = list(csv.DictReader(io.StringIO(client.get("/audit/?format=csv").content.decode())))
    assert [r["action"] for r in rows] == ["datasheet.accepted", "datasheet.submitted"]


def test_role_change_in_admin_is_audited(client, sheet_world):
    coord = sheet_world.users["coordinator"]
    coord.is_staff = coord.is_superuser = True
    coord.save()
    client.force_login(coord)
    member = sheet_world.users["member"]
    response = client.post(
        f"/admin/portal/user/{member.pk}/change/",
        {
            "email": member.email,
            "full_name": member.full_name,
            "organisation": member.organisation_id,
            "role": "country_focal_point",
            "language": "en",
            "email_notifications": "immediate",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.get(action="user.access_changed")
    assert (
        event.actor == coord
        and "role" in event.summary
        and event.details["role"] == "country_focal_point"
    )


def test_only_the_coordinator_reads_the_audit_trail(client, sheet_world):
    for role in ("focal_point", "member", "observer", "agency_focal_point"):
        client.force_login(sheet_world.users[role])
        assert client.get("/audit/").status_code == 403
