"""Fictional demo data for development and for trying the app (`python manage.py load_demo`).

Everything here is invented: names come from Faker (en_GB) with a fixed seed, references are
"DEMO-000123", and no row describes a real child or member of staff. The users are the ones
DESIGN.md section 9 promises (qa.admin, tm.assessment, ...) plus a few more social workers so that
every case has an allocated worker.

Writes go through the services (team_create, staff_profile_save, case_save), so auth groups follow
roles and every case gets its object permissions, exactly as when a person makes the change.
Running it again is safe: users get their password reset, existing teams and references are kept.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cases.choices import CaseStatus, EpisodeKind
from cases.models import Case, Episode
from cases.services import case_save
from core.history import save_with_history
from demo.journeys import demo_journeys_load
from demo.records import (
    demo_audits_load,
    demo_carer_panels_load,
    demo_due_records_load,
    demo_foster_carers_load,
    demo_records_exist,
)
from processes.catalogue_files import read_paths
from processes.models import Area, Role
from processes.roles import (
    AGENCY_DECISION_MAKER,
    FOSTERING_REVIEWING_OFFICER,
    HEAD_OF_SERVICE,
    IDENTIFIED_COLLEAGUE,
    INDEPENDENT_CHAIR,
    IRO,
    PANEL_ADVISOR,
    PEP_OFFICER,
    PERSONAL_ADVISER,
    QA_ADMINISTRATOR,
    SCRUTINY_PANEL_MEMBER,
    SOCIAL_WORKER,
    TEAM_MANAGER,
)
from processes.services import catalogue_apply, roles_sync, system_user
from timeliness.planning import plan_due_items
from timeliness.samples import draw_samples, previous_month
from workforce.account_emails import account_email_confirmed
from workforce.models import StaffProfile, Team
from workforce.services import staff_profile_save, team_create, team_update

DEMO_PASSWORD_DEFAULT = "demo-password-2026"  # noqa: S105 (documented in the README; development only)
REFERENCE_PREFIX = "DEMO-"
DEFAULT_CASES = 300
MAX_CASES = 999_999  # six digits in the reference
SEED = 2026
REASON = "Demo data (load_demo)"
CATALOGUE_PATH = Path(settings.BASE_DIR) / "fixtures" / "processes"
EMAIL_DOMAIN = "demo.example.org"  # example.org is reserved (RFC 2606): no demo email reaches anyone

ASSESSMENT, CIC, YOS, SIXTEEN_PLUS = "Assessment Team", "Children in Care Team", "Youth Offending Service", "16+ Team"

#
# Teams and people
#


@dataclass(frozen=True)
class TeamSpec:
    name: str
    area_key: str
    weight: int  # share of the demo cases


# The four service areas that hold children's cases (tables vi. to ix. of the support tool).
CASE_AREAS = ("advice-and-assessment", "children-in-care", "youth-offending-service", "sixteen-plus-service")

TEAMS = (
    TeamSpec(ASSESSMENT, "advice-and-assessment", 40),
    TeamSpec(CIC, "children-in-care", 30),
    TeamSpec(YOS, "youth-offending-service", 15),
    TeamSpec(SIXTEEN_PLUS, "sixteen-plus-service", 15),
)


@dataclass(frozen=True)
class PersonSpec:
    username: str
    roles: tuple[str, ...]
    job_title: str
    team: str | None = None
    line_manager: str | None = None
    manages: str | None = None  # the team this person is the manager of
    newly_qualified: bool = False


# The nine users of DESIGN.md section 9, in that order.
DEMO_USERS = (
    PersonSpec("qa.admin", (QA_ADMINISTRATOR,), "Quality Assurance Officer", line_manager="hos"),
    PersonSpec("tm.assessment", (TEAM_MANAGER,), "Team Manager", ASSESSMENT, "hos", manages=ASSESSMENT),
    PersonSpec("tm.cic", (TEAM_MANAGER,), "Team Manager", CIC, "hos", manages=CIC),
    PersonSpec("tm.yos", (TEAM_MANAGER,), "Team Manager", YOS, "hos", manages=YOS),
    PersonSpec("sw.assessment", (SOCIAL_WORKER,), "Social Worker", ASSESSMENT, "tm.assessment"),
    PersonSpec("chair", (INDEPENDENT_CHAIR,), "Independent Child Protection Chair", line_manager="hos"),
    PersonSpec("iro", (IRO,), "Independent Reviewing Officer", line_manager="hos"),
    PersonSpec("hos", (HEAD_OF_SERVICE,), "Head of Service, Children's Social Care"),
    PersonSpec("scrutiny", (SCRUTINY_PANEL_MEMBER,), "Scrutiny Panel Member (councillor)"),
)

# More fictional staff, so every team has a manager and a few workers to allocate cases to.
EXTRA_STAFF = (
    PersonSpec("tm.16plus", (TEAM_MANAGER,), "Team Manager", SIXTEEN_PLUS, "hos", manages=SIXTEEN_PLUS),
    PersonSpec("sw.assessment.2", (SOCIAL_WORKER,), "Social Worker", ASSESSMENT, "tm.assessment"),
    PersonSpec(
        "sw.assessment.3", (SOCIAL_WORKER,), "Social Worker (ASYE)", ASSESSMENT, "tm.assessment", newly_qualified=True
    ),
    PersonSpec("sw.cic.1", (SOCIAL_WORKER,), "Social Worker", CIC, "tm.cic"),
    PersonSpec("sw.cic.2", (SOCIAL_WORKER,), "Senior Social Worker", CIC, "tm.cic"),
    PersonSpec("sw.cic.3", (SOCIAL_WORKER,), "Social Worker", CIC, "tm.cic"),
    PersonSpec("sw.yos.1", (SOCIAL_WORKER,), "YOS Case Manager", YOS, "tm.yos"),
    PersonSpec("sw.yos.2", (SOCIAL_WORKER,), "YOS Case Manager", YOS, "tm.yos"),
    PersonSpec("sw.16plus.1", (SOCIAL_WORKER,), "Personal Adviser", SIXTEEN_PLUS, "tm.16plus"),
    PersonSpec("sw.16plus.2", (SOCIAL_WORKER,), "Personal Adviser", SIXTEEN_PLUS, "tm.16plus"),
    # The fostering service's own roles: they serve every carer of the register (fostering.scope).
    PersonSpec(
        "fostering.officer", (FOSTERING_REVIEWING_OFFICER,), "Fostering Service Reviewing Officer", line_manager="hos"
    ),
    PersonSpec("panel.advisor", (PANEL_ADVISOR,), "Fostering Panel Advisor", line_manager="hos"),
    # The people the case system assigns to a child beside the worker (demo.journeys): the virtual
    # school's PEP officer, the agency decision maker for adoption, the YOS identified colleague, and the
    # care leavers' personal adviser (managed by the 16+ team's manager; in no team, since a team's
    # members see all its cases and an adviser sees only the young people they are assigned).
    PersonSpec("pep.officer", (PEP_OFFICER,), "Virtual School PEP Officer", line_manager="hos"),
    PersonSpec("adm", (AGENCY_DECISION_MAKER,), "Agency Decision Maker", line_manager="hos"),
    PersonSpec("ic.yos", (IDENTIFIED_COLLEAGUE,), "YOS Identified Colleague", YOS, "tm.yos"),
    PersonSpec("personal.adviser", (PERSONAL_ADVISER,), "Personal Adviser (leaving care)", line_manager="tm.16plus"),
)

STAFF = DEMO_USERS + EXTRA_STAFF
DEMO_USERNAMES = tuple(person.username for person in DEMO_USERS)

#
# Children: the fields a case-management export carries (census categories, common languages)
#

ETHNICITIES = (
    ("White: English, Welsh, Scottish, Northern Irish or British", 60),
    ("White: Other White", 6),
    ("White: Gypsy or Irish Traveller", 1),
    ("Mixed: White and Black Caribbean", 5),
    ("Mixed: White and Asian", 3),
    ("Mixed: Other Mixed", 3),
    ("Asian or Asian British: Pakistani", 4),
    ("Asian or Asian British: Indian", 3),
    ("Asian or Asian British: Bangladeshi", 2),
    ("Black or Black British: African", 5),
    ("Black or Black British: Caribbean", 3),
    ("Other ethnic group: Arab", 1),
    ("Not recorded", 4),
)
FAITHS = (
    ("No religion", 45),
    ("Christian", 30),
    ("Muslim", 10),
    ("Hindu", 2),
    ("Sikh", 2),
    ("Jewish", 1),
    ("Buddhist", 1),
    ("Not recorded", 9),
)
LANGUAGES = (
    ("English", 85),
    ("Polish", 3),
    ("Urdu", 2),
    ("Romanian", 2),
    ("Arabic", 2),
    ("Bengali", 1),
    ("Somali", 1),
    ("British Sign Language", 1),
    ("Not recorded", 3),
)


@dataclass
class DemoResult:
    """Counts of what one run did: the command prints these and nothing about any child."""

    teams_created: int = 0
    teams_existing: int = 0
    users_created: int = 0
    users_updated: int = 0
    cases_created: int = 0
    cases_existing: int = 0
    episodes_created: int = 0
    episodes_by_kind: dict[str, int] = field(default_factory=dict)
    catalogue_loaded: bool = False
    audits_recorded: int = 0
    foster_carers_created: int = 0
    carer_reviews_recorded: int = 0
    carer_panels_recorded: int = 0
    facts_written: int = 0
    assignments_written: int = 0
    samples_drawn: int = 0

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.episodes_by_kind.items()))
        return [
            "catalogue: " + ("loaded from fixtures/processes/" if self.catalogue_loaded else "already loaded"),
            f"teams: {self.teams_created} created, {self.teams_existing} already there",
            f"users: {self.users_created} created, {self.users_updated} already there (password reset)",
            f"cases: {self.cases_created} created, {self.cases_existing} already there",
            f"episodes: {self.episodes_created} created" + (f" ({kinds})" if kinds else ""),
            f"journeys: {self.facts_written} facts and {self.assignments_written} assignments written",
            f"audits: {self.audits_recorded} recorded"
            + ("" if self.audits_recorded else " (demo audits exist, or no cases)"),
            f"foster carers: {self.foster_carers_created} created, {self.carer_reviews_recorded} reviews recorded, "
            f"{self.carer_panels_recorded} panels recorded",
            f"samples: {self.samples_drawn} drawn for last month" + ("" if self.samples_drawn else " (drawn already)"),
        ]


#
# Loading
#


@transaction.atomic
def demo_load(*, cases: int = DEFAULT_CASES, password: str = DEMO_PASSWORD_DEFAULT, actor=None) -> DemoResult:
    """Create (or top up) the demo teams, users and cases. One transaction: all or nothing."""
    if not 0 <= cases <= MAX_CASES:
        raise ValueError(f"cases must be between 0 and {MAX_CASES}")
    actor = actor or system_user()
    result = DemoResult()
    result.catalogue_loaded = catalogue_ensure(actor)

    users = _users_ensure(password, result)
    teams = _teams_ensure(actor, users, result)
    _profiles_ensure(actor, users, teams)

    workers = {
        spec.name: [users[p.username] for p in STAFF if p.team == spec.name and SOCIAL_WORKER in p.roles]
        for spec in TEAMS
    }
    existing = set(Case.objects.filter(reference__startswith=REFERENCE_PREFIX).values_list("reference", flat=True))
    today = timezone.localdate()
    fake = _faker()
    for number in range(1, cases + 1):
        reference = f"{REFERENCE_PREFIX}{number:06d}"
        if reference in existing:
            result.cases_existing += 1
            continue
        _case_create(number, reference, today, fake, teams, workers, users, actor, result)
    # The children's journeys and who holds each role for them, as the case system would send them.
    result.facts_written, result.assignments_written = demo_journeys_load(actor=actor, users=users, today=today)
    # A year of records on the cases, through the recording services (demo/records.py).
    first_records = not demo_records_exist()
    result.audits_recorded = demo_audits_load(users=users, today=today)
    result.foster_carers_created, result.carer_reviews_recorded = demo_foster_carers_load(
        actor=actor, users=users, team=teams[CIC], today=today
    )
    if first_records:
        # Six months of the records the schedules ask for, mostly on time: planned first, as the nightly
        # run would have, then recorded by whoever owes each.
        plan_due_items(today=today, actor=actor)
        result.audits_recorded += demo_due_records_load(users=users, today=today)
        result.carer_panels_recorded = demo_carer_panels_load(users=users, today=today)
    # Last month's random samples and Sample Audits, as the monthly task drew them at this month's start:
    # the demo's managers have Sample Audit items to record (a month already drawn is skipped).
    result.samples_drawn = len(draw_samples(period=previous_month(today), actor=actor))
    return result


def catalogue_ensure(actor) -> bool:
    """Load the catalogue if it is not there yet (teams hang on its areas); always sync the roles."""
    wanted = set(CASE_AREAS)
    loaded = False
    if not wanted <= set(Area.objects.values_list("key", flat=True)):
        catalogue_apply(read_paths([CATALOGUE_PATH]), actor=actor)
        loaded = True
    roles_sync(actor=actor)
    return loaded


def _users_ensure(password: str, result: DemoResult) -> dict:
    """Create each demo user, or reset an existing one's password (so the documented one works)."""
    User = get_user_model()
    names = _staff_names()
    # One hash for all: the password is shared and public anyway, and hashing it 19 times takes seconds.
    hashed = make_password(password)
    users = {}
    for person in STAFF:
        first_name, last_name = names[person.username]
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = User(username=person.username, first_name=first_name, last_name=last_name)
            user.email = f"{person.username}@{EMAIL_DOMAIN}"
            result.users_created += 1
        else:
            result.users_updated += 1
        user.is_active = True
        user.password = hashed
        user.save()
        # The demo's people use their accounts: their addresses count as confirmed, so resets reach them.
        account_email_confirmed(user=user)
        users[person.username] = user
    return users


def _faker():
    from faker import Faker  # a development dependency (factory-boy brings it in); only demo data needs it

    return Faker("en_GB")


def _staff_names() -> dict[str, tuple[str, str]]:
    """A fictional name per demo user, the same on every run."""
    fake = _faker()
    fake.seed_instance(SEED)
    return {person.username: (fake.first_name(), fake.last_name()) for person in STAFF}


def _teams_ensure(actor, users: dict, result: DemoResult) -> dict[str, Team]:
    areas = {area.key: area for area in Area.objects.filter(key__in=[spec.area_key for spec in TEAMS])}
    managers = {person.manages: users[person.username] for person in STAFF if person.manages}
    teams = {}
    for spec in TEAMS:
        manager = managers.get(spec.name)
        team = Team.objects.filter(name=spec.name).first()
        if team is None:
            team = team_create(actor=actor, name=spec.name, service_area=areas[spec.area_key], manager=manager)
            result.teams_created += 1
        else:
            result.teams_existing += 1
            if team.manager_id != manager.pk or not team.is_active:
                team_update(actor=actor, team=team, manager=manager, is_active=True)
        teams[spec.name] = team
    return teams


def _profiles_ensure(actor, users: dict, teams: dict[str, Team]) -> None:
    roles = {role.key: role for role in Role.objects.all()}
    start = date(2019, 9, 2)
    for index, person in enumerate(STAFF):
        user = users[person.username]
        profile = StaffProfile.objects.filter(user=user).first() or StaffProfile(user=user)
        profile.job_title = person.job_title
        profile.team = teams[person.team] if person.team else None
        profile.line_manager = users[person.line_manager] if person.line_manager else None
        profile.newly_qualified = person.newly_qualified
        profile.left_on = None
        if profile.pk is None:
            # Newly qualified staff started this year; the others at staggered dates since 2019.
            profile.start_date = (
                date(timezone.localdate().year, 1, 6) if person.newly_qualified else start + timedelta(days=97 * index)
            )
        staff_profile_save(actor=actor, profile=profile, roles=[roles[key] for key in person.roles])


#
# Cases
#


def _weighted(rng: random.Random, options) -> str:
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]


def _case_create(number, reference, today, fake, teams, workers, users, actor, result: DemoResult) -> Case:
    """One fictional child: seeded by the case number, so a case looks the same whichever run makes it."""
    rng = random.Random(SEED * 1_000_003 + number)
    fake.seed_instance(SEED * 1_000_003 + number)
    spec = rng.choices(TEAMS, weights=[t.weight for t in TEAMS])[0]
    closed = rng.random() < 0.15
    date_of_birth, episodes = episodes_plan(spec.area_key, rng, today, closed)

    case = Case(
        reference=reference,
        child_name=f"{fake.first_name()} {fake.last_name()}",
        date_of_birth=date_of_birth,
        ethnicity=_weighted(rng, ETHNICITIES),
        faith=_weighted(rng, FAITHS),
        language=_weighted(rng, LANGUAGES),
        team=teams[spec.name],
        allocated_worker=rng.choice(workers[spec.name]),
        status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
        closed_on=episodes[-1][2] if closed else None,
    )
    case_save(actor=actor, case=case, reason=REASON)
    for kind, start, end in episodes:
        save_with_history(Episode(case=case, kind=kind, start=start, end=end), actor=actor, reason=REASON)
        result.episodes_created += 1
        result.episodes_by_kind[kind] = result.episodes_by_kind.get(kind, 0) + 1
    # The chair, the IRO and the other assigned roles come with the journey (demo.journeys).
    result.cases_created += 1
    return case


def _days_before(today: date, rng: random.Random, low: int, high: int, not_before: date) -> date:
    day = today - timedelta(days=rng.randint(low, high))
    return max(day, not_before)


def _birthday(dob: date, years: int) -> date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February
        return dob.replace(year=dob.year + years, day=28)


def episodes_plan(area_key: str, rng: random.Random, today: date, closed: bool):
    """A fictional child's date of birth and episodes (kind, start, end), oldest first; the last is the current one.

    By the team's service area: advice and assessment, child in need, often stepping up to a child
    protection plan; children in care, looked after, sometimes after a plan; youth offending, youth
    justice orders; sixteen plus, looked after until 18, then a care leaver. Also used by demo.synthetic.
    """
    K = EpisodeKind
    if area_key == "sixteen-plus-service":
        dob = today - timedelta(days=rng.randint(18 * 365 + 30, 21 * 365))
        eighteen = _birthday(dob, 18)
        looked_after_from = _birthday(dob, rng.randint(8, 15))
        plan = [(K.LOOKED_AFTER, looked_after_from, eighteen - timedelta(days=1)), (K.CARE_LEAVER, eighteen, None)]
    else:
        low_age = 10 if area_key == "youth-offending-service" else 1
        dob = today - timedelta(days=rng.randint(low_age * 365, 17 * 365 + 300))
        first_start = _days_before(today, rng, 60, 900, not_before=dob + timedelta(days=7))
        roll = rng.random()
        if area_key == "advice-and-assessment":
            kinds = (
                [K.CHILD_IN_NEED]
                if roll < 0.55
                else [K.CHILD_IN_NEED, K.CHILD_PROTECTION_PLAN]
                if roll < 0.85
                else [K.CHILD_PROTECTION_PLAN]
            )
        elif area_key == "children-in-care":
            kinds = [K.LOOKED_AFTER] if roll < 0.7 else [K.CHILD_PROTECTION_PLAN, K.LOOKED_AFTER]
        else:
            kinds = [K.YOUTH_JUSTICE_ORDER] if roll < 0.8 else [K.YOUTH_JUSTICE_ORDER, K.YOUTH_JUSTICE_ORDER]
        plan = [(kinds[0], first_start, None)]
        if len(kinds) == 2:
            span = (today - first_start).days
            first_end = first_start + timedelta(days=max(1, span // 2 - rng.randint(0, span // 4)))
            plan = [(kinds[0], first_start, first_end), (kinds[1], first_end + timedelta(days=1), None)]
    if closed:
        kind, start, _ = plan[-1]
        end = start + timedelta(days=rng.randint(0, max(0, (today - start).days - 1)))
        plan[-1] = (kind, start, end)
    return dob, plan
