"""factory_boy factories shared by every app's tests.

Each is generic in its model, so `CountryFactory.create(...)` is a `Country` to mypy; calling the
factory class itself (`CountryFactory(...)`, the same object at run time) is typed as the
factory by factory_boy's untyped metaclass, so typed code calls `.create()`.
"""

import factory

from portal.models import Agency, Country, Organisation, User


class CountryFactory(factory.django.DjangoModelFactory[Country]):
    class Meta:
        model = Country
        django_get_or_create = ("iso3",)

    iso3 = factory.Sequence(lambda n: f"Q{n // 26 % 26 + 65:c}{n % 26 + 65:c}")
    iso2 = factory.Sequence(lambda n: f"{n // 26 % 26 + 65:c}{n % 26 + 65:c}")
    m49 = factory.Sequence(lambda n: f"{100 + n % 900:03d}")
    name_en = factory.LazyAttribute(lambda o: f"Country {o.iso3}")
    name_es = factory.LazyAttribute(lambda o: f"País {o.iso3}")
    is_member = True


class AgencyFactory(factory.django.DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AG{n}")
    acronym_en = factory.LazyAttribute(lambda o: o.code)
    acronym_es = factory.LazyAttribute(lambda o: o.code)
    name_en = factory.LazyAttribute(lambda o: f"Agency {o.code}")
    name_es = factory.LazyAttribute(lambda o: f"Organismo {o.code}")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.NSO
    country = factory.SubFactory(CountryFactory)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"User Number{n}")
    role = User.Role.COUNTRY_FOCAL_POINT
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def persist(self, create, extracted, **kwargs):
        if create:
            self.save()


TEST_PASSWORD = "correct horse battery"
