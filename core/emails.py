"""Emails, each from three templates: templates/emails/<name>-subject.txt, <name>-body.txt and <name>-body.html.

Like healthchecks' hc/lib/emails.py: one helper renders and sends, so every email is built the same way.
Never put a child's name, date of birth or other details from a case into an email's context: mail
leaves the service and sits in inboxes we do not control. The most an email names is a case reference
(meaningless outside the case-management system), and only to someone responsible for that case.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines


def render(template_name: str, context: dict) -> str:
    """Render a template; .txt templates without HTML escaping (a name like O'Brien stays as typed)."""
    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context, autoescape=not template_name.endswith(".txt")))


def send(name: str, *, to: str, context: dict) -> EmailMultiAlternatives:
    """Render the email `name` with `context` (plus the service's names) and send it to one address."""
    context = {"SERVICE_NAME": settings.SERVICE_NAME, "ORGANISATION_NAME": settings.ORGANISATION_NAME, **context}
    # A header cannot hold a line break; the template's trailing newline and wrapping are not wanted anyway.
    subject = " ".join(render(f"emails/{name}-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render(f"emails/{name}-body.txt", context),
        to=[to],
        # RFC 3834: tells autoresponders (out-of-office replies) not to answer.
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render(f"emails/{name}-body.html", context), "text/html")
    message.send()
    return message
