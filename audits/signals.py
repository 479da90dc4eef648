"""Events of this app that the apps above act on (declared here, connected there: docs/architecture.md).

audit_submitted(audit_id): a record was submitted (or amended, or moderated). Sent inside the
transaction that submits it (not on commit): timeliness meets the due item it satisfies and plans what
falls due next there and then, so no broker outage can separate the record from its due items.

audit_started(audit_id, due_item_id, actor): a draft was started from a due item ("Record it"). Sent
inside the transaction that starts it: timeliness ties the item to the draft, so that submitting the
draft meets that item. The item's id comes from the start view, which checked it through
audits.due_offers (the item is in the user's scope, of this process and subject).
"""

from django.dispatch import Signal

audit_submitted = Signal()
audit_started = Signal()
