"""Small template helpers for the layout and accessible forms. No business logic here."""

from django import template
from django.conf import settings
from django.forms import CheckboxInput, CheckboxSelectMultiple, RadioSelect
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from housing import scope

register = template.Library()


# The sections of the main menu (templates/includes/nav.html) and the addresses each one covers.
MENU_SECTIONS = {
    "dashboard": ("/dashboard/",),
    "signals": ("/signals/",),
    "municipalities": ("/municipalities/", "/regions/"),
    "properties": ("/properties/",),
    "households": ("/households/",),
    "waiting": ("/waiting/", "/proposals/"),
    "placements": ("/placements/",),
    "buddies": ("/buddies/",),
    "agreements": ("/agreements/",),
    "supervision": ("/supervision/",),
    "quotas": ("/quotas/",),
    "reports": ("/reports/",),
    "deadline_email": ("/account/deadline-emails/",),
}
_kept_parts = {}


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)  # error pages may render before authentication ran


def menu_section(context):
    """The menu section the current page belongs to ("" for none). A page shown at another
    section's address (an error on a form posted elsewhere) names its own section with
    `nav_section`, e.g. "/households/"."""
    request = context.get("request")
    path = context.get("nav_section") or (request.path if request else "")
    return next((name for name, prefixes in MENU_SECTIONS.items() if path.startswith(prefixes)), "")


def _kept(template_name, context):
    """`template_name` rendered with `context` (and the language, the URLconf and the prefix the
    application is mounted at), rendered once per process for each combination and kept: for the
    parts of the page shell that depend on nothing else (no data, no names, no tokens), whose
    variants are few. Rendered anew with DEBUG on, so template edits show at once in development."""
    key = (template_name, translation.get_language(), get_script_prefix(), get_urlconf(), *context.items())
    html = None if settings.DEBUG else _kept_parts.get(key)
    if html is None:
        html = render_to_string(template_name, context)
        _kept_parts[key] = html
    return html


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The main menu for the user's roles and the current section. Rendering it (14 links, their
    addresses and translations) cost more than the rest of a cached dashboard's page shell
    (docs/performance.md), so each variant is rendered once (`_kept`)."""
    user = _user(context)
    if user is None or not user.is_authenticated:
        return ""
    return _kept(
        "includes/nav.html",
        {
            "section": menu_section(context),
            "has_role": scope.has_role(user),
            "personal": scope.sees_personal_data(user),
            "sets_quotas": scope.sets_quotas(user),
            "is_staff": user.is_staff,
        },
    )


@register.simple_tag(takes_context=True)
def header_search(context):
    """The header's search of people, for those who see personal data; rendered once (`_kept`)."""
    user = _user(context)
    if user is None or not scope.sees_personal_data(user):
        return ""
    return _kept("includes/header_search.html", {})


@register.simple_tag(takes_context=True)
def nav_current(context, section):
    """` aria-current="page"` on the menu link of the current section (in includes/nav.html)."""
    if context.get("section") == section:
        return mark_safe(' aria-current="page"')  # noqa: S308 - a constant
    return ""


def describedby_ids(field):
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.simple_tag
def render_field(field, **extra_attrs):
    """The widget of a bound field with its help text and error message tied to it
    (aria-describedby, aria-invalid), so screen readers announce them with the field."""
    attrs = dict(extra_attrs)
    described = describedby_ids(field)
    if described and not field.field.widget.use_fieldset:
        attrs["aria-describedby"] = described
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def field_describedby(field):
    return describedby_ids(field)


@register.filter
def is_checkbox(field):
    return isinstance(field.field.widget, CheckboxInput)


@register.filter
def is_choice_list(field):
    return isinstance(field.field.widget, RadioSelect | CheckboxSelectMultiple)


@register.simple_tag
def elided_pages(page_obj):
    """Page numbers around the current page, with ellipses (Paginator.get_elided_page_range)."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.simple_tag(takes_context=True)
def sort_header(context, param, label, numeric=False):
    """A column header that sorts the list by `param` (an OrderingFilter value), keeping the other
    filters; a second click reverses. Announces the current order with aria-sort."""
    request = context["request"]
    current = request.GET.get("ordering", "")
    if current == param:
        next_value, sort, arrow = f"-{param}", "ascending", "▲"
    elif current == f"-{param}":
        next_value, sort, arrow = param, "descending", "▼"
    else:
        next_value, sort, arrow = param, None, ""
    query = request.GET.copy()
    query["ordering"] = next_value
    query.pop("page", None)
    classes = ' class="numeric"' if numeric else ""
    aria = format_html(' aria-sort="{}"', sort) if sort else ""
    indicator = (
        format_html(' <span class="sort-indicator" aria-hidden="true">{}</span>', arrow) if arrow else ""
    )
    return format_html(
        '<th scope="col"{}{}><a href="?{}">{}{}</a></th>',
        mark_safe(classes),  # noqa: S308 - a constant
        aria,
        query.urlencode(),
        label,
        indicator,
    )
