"""Factories of the meetings app."""

import datetime as dt

import factory

from meetings.models import (
    ActionItem,
    Activity,
    Biennium,
    Meeting,
    MeetingPartner,
    Objective,
    Participant,
)
from tests.factories import OrganisationFactory, UserFactory


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"Meeting {n}")
    kind = Meeting.Kind.WORKSHOP
    city = "Almaty"
    start_date = dt.date(2013, 10, 31)
    end_date = dt.date(2013, 11, 1)
    time_zone = "Asia/Almaty"
    status = Meeting.Status.HELD
    visibility = "public"


class PartnerFactory(factory.django.DjangoModelFactory[MeetingPartner]):
    class Meta:
        model = MeetingPartner

    meeting = factory.SubFactory(MeetingFactory)
    role = MeetingPartner.Role.ORGANISER


class ParticipantFactory(factory.django.DjangoModelFactory[Participant]):
    class Meta:
        model = Participant

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    full_name = factory.LazyAttribute(lambda o: o.user.full_name if o.user else "Someone")
    organisation = factory.LazyAttribute(lambda o: o.user.organisation if o.user else None)
    country = factory.LazyAttribute(lambda o: o.organisation.country if o.organisation else None)
    sex = Participant.Sex.FEMALE
    attendance = Participant.Attendance.ATTENDED


class ActionFactory(factory.django.DjangoModelFactory[ActionItem]):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    owner = factory.SubFactory(OrganisationFactory)
    description = factory.Sequence(lambda n: f"Action {n}")


class BienniumFactory(factory.django.DjangoModelFactory[Biennium]):
    class Meta:
        model = Biennium

    title = "Programme"
    start_year = 2012
    end_year = 2013


class ObjectiveFactory(factory.django.DjangoModelFactory[Objective]):
    class Meta:
        model = Objective

    biennium = factory.SubFactory(BienniumFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Objective {n}")


class ActivityFactory(factory.django.DjangoModelFactory[Activity]):
    class Meta:
        model = Activity

    biennium = factory.SubFactory(BienniumFactory)
    objective = factory.SubFactory(ObjectiveFactory, biennium=factory.SelfAttribute("..biennium"))
    code = factory.Sequence(lambda n: f"{n}(a)")
    title = factory.Sequence(lambda n: f"Activity {n}")
    start_date = dt.date(2012, 1, 1)
    end_date = dt.date(2013, 12, 31)
