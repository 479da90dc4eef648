"""The case's fixed chair and IRO fields go: 0004 made them assignments (cases.CaseAssignment), which
hold every assigned role for a child, with dates.

The case table loses its two columns. The historical case table keeps them in the database (left out
of the model's state only): the chair and IRO each history row recorded stay on record, and a
downgrade finds them where they were. New history rows leave them empty (they are nullable, with no
constraint). Going back, 0004's reverse writes each case's chair and IRO from its assignments.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_chair_and_iro_become_assignments"),
    ]

    operations = [
        migrations.RemoveField(model_name="case", name="chair"),
        migrations.RemoveField(model_name="case", name="iro"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="historicalcase", name="chair"),
                migrations.RemoveField(model_name="historicalcase", name="iro"),
            ],
            database_operations=[],
        ),
    ]
