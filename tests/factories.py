"""factory_boy factories shared by every app's tests."""

import factory
from django.contrib.auth import get_user_model

TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_roles(username: str, *role_keys: str, **fields):
    """A user holding the given catalogue roles (through the roles' groups), roles created if need be."""
    from processes.models import Role
    from processes.services import roles_sync, system_user

    if Role.objects.count() == 0:
        roles_sync(actor=system_user())
    user = UserFactory(username=username, **fields)
    user.groups.add(*[role.group for role in Role.objects.filter(key__in=role_keys).select_related("group")])
    return user
