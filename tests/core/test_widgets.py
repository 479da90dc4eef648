"""The project's select template (templates/django/forms/widgets/select.html) writes its options inline
for speed; it must write the same HTML as Django's own templates (blank lines between options aside)."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html

CHOICES = [
    ("", "Any"),
    ("Teams", [("1", "Assessment & intake"), ("2", 'Children in care "North"')]),
    ("3", "Youth offending"),
]


def _select(**kwargs):
    return forms.Select(choices=CHOICES, attrs={"class": "govuk-select", "id": "id_team"}, **kwargs)


def test_the_select_template_writes_the_same_markup_as_djangos(settings):
    assert settings.FORM_RENDERER == "django.forms.renderers.TemplatesSetting"
    ours = _select().render("team", "2")
    djangos = _select().render("team", "2", renderer=DjangoTemplates())
    assert parse_html(ours) == parse_html(djangos)
    assert '<option value="2" selected>Children in care &quot;North&quot;</option>' in ours


def test_a_multiple_select_marks_every_chosen_option():
    widget = forms.SelectMultiple(choices=CHOICES)
    ours = widget.render("teams", ["1", "3"])
    assert parse_html(ours) == parse_html(widget.render("teams", ["1", "3"], renderer=DjangoTemplates()))
    assert ours.count(" selected") == 2


def test_the_python_select_writes_the_same_markup_as_djangos():
    from core.widgets import Select

    attrs = {"class": "govuk-select", "id": "id_team", "required": True}
    ours = Select(choices=CHOICES, attrs=attrs).render("team", "2")
    djangos = forms.Select(choices=CHOICES, attrs=attrs).render("team", "2", renderer=DjangoTemplates())
    assert parse_html(ours) == parse_html(djangos)
    assert '<option value="2" selected>Children in care &quot;North&quot;</option>' in ours
    assert 'name="team"' in ours and "required" in ours


def test_the_python_select_escapes_what_it_is_given():
    from core.widgets import Select

    html = Select(choices=[("<x>", "<script>alert(1)</script>")]).render('a"b', None)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'name="a&quot;b"' in html and 'value="&lt;x&gt;"' in html
