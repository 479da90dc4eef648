"""The case page's sections from other apps: the one hook by which a higher app adds to a case page.

The case page belongs to this app, but what it shows about a child's records (audits, actions, due
items) belongs to the apps above, which this app must not import. Each such app registers a section in
its AppConfig.ready(): a template and a function giving that template's context for one case and one
user. The page renders the sections in their order, after the case's own details.

The context function is called only for a case already in the user's scope; it must still narrow what
it reads to the user (a draft is its author's alone, say).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CaseSection:
    template: str
    context: Callable[..., dict]
    order: int


_SECTIONS: dict[str, CaseSection] = {}


def case_section_register(template: str, context: Callable[..., dict], *, order: int) -> None:
    """Add a section to every case page (called once per app; registering a template again replaces it)."""
    _SECTIONS[template] = CaseSection(template=template, context=context, order=order)


def case_sections(*, user, case) -> tuple[list[str], dict]:
    """The section templates of a case page, in order, and the context they need together."""
    sections = sorted(_SECTIONS.values(), key=lambda section: section.order)
    context: dict = {}
    for section in sections:
        context.update(section.context(user=user, case=case))
    return [section.template for section in sections], context
