from django.http import Http404


def _todo(request, **kwargs):
    raise Http404  # replaced by the dashboard/daily-work issue


property_list = property_create = property_detail = property_edit = _todo
agreement_list = agreement_detail = _todo
