from django.core.paginator import Paginator
from django.utils.functional import cached_property


class SeparatelyCountedPaginator(Paginator):
    """Pages through one queryset and counts with another that holds the same rows.

    The default case list uses it: the query shape that finds one sorted page fastest is slow to
    count on PostgreSQL, and the other way round (see ScopedQuerySet.for_user's `shape`).
    """

    def __init__(self, object_list, per_page, *, count_queryset, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_queryset = count_queryset

    @cached_property
    def count(self):
        return self.count_queryset.count()
