"""Template filters for the figures pages."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

from figures import wording

register = template.Library()


@register.filter
def as_percent(value, mode=""):
    """A fraction (0.6667) as a localised percentage ("66,7%"); "—" when unknown. `"signed"` adds a
    plus sign to positive values, for deviations."""
    if value is None or value == "":
        return "—"
    text = floatformat(value * 100, 1) + "%"
    if mode == "signed" and value > 0:
        return "+" + text
    return text.replace("-", "−")


@register.filter
def signed_number(value):
    """A whole number with thousands separators and a real minus sign: "−1.234" for a lead."""
    if value is None or value == "":
        return "—"
    text = intcomma(abs(value))
    return f"−{text}" if value < 0 else text


@register.simple_tag
def figure_definitions():
    """The (term, definition) pairs of figures.wording, in the active language."""
    return wording.definitions()
