"""Events of this app that the apps above act on (declared here, connected there: docs/architecture.md).

journey_facts_changed(case_ids, actor, reason): facts of these children's journeys were added or changed
(a placement, a visit, a meeting held, ...). Sent inside the transaction that writes them (not on
commit): the planner (timeliness) derives those cases' due items again in the same transaction, so a
fact and the items it starts, meets or ends commit together, or not at all. One send per write
(journeys.services.facts_record), with every case the write changed, so an import of many rows costs the
receivers a few queries, not a few per case. A write that changes nothing sends nothing.
"""

from django.dispatch import Signal

journey_facts_changed = Signal()
