from django.http import Http404


def report_index(request):
    raise Http404  # replaced by the reports issue
