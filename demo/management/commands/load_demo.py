from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from demo.data import DEFAULT_CASES, DEMO_PASSWORD_DEFAULT, MAX_CASES, demo_load
from qa_portal.env import env_secret


class Command(BaseCommand):
    help = (
        "Load fictional demo data: four teams, the demo users (password from DEMO_PASSWORD, default in the "
        "README) and a few hundred cases with episodes. Development only: refuses to run with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when any case exists (what `make run` uses)"
        )
        parser.add_argument(
            "--cases", type=int, default=DEFAULT_CASES, help=f"how many demo cases (default {DEFAULT_CASES})"
        )

    def handle(self, *args, if_empty, cases, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo refuses to run with DEBUG off")
        if not 0 <= cases <= MAX_CASES:
            raise CommandError(f"--cases must be between 0 and {MAX_CASES}")
        if if_empty and Case.objects.exists():
            self.stdout.write("load_demo: cases exist already; nothing done (--if-empty)")
            return
        password = env_secret("DEMO_PASSWORD") or DEMO_PASSWORD_DEFAULT
        result = demo_load(cases=cases, password=password)
        # Counts only: the output of a command ends up in logs, and logs never name a child.
        for line in result.lines():
            self.stdout.write(f"load_demo: {line}")
        source = "DEMO_PASSWORD" if password != DEMO_PASSWORD_DEFAULT else "the default in the README"
        self.stdout.write(f"load_demo: demo users sign in with the password from {source}")
