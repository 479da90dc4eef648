from cases.management.import_command import CsvImportCommand
from journeys.event_import import event_import_plan, events_import_apply


class Command(CsvImportCommand):
    help = (
        "Import dated facts of children's journeys (placements, legal status, visits, meetings held, "
        'assignments, ...) from a CSV file, one event a row (docs/case-import.md, "Events"). Every row is '
        "validated before anything is written; then one transaction. Importing the same file again changes nothing."
    )
    imported = "events"

    def import_text(self, text, *, source, actor, dry_run):
        if dry_run:
            plan = event_import_plan(text, source=source)
            for line in plan.counts_lines():
                self.stdout.write(f"would import: {line}")
            if plan.is_empty:
                self.stdout.write("would import: nothing; the portal holds every row of the file already")
            return
        plan = events_import_apply(text, source=source, actor=actor)
        for line in plan.counts_lines():
            self.stdout.write(line)
        if plan.is_empty:
            self.stdout.write("nothing changed: the portal holds every row of the file already")
