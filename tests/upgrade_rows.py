"""A small but complete pre-split database for tests/test_upgrade.py: at least one row in every table
of the project's apps as they stood at audits 0010 (before cases, timeliness and dashboard split off),
written through that state's historical models, so the rows look exactly like an old database's.

Everything is named for what it stands for: `rows.case_granted_to_chair` is the case the chair may see
through a direct grant, `rows.case_granted_to_team` the one the team's group may see.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 2)


@dataclass
class PreSplitRows:
    """The ids the test checks by name after the upgrade."""

    chair: int  # holds a direct grant on case_granted_to_chair
    worker: int  # a member of the team whose group holds a grant on case_granted_to_team
    team_group: int
    case_granted_to_chair: int
    case_granted_to_team: int
    case_granted_to_nobody: int
    episode: int
    due_item: int
    audit: int
    access_log_entry: int
    process: int
    view_case_permission: int
    case_content_type: int


def create_content_types_and_permissions(apps):
    """What `migrate`'s post_migrate step did on the old database: every model of the state gets its
    content type (the old labels: ("audits", "case") and so on) and its model permissions."""
    from django.apps import apps as global_apps

    for app_config in global_apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)


def history(apps, label, instance, history_type="+", user=None, **changes):
    """A simple_history row recording `instance` (its field values, then `changes`)."""
    Historical = apps.get_model(label)
    values = {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}
    values.update(changes)
    return Historical.objects.create(
        **values, history_date=AT, history_type=history_type, history_user=user, history_change_reason=None
    )


def build_pre_split_rows(apps) -> PreSplitRows:
    """At least one row in every table of the pre-split project apps, through `apps` (that state's models)."""
    create_content_types_and_permissions(apps)

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    model = apps.get_model

    # People and groups.
    qa_admin = User.objects.create(username="quinn.admin", first_name="Quinn", last_name="Admin", is_staff=True)
    manager = User.objects.create(username="morgan.manager", first_name="Morgan", last_name="Manager")
    worker = User.objects.create(username="sam.worker", first_name="Sam", last_name="Worker")
    chair = User.objects.create(username="casey.chair", first_name="Casey", last_name="Chair")
    worker_role_group = Group.objects.create(name="Role: Social worker")
    chair_role_group = Group.objects.create(name="Role: Independent chair")
    team_group = Group.objects.create(name="Team: North Assessment")
    worker.groups.add(worker_role_group, team_group)
    chair.groups.add(chair_role_group)

    # processes: the catalogue.
    area = model("processes", "Area").objects.create(
        key="casework",
        number=1,
        title="Casework",
        preamble="Audits of children's records.",
        version=3,
        effective_date=dt.date(2026, 1, 1),
    )
    history(apps, "processes.HistoricalArea", area, user=qa_admin)
    worker_role = model("processes", "Role").objects.create(
        key="social-worker", name="Social worker", scope="team", is_manager=False, position=8, group=worker_role_group
    )
    model("processes", "Role").objects.create(
        key="independent-chair", name="Independent chair", scope="assigned", position=10, group=chair_role_group
    )
    history(apps, "processes.HistoricalRole", worker_role, user=qa_admin)
    process = model("processes", "Process").objects.create(
        area=area,
        key="case-audit",
        name="Case audit",
        position=1,
        lead="Team manager",
        subject_kind="case",
        schedule_rule={"intervals": ["20 working days"], "repeats": False},
        sample_rate=Decimal("0.250"),
        former_names=["Case file audit"],
        record_form="audit",
        grades=True,
        asks_child_voice=True,
    )
    conference = model("processes", "Process").objects.create(
        area=area,
        key="icpc",
        name="Initial child protection conference",
        position=2,
        lead="Independent chair",
        subject_kind="meeting",
        record_form="conference",
        next_review_of=process,
    )
    process.lead_roles.add(worker_role)
    historical_process = history(apps, "processes.HistoricalProcess", process, user=qa_admin)
    model("processes", "HistoricalProcess_lead_roles").objects.create(
        id=process.lead_roles.through.objects.get().pk, history=historical_process, process=process, role=worker_role
    )
    outcome = model("processes", "RequiredOutcome").objects.create(
        process=process, position=1, text="The child's plan is up to date.", is_active=True
    )
    history(apps, "processes.HistoricalRequiredOutcome", outcome, user=qa_admin)
    closure = model("processes", "ClosureDay").objects.create(date=dt.date(2026, 12, 29), reason="Office closed")
    history(apps, "processes.HistoricalClosureDay", closure, user=qa_admin)
    override = model("processes", "ScheduleOverride").objects.create(
        process=conference, intervals=["15 working days", "3 months"], repeats=True, reason="Local practice"
    )
    history(apps, "processes.HistoricalScheduleOverride", override, user=qa_admin)

    # workforce.
    team = model("workforce", "Team").objects.create(
        name="North Assessment", is_active=True, group=team_group, manager=manager, service_area=area
    )
    history(apps, "workforce.HistoricalTeam", team, user=qa_admin)
    profile = model("workforce", "StaffProfile").objects.create(
        user=worker,
        team=team,
        job_title="Social worker",
        start_date=dt.date(2024, 9, 1),
        newly_qualified=True,
        line_manager=manager,
    )
    profile.roles.add(worker_role)
    historical_profile = history(apps, "workforce.HistoricalStaffProfile", profile, user=qa_admin)
    model("workforce", "HistoricalStaffProfile_roles").objects.create(
        id=profile.roles.through.objects.get().pk, history=historical_profile, staffprofile=profile, role=worker_role
    )
    # Accounts (docs/accounts.md): tables the split did not touch, filled so every row is seen to survive.
    account_email = model("workforce", "AccountEmail").objects.create(
        user=worker, address="sam.worker@example.org", confirmed_at=AT
    )
    history(apps, "workforce.HistoricalAccountEmail", account_email, user=qa_admin)
    email_change = model("workforce", "EmailChange").objects.create(
        user=manager,
        old_address="",
        new_address="morgan.manager@example.org",
        token_hash="0" * 64,
        requested_by=qa_admin,
        expires_at=AT,
        created_at=AT,
        updated_at=AT,
    )
    history(apps, "workforce.HistoricalEmailChange", email_change, user=qa_admin)
    grant_request = model("workforce", "RoleGrantRequest").objects.create(
        profile=profile, role=worker_role, requested_by=qa_admin, status="pending", created_at=AT, updated_at=AT
    )
    history(apps, "workforce.HistoricalRoleGrantRequest", grant_request, user=qa_admin)

    # The cases (audits app, before the split).
    Case = model("audits", "Case")
    case_granted_to_chair = Case.objects.create(
        reference="CS-1001",
        child_name="Ada Example",
        date_of_birth=dt.date(2015, 4, 1),
        ethnicity="White British",
        faith="None",
        language="English",
        team=team,
        allocated_worker=worker,
        chair=chair,
    )
    case_granted_to_team = Case.objects.create(
        reference="CS-1002",
        child_name="Ben Example",
        date_of_birth=dt.date(2012, 6, 15),
        team=team,
        allocated_worker=worker,
    )
    case_granted_to_nobody = Case.objects.create(
        reference="CS-1003",
        child_name="Cy Example",
        date_of_birth=dt.date(2010, 1, 9),
        team=team,
        status="closed",
        closed_on=dt.date(2026, 2, 1),
    )
    history(apps, "audits.HistoricalCase", case_granted_to_chair, user=qa_admin)
    history(apps, "audits.HistoricalCase", case_granted_to_chair, "~", user=qa_admin, language="English")
    history(apps, "audits.HistoricalCase", case_granted_to_nobody, "~", user=qa_admin)
    episode = model("audits", "Episode").objects.create(
        case=case_granted_to_chair, kind="child_protection_plan", start=dt.date(2026, 1, 5)
    )
    history(apps, "audits.HistoricalEpisode", episode, user=qa_admin)

    # The grants, through the cases' direct-foreign-key tables and guardian's generic ones.
    case_content_type = ContentType.objects.get(app_label="audits", model="case")
    view_case = Permission.objects.get(content_type=case_content_type, codename="view_case")
    model("audits", "CaseUserObjectPermission").objects.create(
        user=chair, permission=view_case, content_object=case_granted_to_chair
    )
    model("audits", "CaseGroupObjectPermission").objects.create(
        group=team_group, permission=view_case, content_object=case_granted_to_team
    )
    record_process = Permission.objects.get(content_type__app_label="processes", codename="record_process")
    model("processes", "ProcessUserObjectPermission").objects.create(
        user=worker, permission=record_process, content_object=process
    )
    model("processes", "ProcessGroupObjectPermission").objects.create(
        group=worker_role_group, permission=record_process, content_object=process
    )
    episode_content_type = ContentType.objects.get(app_label="audits", model="episode")
    change_episode = Permission.objects.get(content_type=episode_content_type, codename="change_episode")
    model("guardian", "UserObjectPermission").objects.create(
        user=chair, permission=change_episode, content_type=episode_content_type, object_pk=str(episode.pk)
    )
    model("guardian", "GroupObjectPermission").objects.create(
        group=team_group, permission=change_episode, content_type=episode_content_type, object_pk=str(episode.pk)
    )
    # A model-wide permission held by a group, and the admin log's line about a case.
    team_group.permissions.add(Permission.objects.get(content_type__app_label="audits", codename="add_case"))
    model("admin", "LogEntry").objects.create(
        action_time=AT,
        user=qa_admin,
        content_type=case_content_type,
        object_id=str(case_granted_to_chair.pk),
        object_repr="CS-1001",
        action_flag=2,
        change_message="Changed language.",
    )

    access_log_entry = model("audits", "AccessLogEntry").objects.create(
        user=chair, case=case_granted_to_chair, action="viewed", path=f"/cases/{case_granted_to_chair.pk}/"
    )

    # Recording: a submitted, moderated audit (the tally triggers count it) and the other forms.
    audit = model("audits", "Audit").objects.create(
        process=process,
        case=case_granted_to_chair,
        team=team,
        carried_out_by=manager,
        subject_label="CS-1001",
        due_on=dt.date(2026, 2, 20),
        held_on=dt.date(2026, 2, 18),
        status="moderated",
        submitted_at=AT,
        grade="good",
        summary="A well-kept record.",
        child_voice="Ada says she feels listened to.",
    )
    staff_audit = model("audits", "Audit").objects.create(
        process=process, staff_member=worker, team=team, carried_out_by=manager, status="draft"
    )
    history(apps, "audits.HistoricalAudit", audit, user=manager)
    finding = model("audits", "Finding").objects.create(
        audit=audit, outcome=outcome, judgement="partly_met", evidence="The plan was reviewed late."
    )
    history(apps, "audits.HistoricalFinding", finding, user=manager)
    action = model("audits", "Action").objects.create(
        audit=audit,
        finding=finding,
        owner=worker,
        description="Review the plan.",
        due_on=dt.date(2026, 3, 20),
        status="done",
        done_on=dt.date(2026, 3, 1),
    )
    history(apps, "audits.HistoricalAction", action, user=worker)
    moderation = model("audits", "Moderation").objects.create(
        audit=audit,
        moderator=qa_admin,
        original_grade="requires_improvement",
        agreed=False,
        grade="good",
        reason="The evidence supports good.",
    )
    history(apps, "audits.HistoricalModeration", moderation, user=qa_admin)
    conference_record = model("audits", "ConferenceRecord").objects.create(
        audit=staff_audit,
        child_attended=True,
        views_given=True,
        advocate_offered=False,
        decision="plan_made",
        next_review_on=dt.date(2026, 6, 1),
        next_review_computed_on=dt.date(2026, 5, 28),
        next_review_change_reason="Chair on leave.",
    )
    history(apps, "audits.HistoricalConferenceRecord", conference_record, user=chair)
    visit = model("audits", "VisitRecord").objects.create(
        audit=staff_audit, child_seen=True, seen_alone=False, location="home"
    )
    history(apps, "audits.HistoricalVisitRecord", visit, user=worker)

    # Timeliness (audits app, before the split): a sample, a due item, its reminder, a notification.
    draw = model("audits", "SampleDraw").objects.create(
        process=process,
        team=team,
        manager=manager,
        period=dt.date(2026, 2, 1),
        population=[case_granted_to_chair.pk, case_granted_to_team.pk],
        size=1,
        seed="f00dfeed",
        chosen=[case_granted_to_chair.pk],
    )
    # A team-wide draw (no manager): timeliness 0002 splits the unique rule into one for each kind.
    model("audits", "SampleDraw").objects.create(
        process=process, team=team, manager=None, period=dt.date(2026, 2, 1), population=[], size=0, seed="0", chosen=[]
    )
    history(apps, "audits.HistoricalSampleDraw", draw, user=manager)
    due_item = model("audits", "DueItem").objects.create(
        key=f"case-audit:{case_granted_to_chair.pk}:2026-02",
        due_on=dt.date(2026, 2, 20),
        source="sample",
        status="done",
        completed_on=dt.date(2026, 2, 18),
        case=case_granted_to_chair,
        episode=episode,
        process=process,
        responsible=manager,
        responsible_role=worker_role,
        satisfied_by=audit,
        team=team,
        sample_draw=draw,
    )
    history(apps, "audits.HistoricalDueItem", due_item, user=None)
    model("audits", "Reminder").objects.create(
        due_item=due_item, stage="due_soon", recipient=manager, sent_at=AT, digest=uuid.UUID(int=42)
    )
    model("audits", "Notification").objects.create(
        user=manager, subject="An audit is due soon", body="CS-1001 is due on 20 February.", url="/due/"
    )

    # The dashboard's rollups (audits app, before the split).
    month = dt.date(2026, 2, 1)
    model("audits", "DashboardRefresh").objects.create(
        as_of=AT, started_at=AT, finished_at=AT + dt.timedelta(seconds=3), seconds=2.5, rows=4
    )
    model("audits", "AuditRollup").objects.create(
        month=month, process=process, team=team, grade="good", audits=1, moderated=1, agreed=0
    )
    model("audits", "FindingRollup").objects.create(
        month=month, process=process, team=team, outcome=outcome, met=0, partly_met=1, not_met=0, not_applicable=0
    )
    model("audits", "DueRollup").objects.create(
        month=month, process=process, team=team, on_time=1, late=0, overdue=0, pending=0
    )
    model("audits", "CoverageRollup").objects.create(
        team=team, open_cases=2, audited_6m=1, audited_12m=1, audited_ever=1
    )

    model("qa_portal", "Heartbeat").objects.create(name="beat", last_seen_at=AT)

    return PreSplitRows(
        chair=chair.pk,
        worker=worker.pk,
        team_group=team_group.pk,
        case_granted_to_chair=case_granted_to_chair.pk,
        case_granted_to_team=case_granted_to_team.pk,
        case_granted_to_nobody=case_granted_to_nobody.pk,
        episode=episode.pk,
        due_item=due_item.pk,
        audit=audit.pk,
        access_log_entry=access_log_entry.pk,
        process=process.pk,
        view_case_permission=view_case.pk,
        case_content_type=case_content_type.pk,
    )
