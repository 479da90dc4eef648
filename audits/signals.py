"""Events of this app that the apps above act on (declared here, connected there: docs/architecture.md).

audit_submitted(audit_id): a record was submitted and committed; timeliness meets the due item it
satisfies and plans what falls due next.
"""

from django.dispatch import Signal

audit_submitted = Signal()
