"""Helpers of the workforce tests: what the staff form posts."""

from datetime import date


def staff_data(team=None, roles=(), line_manager=None, start=date(2024, 1, 8), left_on=None, **fields) -> dict:
    data = {
        "first_name": "Robin",
        "last_name": "Ashworth",
        "email": "robin.ashworth@example.org",
        "job_title": "Social Worker",
        "team": team.pk if team else "",
        "line_manager": line_manager.pk if line_manager else "",
        "roles": [role.pk for role in roles],
        "start_date_0": start.day,
        "start_date_1": start.month,
        "start_date_2": start.year,
    }
    if left_on is not None:
        data.update(left_on_0=left_on.day, left_on_1=left_on.month, left_on_2=left_on.year)
    data.update(fields)
    return data


def edit_data(profile, **changes) -> dict:
    """The edit form as it arrives with the profile's current values, then `changes`."""
    data = staff_data(
        team=profile.team,
        roles=profile.roles.all(),
        line_manager=profile.line_manager,
        start=profile.start_date,
        left_on=profile.left_on,
        first_name=profile.user.first_name,
        last_name=profile.user.last_name,
        email=profile.user.email,
        job_title=profile.job_title,
    )
    data.update(changes)
    return data
