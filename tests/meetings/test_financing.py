"""Fund-raising consultations: members read (pages and API), only the secretariat records,
bad input refused whole naming the field, amounts never summed across currencies, shown in
the biennium report's funding section for members only, in English and Spanish."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from meetings.financing import selectors
from meetings.models import Biennium, Consultation
from meetings.models.programme import Activity
from portal.models import AuditEvent
from tests.meetings.roles import ROLES, assert_members_page, login, recording_status


@pytest.fixture
def consultation(db):
    return Consultation.objects.create(
        date=dt.date(2012, 3, 1),
        donor_name="Regional development bank",
        project="Second regional workshop",
        amount_sought=Decimal("25000"),
        currency="USD",
        status=Consultation.Status.HELD,
        outcome="Asked for a concept note",
    )


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_pages_and_api_for_members(client, cast, consultation, role):
    login(client, cast, role)
    pages = [
        reverse("meetings:consultations"),
        reverse("meetings:consultation", args=[consultation.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert_members_page(response, role)
        if role != "anonymous":
            assert "Regional development bank" in response.content.decode()
    api = client.get(reverse("api_v1:consultation_list"))
    if role == "anonymous":
        assert api.status_code in (401, 403)
    else:
        assert api.status_code == 200
        row = api.json()["results"][0]
        assert row["donor"] == "Regional development bank"
        assert row["amount_sought"] == "25000.00" and row["currency"] == "USD"


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_only_the_secretariat_records(client, cast, consultation, role):
    login(client, cast, role)
    expected = recording_status(role)
    assert client.get(reverse("meetings:consultation_new")).status_code == expected
    edit = reverse("meetings:consultation_edit", args=[consultation.pk])
    response = client.post(edit, {"date": "2012-03-01", "donor_name": "Changed"})
    if role == "coordinator":
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == expected
        consultation.refresh_from_db()
        assert consultation.donor_name == "Regional development bank"


def test_coordinator_records_and_edits(client, cast):
    client.force_login(cast.users["coordinator"])
    data = {
        "date": "2012-05-10",
        "donor_name": "A foundation",
        "project": "Online forum",
        "amount_sought": "1000.50",
        "currency": "eur",
        "status": "planned",
    }
    response = client.post(reverse("meetings:consultation_new"), data)
    saved = Consultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:consultation", args=[saved.pk])
    assert saved.currency == "EUR" and saved.amount_sought == Decimal("1000.50")
    assert AuditEvent.objects.filter(action="consultation.create").exists()
    data |= {"status": "declined", "outcome": "No funds this year"}
    client.post(reverse("meetings:consultation_edit", args=[saved.pk]), data)
    saved.refresh_from_db()
    assert saved.status == "declined" and saved.outcome == "No funds this year"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("currency", "US$", "three-letter ISO 4217"),
        ("amount_sought", "-5", "greater than or equal to 0"),
        ("amount_sought", "1e400", "no more than 14 digits"),
        ("amount_sought", "10.005", "no more than 2 decimal places"),
        ("amount_sought", "1234567890123", "no more than 12 digits before the decimal point"),
        ("amount_sought", "ten thousand", "Enter a number"),
        ("amount_sought", "NaN", "Enter a number"),
        ("amount_sought", "Infinity", "Enter a number"),
        ("donor_name", "", "Name the donor or organisation"),
        ("date", "2012-13-45", "Enter a valid date"),
        ("date", "", "This field is required"),
        ("status", "won", "Select a valid choice"),
    ],
)
def test_bad_consultation_is_refused_whole(client, cast, field, value, message):
    client.force_login(cast.users["coordinator"])
    data = {
        "date": "2012-05-10",
        "donor_name": "A foundation",
        "amount_sought": "10",
        "currency": "USD",
        "status": "planned",
        field: value,
    }
    response = client.post(reverse("meetings:consultation_new"), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text and "Nothing was saved" in text
    assert not Consultation.objects.exists()


def test_unknown_consultation_is_404(client, cast):
    client.force_login(cast.users["coordinator"])
    assert client.get(reverse("meetings:consultation", args=[999999])).status_code == 404
    assert client.get(reverse("meetings:consultation_edit", args=[999999])).status_code == 404


def test_amounts_sought_by_currency_never_summed(db):
    rows = [
        Consultation(date=dt.date(2012, 1, 1), donor_name="A", amount_sought=Decimal("10")),
        Consultation(date=dt.date(2012, 1, 1), donor_name="B", amount_sought=Decimal("5.5")),
        Consultation(
            date=dt.date(2012, 1, 1), donor_name="C", amount_sought=Decimal("7"), currency="EUR"
        ),
        Consultation(date=dt.date(2012, 1, 1), donor_name="D", amount_sought=None),
    ]
    totals, unstated = selectors.sought_by_currency(rows)
    assert totals == {"EUR": Decimal("7"), "USD": Decimal("15.5")}
    assert unstated == 1


def test_biennium_report_lists_consultations_for_members_only(client, cast):
    biennium = Biennium.objects.create(title="B", start_year=2012, end_year=2013)
    activity = Activity.objects.create(biennium=biennium, code="6(a)", title="Fund-raising")
    Consultation.objects.create(
        date=dt.date(2011, 7, 14), donor_name="Linked by activity", activity=activity
    )
    Consultation.objects.create(date=dt.date(2013, 2, 1), donor_name="Held in the biennium")
    Consultation.objects.create(date=dt.date(2015, 2, 1), donor_name="Another biennium")
    url = reverse("meetings:biennium_report", args=[biennium.pk])
    assert "Linked by activity" not in client.get(url).content.decode()
    client.force_login(cast.users["observer"])
    text = client.get(url).content.decode()
    assert "Linked by activity" in text and "Held in the biennium" in text
    assert "Another biennium" not in text
    assert "Fund-raising consultations" in text


def test_spanish_consultation_pages(client, cast, consultation):
    consultation.amount_sought = Decimal("1234567.5")
    consultation.save()
    member = cast.users["member"]
    member.language = "es"
    member.save(update_fields=["language"])
    client.force_login(member)
    text = client.get(reverse("meetings:consultations")).content.decode()
    assert "Consultas para recaudar fondos" in text and "Monto solicitado" in text
    assert "1\xa0234\xa0567,50" in text
    detail = client.get(reverse("meetings:consultation", args=[consultation.pk])).content.decode()
    assert "celebrada, en espera de respuesta" in detail


def test_demo_consultations_from_the_report(db):
    from django.core.management import call_command

    from meetings.demo import demo_load
    from portal.demo import demo_load as portal_demo

    call_command("load_reference", verbosity=0)
    portal_demo()
    demo_load()
    demo_load()  # idempotent
    rows = {c.donor_name: c for c in Consultation.objects.select_related("activity")}
    assert len(rows) == 4
    idb = rows["Inter-American Development Bank (IDB)"]
    assert idb.status == "successful" and idb.amount_sought is None
    assert rows["United Nations Development Account"].activity.code == "2(c)"
    planned = [c for c in rows.values() if c.status == "planned"]
    assert sorted(c.activity.code for c in planned) == ["6(a)", "6(b)"]


@pytest.mark.parametrize("amount", ["10.005", "-5", "1234567890123", "ten thousand", "NaN"])
def test_the_api_records_nothing(client, cast, amount):
    # The consultations API is read-only: the secretariat records through the form.
    client.force_login(cast.users["coordinator"])
    data = {"date": "2012-05-10", "donor_name": "A foundation", "amount_sought": amount}
    response = client.post(reverse("api_v1:consultation_list"), data, format="json")
    assert response.status_code == 405
    assert not Consultation.objects.exists()


def test_biennium_workbook_lists_consultations_for_members_only(client, cast):
    import io

    from openpyxl import load_workbook

    biennium = Biennium.objects.create(title="B", start_year=2012, end_year=2013)
    activity = Activity.objects.create(biennium=biennium, code="6(a)", title="Fund-raising")
    Consultation.objects.create(
        date=dt.date(2012, 7, 14),
        donor_name='=HYPERLINK("http://x.example")',
        activity=activity,
        amount_sought=Decimal("1000.50"),
        currency="EUR",
        status=Consultation.Status.HELD,
    )
    Consultation.objects.create(
        date=dt.date(2013, 2, 1), donor_name="Bank", amount_sought=Decimal("200"), currency="EUR"
    )
    Consultation.objects.create(
        date=dt.date(2013, 3, 1), donor_name="Fund", amount_sought=Decimal("5"), currency="USD"
    )
    Consultation.objects.create(date=dt.date(2013, 4, 1), donor_name="No amount")
    Consultation.objects.create(date=dt.date(2015, 2, 1), donor_name="Another biennium")
    url = reverse("meetings:biennium_xlsx", args=[biennium.pk])

    anonymous = load_workbook(io.BytesIO(client.get(url).content))
    assert len(anonymous.sheetnames) == 1

    client.force_login(cast.users["observer"])
    workbook = load_workbook(io.BytesIO(client.get(url).content))
    assert workbook.sheetnames[1] == "fund-raising consultations"
    rows = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert rows[0][:2] == ("date", "donor or organisation consulted")
    by_donor = {row[1]: row for row in rows[1:6]}
    assert "Another biennium" not in by_donor
    linked = next(row for row in rows[1:5] if str(row[1]).endswith('HYPERLINK("http://x.example")'))
    assert not str(linked[1]).startswith("=")  # neutralised, not a formula
    assert linked[2] == "6(a) Fund-raising"
    assert linked[4] == 1000.5 and linked[5] == "EUR" and linked[6] == "held, awaiting an answer"
    assert by_donor["No amount"][4] == "not named"
    # The amounts sought per currency, never added across currencies: 1000.50 + 200 EUR; 5 USD.
    totals = {row[5]: row[4] for row in rows if row[0] in ("", None) and row[5]}
    assert totals == {"EUR": 1200.5, "USD": 5}
