"""Factories for test data, one per model, shared by all test modules."""

import factory

from gosportal.accounts.models import User

DEFAULT_PASSWORD = "Correct-Horse-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+7916{n:07d}")
    email = factory.Sequence(lambda n: f"user{n}@example.ru")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# --- catalog: agencies and their officers (OFF-1, REG-5) ---------------------------------


def _valid_inn10(n: int) -> str:
    from gosportal.core.validators import inn_check_digits

    body = f"71{n:07d}"
    return body + inn_check_digits(body)


def _valid_ogrn(n: int) -> str:
    from gosportal.core.validators import ogrn_check_digit

    body = f"1027100{n:05d}"
    return body + ogrn_check_digit(body)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Agency"

    full_name = factory.Sequence(lambda n: f"Министерство тестовых дел № {n}")
    short_name = factory.Sequence(lambda n: f"Минтест {n}")
    inn = factory.Sequence(_valid_inn10)
    ogrn = factory.Sequence(_valid_ogrn)
    region_code = "71"
    slug = factory.Sequence(lambda n: f"agency-{n}")


class OfficerFactory(factory.django.DjangoModelFactory):
    """A member of an agency; the account has the factory password and no second factor."""

    class Meta:
        model = "catalog.Officer"

    user = factory.SubFactory(UserFactory, kind="civil_servant", level="confirmed")
    agency = factory.SubFactory(AgencyFactory)
    role = "officer"
    service_id = factory.Sequence(lambda n: f"ТУЛ-9{n:05d}")
    staff_number = factory.Sequence(lambda n: f"9{n:05d}")  # never a test's hand-typed one
    position = "Главный специалист"


def give_signing_certificate(agency):
    """The agency's own signing certificate from the sandbox centre (OFF-3: approving
    signs the result with it); issued once per agency and test, then reused."""
    from gosportal.signatures.agencies import ensure_agency_certificate

    return ensure_agency_certificate(agency)


# --- organizations: entrepreneurs and memberships (REG-5) -------------------------------


def _valid_ogrnip(n: int) -> str:
    from gosportal.core.validators import ogrn_check_digit

    body = f"3247100{n:07d}"
    return body + ogrn_check_digit(body)


def _valid_inn12(n: int) -> str:
    from gosportal.core.validators import inn_check_digits

    body = f"71{n:08d}"
    return body + inn_check_digits(body)


def _registration_date():
    import datetime

    return datetime.date(2020, 1, 15)


def _now():
    from django.utils import timezone

    return timezone.now()


class EntrepreneurFactory(factory.django.DjangoModelFactory):
    """An entrepreneur on the portal, as ``register_entrepreneur`` stores one."""

    class Meta:
        model = "organizations.Organization"

    kind = "entrepreneur"
    full_name = factory.Sequence(lambda n: f"ИП Тестов Тест Тестович {n}")
    ogrn = factory.Sequence(_valid_ogrnip)
    inn = factory.Sequence(_valid_inn12)
    registered_on = factory.LazyFunction(_registration_date)
    status = "active"
    region_code = "71"
    region_name = "Тульская область"
    okved_code = "62.01"
    okved_name = "Разработка компьютерного программного обеспечения"
    verified_at = factory.LazyFunction(_now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.Membership"

    user = factory.SubFactory(UserFactory, level="confirmed")
    organization = factory.SubFactory(EntrepreneurFactory)
    role = "owner"


# --- catalog: categories and services (CAT-1 … CAT-4) ------------------------------------


def simple_form_definition() -> dict:
    """A small valid form definition: one section, a name pre-filled from the profile."""
    return {
        "version": 1,
        "sections": [
            {
                "key": "applicant",
                "title": "Сведения о заявителе",
                "fields": [
                    {
                        "key": "last_name",
                        "type": "text",
                        "label": "Фамилия",
                        "required": True,
                        "prefill": "last_name",
                    }
                ],
            }
        ],
    }


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Category"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Категория {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    order = factory.Sequence(lambda n: n)


class ServiceFactory(factory.django.DjangoModelFactory):
    """A published service, stored through ``catalog.services.save_service`` (search index)."""

    class Meta:
        model = "catalog.Service"

    agency = factory.SubFactory(AgencyFactory)
    category = factory.SubFactory(CategoryFactory)
    slug = factory.Sequence(lambda n: f"service-{n}")
    title = factory.Sequence(lambda n: f"Тестовая услуга {n}")
    short_description = "Краткое описание услуги."
    description = "Полное описание услуги."
    result_description = "Результат услуги."
    processing_days = 5
    min_level = "standard"
    is_published = True
    form_definition = factory.LazyFunction(simple_form_definition)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from gosportal.catalog.services import save_service

        return save_service(service=model_class(*args, **kwargs))
