"""The case list's CSV (/cases/export.csv): its columns, and its rows read as the file streams.

The rows come from the list's own scoped, filtered queryset (cases.views.CaseExportView) as `values_list`
tuples through a server-side cursor (core.csv_export.queryset_rows); each chunk's open episodes are read
in one query, in the order the list shows them. No case or episode object is made.
"""

from collections.abc import Iterator

from cases.choices import EpisodeKind
from cases.models import Episode
from core.csv_export import in_chunks, person_name, queryset_rows

EXPORT_COLUMNS = [
    "reference",
    "child_name",
    "date_of_birth",
    "team",
    "allocated_worker",
    "status",
    "closed_on",
    "open_episodes",
]

_KIND_LABELS = dict(EpisodeKind.choices)


def case_export_rows(cases) -> Iterator[list]:
    """The CSV rows of `cases` (the list's queryset, in its order)."""
    # The list's prefetches make objects; the export reads columns.
    rows = cases.prefetch_related(None).values_list(
        "pk",
        "reference",
        "child_name",
        "date_of_birth",
        "team__name",
        "allocated_worker__first_name",
        "allocated_worker__last_name",
        "allocated_worker__username",
        "status",
        "closed_on",
    )
    for chunk in in_chunks(queryset_rows(rows)):
        episodes: dict[int, list[str]] = {}
        open_episodes = (
            Episode.objects.filter(case_id__in=[row[0] for row in chunk], end__isnull=True)
            .order_by("case_id", "start", "pk")
            .values_list("case_id", "kind")
        )
        for case_id, kind in open_episodes:
            episodes.setdefault(case_id, []).append(_KIND_LABELS.get(kind, kind))
        for pk, reference, name, born, team, first, last, username, status, closed_on in chunk:
            yield [
                reference,
                name,
                born.isoformat(),
                team,
                person_name(first, last, username),
                status,
                closed_on.isoformat() if closed_on else "",
                "; ".join(episodes.get(pk, ())),
            ]
