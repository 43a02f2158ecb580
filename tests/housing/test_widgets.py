"""FastSelect renders the same <select> as Django's template widget, with every value escaped."""

from django import forms

from front.widgets import FastSelect

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


def test_fast_select_matches_django_for_model_choices_none_and_no_selection(db):
    from housing.models import Municipality

    for value in (None, "", "999999"):
        field = forms.ModelChoiceField(queryset=Municipality.objects.order_by("name")[:5], empty_label="Alle")
        fast = FastSelect(choices=field.choices).render("m", value, {"id": "id_m"})
        django = forms.Select(choices=field.choices).render("m", value, {"id": "id_m"})
        assert normalised(fast) == normalised(django)
    first = Municipality.objects.order_by("name").first()
    field = forms.ModelChoiceField(queryset=Municipality.objects.order_by("name")[:5])
    fast = FastSelect(choices=field.choices).render("m", first.pk, {})
    assert normalised(fast) == normalised(forms.Select(choices=field.choices).render("m", first.pk, {}))
    assert f'value="{first.pk}" selected' in fast


def test_fast_select_selects_only_the_first_of_equal_values():
    choices = [("1", "a"), ("1", "b")]
    fast = FastSelect(choices=choices).render("m", "1")
    assert fast.count("selected") == 1
    assert normalised(fast) == normalised(forms.Select(choices=choices).render("m", "1"))
