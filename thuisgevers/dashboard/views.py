"""Placeholder: replaced by the dashboard (issue 4)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


dashboard = signal_list = municipality_list = municipality_detail = region_detail = _todo
