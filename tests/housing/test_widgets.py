"""FastSelect renders the same <select> as Django's template widget, with every value escaped."""

from django import forms

from housing.widgets import FastSelect

CHOICES = [("", "All"), ("1", "A & <b>"), ("2", 'Zoë "x"'), ("Group", [("3", "three")])]


def normalised(html):
    return "".join(line.strip() for line in html.splitlines())


def test_fast_select_renders_the_same_markup_as_django_select():
    attrs = {"id": "id_municipality", "aria-describedby": "id_municipality_helptext", "required": True}
    fast = FastSelect(choices=CHOICES).render("municipality", "2", attrs)
    django = forms.Select(choices=CHOICES).render("municipality", "2", attrs)
    assert normalised(fast) == normalised(django)


def test_fast_select_escapes_labels_and_values():
    html = FastSelect(choices=[('"><script>', "<script>alert(1)</script>")]).render("m", None)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="&quot;&gt;&lt;script&gt;"' in html
