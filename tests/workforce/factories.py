"""factory_boy factories for teams and staff. They write rows directly (no group sync): tests that need
synced groups call workforce.services."""

from datetime import date

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from processes.models import Area
from tests.factories import UserFactory
from workforce.models import AccountEmail, StaffProfile, Team


def advice_and_assessment() -> Area:
    area, _ = Area.objects.get_or_create(
        key="advice-and-assessment",
        defaults=dict(
            number=6,
            title="Advice and Assessment / Children in the Community",
            version=1,
            effective_date=date(2014, 4, 1),
        ),
    )
    return area


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Assessment Team {n}")
    service_area = factory.LazyFunction(advice_and_assessment)
    group = factory.LazyAttribute(lambda team: Group.objects.get_or_create(name=f"Team: {team.name}")[0])


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    job_title = "Social Worker"
    team = factory.SubFactory(TeamFactory)
    start_date = date(2020, 9, 1)

    @factory.post_generation
    def roles(profile, create, extracted, **kwargs):
        if create and extracted:
            profile.roles.set(extracted)


#
# Rows written through the services (groups synced, history with the acting user)
#


def team_created(*, actor, name: str) -> Team:
    from workforce.services import team_create

    return team_create(actor=actor, name=name, service_area=advice_and_assessment())


def staff_member(*, actor, username: str, team=None, roles=(), **fields) -> StaffProfile:
    from workforce.services import staff_profile_save

    user = UserFactory(username=username, **{k: fields.pop(k) for k in ("first_name", "last_name") if k in fields})
    fields.setdefault("job_title", "Social Worker")
    fields.setdefault("start_date", date(2021, 9, 1))
    profile = StaffProfile(user=user, team=team, **fields)
    # As staff_create does: the address the account was made with, vouched for but not yet confirmed.
    AccountEmail.objects.create(user=user, address=user.email)
    return staff_profile_save(actor=actor, profile=profile, roles=list(roles))


def confirmed_address(user) -> AccountEmail:
    """The user's current address, as if they had used a link sent there."""
    row, _ = AccountEmail.objects.update_or_create(
        user=user, defaults={"address": user.email, "confirmed_at": timezone.now()}
    )
    return row
