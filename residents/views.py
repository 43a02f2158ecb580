from django.http import Http404


def _todo(request, **kwargs):
    raise Http404  # replaced by the dashboard/daily-work issue


household_list = household_create = household_detail = placement_list = placement_create = _todo
