"""Placeholder: replaced by the daily-work pages (issue 4)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


placement_list = placement_create = _todo
