"""Shared helpers for the daily-work pages: filtered and paginated lists."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator

PAGE_SIZE = 25


def filtered_page(request, filterset, *, per_page=PAGE_SIZE):
    """Apply a FilterSet and paginate. Bad filter values are ignored (the form shows why); a bad page
    number gives the first page, a page past the end the last one: never an error page."""
    paginator = Paginator(filterset.qs, per_page)
    return paginator.get_page(request.GET.get("page"))


def posted(request):
    """The POST data for a form, or None on GET: an empty POST binds the form too (and fails its
    required fields with a message) instead of silently showing a blank form."""
    return request.POST if request.method == "POST" else None


def safe_next(request, default):
    """The `next` address of the request (query string or form) when it stays on this site, else
    `default`: where "Cancel" and a saved form go back to."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def error_messages(error):
    """The Dutch messages of a ValidationError (a list, a dict of fields or one message)."""
    return error.messages if hasattr(error, "messages") else [str(error)]


def saved_unless_changed(form):
    """Save an edit form under its lost-update check; False (the message on the form) when stale."""
    try:
        form.save_checked()
    except ValidationError as error:
        for message in error_messages(error):
            form.add_error(None, message)
        return False
    return True
