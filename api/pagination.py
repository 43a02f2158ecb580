"""Pagination with links (NL API Design Rules): `?page=2&pageSize=50`, and in the body
`_links` with `self`, `first`, `prev`, `next`, `last`, the total `count` and the `results`.
A page past the end is empty (its links lead back), never an error."""

import math

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

PAGE = "page"
PAGE_SIZE = "pageSize"
MAX_PAGE = 10**6


def _positive_int(request, name, default, maximum):
    value = request.query_params.get(name)
    if value in (None, ""):
        return default
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= maximum:
        raise exceptions.ValidationError(
            {name: [_("Use a whole number from 1 to %(maximum)s.") % {"maximum": maximum}]}
        )
    return int(value)


class LinkPagination(BasePagination):
    page_size = 25
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size_used = _positive_int(request, PAGE_SIZE, self.page_size, self.max_page_size)
        self.number = _positive_int(request, PAGE, 1, MAX_PAGE)
        start = (self.number - 1) * self.page_size_used
        prefetch = getattr(queryset, "prefetch", None)  # signals: the page and its count in one query
        if prefetch is not None:
            prefetch(start, start + self.page_size_used)
        self.count = len(queryset) if isinstance(queryset, (list, tuple)) else queryset.count()
        return list(queryset[start : start + self.page_size_used])

    def _href(self, number):
        url = self.request.build_absolute_uri()
        return {"href": replace_query_param(url, PAGE, number)}

    def get_links(self):
        last = max(1, math.ceil(self.count / self.page_size_used))
        links = {"self": self._href(self.number), "first": self._href(1), "last": self._href(last)}
        if 1 < self.number <= last + 1:
            links["prev"] = self._href(self.number - 1)
        if self.number < last:
            links["next"] = self._href(self.number + 1)
        return links

    def get_paginated_response(self, data):
        return Response(
            {
                "_links": self.get_links(),
                "count": self.count,
                "page": self.number,
                "pageSize": self.page_size_used,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {
            "type": "object",
            "properties": {"href": {"type": "string", "format": "uri"}},
            "required": ["href"],
        }
        return {
            "type": "object",
            "required": ["_links", "count", "page", "pageSize", "results"],
            "properties": {
                "_links": {
                    "type": "object",
                    "required": ["self", "first", "last"],
                    "properties": dict.fromkeys(("self", "first", "prev", "next", "last"), link),
                },
                "count": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "pageSize": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": PAGE,
                "in": "query",
                "required": False,
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            {
                "name": PAGE_SIZE,
                "in": "query",
                "required": False,
                "description": f"Results per page (at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
