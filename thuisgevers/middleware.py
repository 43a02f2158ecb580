"""Request guards and response headers that apply to every page.

- Oversized request bodies are refused with 413 before anything reads them (uploads included:
  DATA_UPLOAD_MAX_MEMORY_SIZE only limits the non-file part of a form).
- NUL bytes in the address, query string, form fields or cookies are refused with 400: PostgreSQL
  cannot store or compare strings containing NUL, so a filter given `?q=%00` would otherwise crash
  with a 500 deep inside a query.
- Only GET, HEAD, POST and OPTIONS: no page deletes or replaces anything by DELETE, PUT or PATCH, and
  many views would otherwise answer those like a GET. Refused with 405.
- A minimal Permissions-Policy: the application uses no camera, microphone, location or payment.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string

ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)


class NulByteInRequest(SuspiciousOperation):
    """Turned into a 400 with the Dutch error page by Django's handler400."""


def _has_nul(querydict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in querydict.lists())


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_SIZE:
            return HttpResponse(render_to_string("413.html", request=None), status=413)
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items())
        ):
            raise NulByteInRequest("NUL byte in the address, query string or cookies")
        if (
            request.method == "POST"
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
            and _has_nul(request.POST)
        ):
            raise NulByteInRequest("NUL byte in a form field")
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
