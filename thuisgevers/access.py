"""Roles and scope for views (SPEC §2). The scope rules themselves live in housing/scope.py and the
`visible_to(user)` queryset methods; this module turns them into view decorators."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from housing import scope


def _no_role(request):
    return render(request, "no_role.html", status=403)


def figures_view(view):
    """Any user with a role (coordinators included): pages of figures, no personal data."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope.has_role(request.user):
            return _no_role(request)
        return view(request, *args, **kwargs)

    return wrapper


def personal_data_view(view):
    """Staff, pioneers and superusers. A coordinator gets the no-access page (403): such pages never
    confirm that a record exists; records outside a user's scope answer 404 via `visible_to`."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scope.sees_personal_data(request.user):
            return _no_role(request)
        return view(request, *args, **kwargs)

    return wrapper
