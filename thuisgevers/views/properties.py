"""Placeholder: replaced by the daily-work pages (issue 4)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


property_list = property_create = property_detail = property_edit = _todo
