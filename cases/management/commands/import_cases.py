from cases.case_import import case_import_plan
from cases.management.import_command import CsvImportCommand
from cases.services import case_import_apply
from processes.services import system_user


class Command(CsvImportCommand):
    help = (
        "Import children's cases and their episodes from a CSV file (docs/case-import.md). Every row is "
        "validated before anything is written; then one transaction. Importing the same file again changes nothing."
    )
    imported = "cases"

    def import_text(self, text, *, source, actor, dry_run):
        plan = case_import_plan(text, source=source)
        if dry_run:
            self.stdout.write(f"would import: {plan.counts_line()}")
            return
        # The system user is looked up (or created) only now: a dry run writes nothing at all.
        plan = case_import_apply(actor=actor or system_user(), plan=plan)
        self.stdout.write(plan.counts_line())
