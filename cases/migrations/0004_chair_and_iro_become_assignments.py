"""Every case's chair and IRO become assignments (cases.CaseAssignment), from the day the case was
created, each with a history row, so nothing is lost when the fixed fields go (0005).

Backwards (a downgrade, after 0005 gave the fields back): each case's chair and IRO are written from its
assignments of those roles, the one live today or else the last to start, as the fields held them."""

from django.db import migrations

from processes.roles import INDEPENDENT_CHAIR, IRO, ROLES_BY_KEY

REASON = "Moved from the case's chair/IRO field when assignments replaced them"


def forwards(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Role = apps.get_model("processes", "Role")
    Group = apps.get_model("auth", "Group")
    Assignment = apps.get_model("cases", "CaseAssignment")
    History = apps.get_model("cases", "HistoricalCaseAssignment")
    for key, field in ((INDEPENDENT_CHAIR, "chair_id"), (IRO, "iro_id")):
        cases = list(Case.objects.exclude(**{field: None}).values_list("pk", field, "created_at"))
        if not cases:
            continue
        role = Role.objects.filter(key=key).first()
        if role is None:
            # The catalogue loader makes roles; a database with chairs but no roles is made whole here.
            definition = ROLES_BY_KEY[key]
            group, _ = Group.objects.get_or_create(name=definition.name)
            role = Role.objects.create(key=key, name=definition.name, scope=definition.scope, group=group)
        Assignment.objects.bulk_create(
            [
                Assignment(case_id=case_id, role=role, user_id=user_id, start=created_at.date())
                for case_id, user_id, created_at in cases
            ],
            ignore_conflicts=True,
        )
        # Read back (ignore_conflicts gives no ids), and give each one "+" history row.
        rows = Assignment.objects.filter(role=role, case_id__in=[case_id for case_id, _, _ in cases])
        History.objects.bulk_create(
            [
                History(
                    id=row.pk,
                    case_id=row.case_id,
                    role_id=row.role_id,
                    user_id=row.user_id,
                    start=row.start,
                    end=row.end,
                    created_at=row.created_at,
                    updated_at=row.updated_at,
                    history_date=row.created_at,
                    history_type="+",
                    history_change_reason=REASON,
                )
                for row in rows
            ]
        )


def backwards(apps, schema_editor):
    import datetime

    Case = apps.get_model("cases", "Case")
    Assignment = apps.get_model("cases", "CaseAssignment")
    today = datetime.date.today()
    for key, field in ((INDEPENDENT_CHAIR, "chair_id"), (IRO, "iro_id")):
        held = {}
        rows = Assignment.objects.filter(role__key=key).order_by("case_id", "start", "pk")
        for case_id, user_id, start, end in rows.values_list("case_id", "user_id", "start", "end"):
            live = start <= today and (end is None or end >= today)
            if live or case_id not in held or not held[case_id][1]:
                held[case_id] = (user_id, live)
        by_user = {}
        for case_id, (user_id, _) in held.items():
            by_user.setdefault(user_id, []).append(case_id)
        for user_id, case_ids in by_user.items():
            # update(): no save, so the cases' timestamps and history stay as they were.
            Case.objects.filter(pk__in=case_ids).update(**{field: user_id})


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_case_assignments"),
        ("processes", "0001_catalogue"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
