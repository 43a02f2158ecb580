"""Who may call which operation: the roles of the pages (accounts/access.py), for API clients."""

from rest_framework import permissions

from housing import scope


class HasRole(permissions.BasePermission):
    """Any client with a role: figures (coordinators included)."""

    def has_permission(self, request, view):
        return scope.has_role(request.user)


class SeesPersonalData(permissions.BasePermission):
    """Staff and pioneers (and superusers): households, residents, placements, properties, signals.
    A coordinator gets 403, like the pages' “no access”; records outside the scope answer 404."""

    def has_permission(self, request, view):
        return scope.sees_personal_data(request.user)
