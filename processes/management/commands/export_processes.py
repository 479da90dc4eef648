import json

from django.core.management.base import BaseCommand

from processes.selectors import catalogue_export


class Command(BaseCommand):
    help = "Print the process catalogue as JSON, in the order of the support tool's tables."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(catalogue_export(), indent=2, ensure_ascii=False))
