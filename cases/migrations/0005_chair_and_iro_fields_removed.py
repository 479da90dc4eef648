"""The case's fixed chair and IRO fields go: 0004 made them assignments (cases.CaseAssignment), which
hold every assigned role for a child, with dates. The historical case rows lose the two columns too;
who chaired from when is the assignments' own history now."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_chair_and_iro_become_assignments'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='case',
            name='chair',
        ),
        migrations.RemoveField(
            model_name='case',
            name='iro',
        ),
        migrations.RemoveField(
            model_name='historicalcase',
            name='chair',
        ),
        migrations.RemoveField(
            model_name='historicalcase',
            name='iro',
        ),
    ]
