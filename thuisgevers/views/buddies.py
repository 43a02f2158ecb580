"""Placeholder: replaced by the daily-work pages (issue 4)."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


buddy_list = buddy_detail = _todo
