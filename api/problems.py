"""Errors as `application/problem+json` (RFC 9457) with Dutch titles (NL API Design Rules)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: gettext_lazy("The request contains invalid values."),
    401: gettext_lazy("Authentication required."),
    403: gettext_lazy("No access."),
    404: gettext_lazy("Not found."),
    405: gettext_lazy("Method not allowed."),
    406: gettext_lazy("The requested media type is not available."),
    409: gettext_lazy("Conflict with the current state."),
    415: gettext_lazy("Unsupported media type."),
    429: gettext_lazy("Too many requests."),
    500: gettext_lazy("Internal server error."),
}


def title_for(status_code):
    return str(TITLES.get(status_code, TITLES[400] if status_code < 500 else TITLES[500]))


def _invalid_params(detail, prefix=""):
    """[{name, code, reason}] from a DRF error detail (dict of lists, list, or string)."""
    if isinstance(detail, dict):
        params = []
        for name, value in detail.items():
            params.extend(_invalid_params(value, f"{prefix}.{name}" if prefix else str(name)))
        return params
    if isinstance(detail, list):
        params = []
        for index, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                params.extend(_invalid_params(value, f"{prefix}[{index}]" if prefix else str(index)))
            else:
                params.append(_param(prefix, value))
        return params
    return [_param(prefix, detail)]


def _camel(name):
    """`end_date` → `endDate`: the model's field names in the API's spelling."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _param(name, value):
    if name in ("", "__all__", "non_field_errors"):
        name = "nonFieldErrors"
    return {
        "name": _camel(name),
        "code": getattr(value, "code", "invalid") or "invalid",
        "reason": str(value),
    }


def problem_data(request, status_code, detail=None):
    return {
        "type": "about:blank",
        "title": title_for(status_code),
        "status": status_code,
        "detail": str(detail) if detail else title_for(status_code),
        "instance": request.path if request is not None else "",
    }


def problem(request, status_code, detail=None, *, invalid_params=None, headers=None):
    data = problem_data(request, status_code, detail)
    if invalid_params:
        data["invalidParams"] = invalid_params
    return Response(data, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _page_or_problem(request, status_code, page):
    if request.path.startswith("/api/"):
        response = JsonResponse(
            problem_data(request, status_code), status=status_code, content_type=PROBLEM_CONTENT_TYPE
        )
        response["API-Version"] = settings.API_VERSION
        return response
    return page()


def bad_request(request, exception=None):
    """handler400: problem+json under /api/ (e.g. a NUL byte refused by the request guard)."""
    return _page_or_problem(request, 400, lambda: defaults.bad_request(request, exception))


def server_error(request):
    """handler500: problem+json under /api/, the error page elsewhere."""
    return _page_or_problem(request, 500, lambda: defaults.server_error(request))


def exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"nonFieldErrors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's own 500 handling and logging
    headers = {
        name: value
        for name, value in response.headers.items()
        if name in ("WWW-Authenticate", "Retry-After", "Allow")
    }
    if isinstance(exc, exceptions.ValidationError):
        params = _invalid_params(exc.detail)
        detail = params[0]["reason"] if len(params) == 1 else _("The request contains invalid values.")
        return problem(request, exc.status_code, detail, invalid_params=params, headers=headers)
    detail = exc.detail if isinstance(exc, exceptions.APIException) else None
    if isinstance(detail, (list, dict)):
        detail = None
    return problem(request, response.status_code, detail, headers=headers)
