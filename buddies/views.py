from django.http import Http404


def _todo(request, **kwargs):
    raise Http404  # replaced by the dashboard/daily-work issue


buddy_list = buddy_detail = _todo
