"""Events of this app that the apps above act on (declared here, connected there: docs/architecture.md).

audit_submitted(audit_id): a record was submitted (or amended, or moderated). Sent inside the
transaction that submits it (not on commit): timeliness meets the due item it satisfies and plans what
falls due next there and then, so no broker outage can separate the record from its due items.
"""

from django.dispatch import Signal

audit_submitted = Signal()
