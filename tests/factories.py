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
