"""Events of this app that the apps above act on (declared here, connected there: docs/architecture.md).

episode_ended(episode_id): an episode's end was recorded and committed; timeliness cancels the items
that fall after it.
"""

from django.dispatch import Signal

episode_ended = Signal()
