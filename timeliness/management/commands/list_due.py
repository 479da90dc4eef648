"""Print one case's due items as JSON lines, for scripts and for checking the planner by hand. Read-only."""

import json

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from timeliness.models import DueItem


def _day(value):
    return value.isoformat() if value else None


class Command(BaseCommand):
    help = (
        "List a case's due items as JSON lines (process, due, status, responsible, role, completed, episode, "
        "key), by due date then process key. Unknown reference: a message on stderr and exit code 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--case", required=True, metavar="REFERENCE", help="the case's reference")

    def handle(self, *args, case, **options):
        found = Case.objects.filter(reference=case).first()
        if found is None:
            # manage.py prints a CommandError on stderr and exits with 1.
            raise CommandError(f"--case {case!r}: no case has that reference")
        items = (
            DueItem.objects.filter(case=found)
            .select_related("process", "responsible", "responsible_role")
            .order_by("due_on", "process__key", "pk")
        )
        for item in items:
            line = {
                "process": item.process.key,
                "due": _day(item.due_on),
                "status": item.status,
                "responsible": item.responsible.username if item.responsible else None,
                "role": item.responsible_role.key if item.responsible_role else None,
                "completed": _day(item.completed_on),
                "episode": item.episode_id,
                "key": item.key,
            }
            self.stdout.write(json.dumps(line))
