"""Existing accounts get the address they have as the one their links may go to.

An account that has signed in counts as confirmed since its last sign-in: its holder has been using
it with that address (there is no better evidence to be had after the fact). One that never signed in
keeps its address unconfirmed: only an invitation may go there, and using it confirms the address.
"""

from django.conf import settings
from django.db import migrations


def vouch_for_current_addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    AccountEmail = apps.get_model("workforce", "AccountEmail")
    rows = [
        AccountEmail(user_id=user.pk, address=user.email, confirmed_at=user.last_login)
        for user in User.objects.exclude(email="").filter(account_email__isnull=True).only("pk", "email", "last_login")
    ]
    AccountEmail.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0003_account_safety"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(vouch_for_current_addresses, migrations.RunPython.noop)]
