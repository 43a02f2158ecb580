"""Small template helpers for the layout and accessible forms. No business logic here."""

from django import template
from django.forms import CheckboxInput, CheckboxSelectMultiple, RadioSelect
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from housing import scope

register = template.Library()


@register.simple_tag(takes_context=True)
def user_sees_personal_data(context):
    """Whether the navigation shows the sections with personal data (staff, pioneers, superusers)."""
    request = context.get("request")
    user = getattr(request, "user", None)  # error pages may render before authentication ran
    return bool(user is not None and scope.sees_personal_data(user))


@register.simple_tag(takes_context=True)
def user_has_role(context):
    request = context.get("request")
    return bool(request and scope.has_role(request.user))


@register.simple_tag(takes_context=True)
def user_sets_quotas(context):
    request = context.get("request")
    return bool(request and scope.sets_quotas(request.user))


@register.simple_tag(takes_context=True)
def nav_current(context, *prefixes):
    """` aria-current="page"` on the navigation link of the section the current page belongs to."""
    request = context.get("request")
    # A page shown at another section's address (an error on a form posted elsewhere) names its
    # own section with `nav_section`, e.g. "/households/".
    path = context.get("nav_section") or (request.path if request else "")
    if path and any(path.startswith(prefix) for prefix in prefixes):
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
