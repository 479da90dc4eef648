"""Reads of teams and staff, for pages, form choices and the admin. Each list runs a fixed number of queries."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from workforce.choices import RoleGrantStatus
from workforce.models import RoleGrantRequest, StaffProfile, Team

HISTORY_FIELDS = {
    "job_title": "Job title",
    "team": "Team",
    "line_manager": "Line manager",
    "start_date": "Start date",
    "newly_qualified": "Newly qualified (ASYE)",
    "left_on": "Leaving date",
}


def team_list():
    """Teams with their manager and service area, and `member_count`: their members who have not left."""
    return Team.objects.select_related("service_area", "manager").annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True))
    )


def staff_list():
    return StaffProfile.objects.select_related("user", "team", "line_manager").prefetch_related("roles")


def team_members(team: Team):
    """The team's current members (leavers are not members any more)."""
    return staff_list().filter(team=team, left_on__isnull=True)


def staff_search(queryset, text: str):
    """Profiles whose first name, last name or username contain every word of `text`."""
    for word in text.split():
        queryset = queryset.filter(
            Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word) | Q(user__username__icontains=word)
        )
    return queryset


def staff_users(*, include=()):
    """Users who may manage people: those with a staff profile who have not left, plus `include` (current choices)."""
    include = [pk for pk in include if pk is not None]
    current = Q(staff_profile__isnull=False, staff_profile__left_on__isnull=True)
    return get_user_model().objects.filter(current | Q(pk__in=include)).order_by("last_name", "first_name", "username")


def staff_groups(profile: StaffProfile):
    """The person's auth groups, each with its role or team (if any), i.e. what they reach."""
    return profile.user.groups.select_related("role", "team").order_by("name")


#
# History
#


def staff_history(profile: StaffProfile) -> list[dict]:
    """Who changed the profile, what and when, newest first, in a fixed number of queries.

    One save can write several rows (the profile, then one per change of its roles); they show as one entry.
    """
    records = list(
        profile.history.select_related("history_user", "team", "line_manager").order_by("history_date", "history_id")
    )
    # simple-history's m2m snapshots cannot be prefetched: read them all in one query.
    through = apps.get_model("workforce", "HistoricalStaffProfile_roles")
    roles_by_record: dict[int, list[str]] = {}
    for row in through.objects.filter(history__in=[r.history_id for r in records]).select_related("role"):
        if row.role is not None:
            roles_by_record.setdefault(row.history_id, []).append(row.role.name)

    entries: list[dict] = []
    previous = None
    for record in records:
        roles = sorted(roles_by_record.get(record.history_id, []))
        last = entries[-1] if entries else None
        # Rows written when the roles change follow the save that changed them and keep its updated_at.
        if (
            last is not None
            and record.history_type == "~"
            and record.history_user_id == last["user_id"]
            and record.updated_at == previous.updated_at
        ):
            last["roles_after"] = roles
            if record.history_change_reason and record.history_change_reason not in last["reasons"]:
                last["reasons"].append(record.history_change_reason)
        else:
            created = previous is None or record.history_type == "+"
            if created:
                changes = [
                    f"{label}: {_shown(getattr(record, field))}"
                    for field, label in HISTORY_FIELDS.items()
                    if getattr(record, field) not in (None, "")
                ]
            else:
                changes = [
                    f"{label}: {_shown(getattr(previous, field))} → {_shown(getattr(record, field))}"
                    for field, label in HISTORY_FIELDS.items()
                    if _raw(record, field) != _raw(previous, field)
                ]
            entries.append(
                {
                    "date": record.history_date,
                    "user": record.history_user,
                    "user_id": record.history_user_id,
                    "created": created,
                    "changes": changes,
                    "roles_before": None if created else last["roles_after"],
                    "roles_after": roles,
                    "reasons": [record.history_change_reason] if record.history_change_reason else [],
                }
            )
        previous = record

    for entry in entries:
        before, after = entry.pop("roles_before"), entry.pop("roles_after")
        if entry["created"]:
            entry["changes"].insert(0, "Added")
            if after:
                entry["changes"].append(f"Roles: {', '.join(after)}")
        elif before != after:
            entry["changes"].append(f"Roles: {', '.join(before) or 'none'} → {', '.join(after) or 'none'}")
        if not entry["changes"] and not entry["reasons"]:
            entry["changes"] = ["Saved with no change"]
    entries.reverse()
    return entries


def _raw(record, field: str):
    """The stored value: the id for a foreign key, so that comparing loads nothing."""
    return getattr(record, f"{field}_id") if field in ("team", "line_manager") else getattr(record, field)


def _shown(value) -> str:
    if value is None or value == "":
        return "none"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if hasattr(value, "strftime"):
        return f"{value.day} {value:%b %Y}"
    if hasattr(value, "get_full_name"):
        return value.get_full_name() or value.get_username()
    return str(value)


def role_requests_pending():
    """Requests for a role that sees every child, waiting for a second administrator, oldest first."""
    return (
        RoleGrantRequest.objects.filter(status=RoleGrantStatus.PENDING)
        .select_related("profile__user", "role", "requested_by")
        .order_by("created_at")
    )
