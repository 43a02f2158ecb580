"""Intent agreements with their progress and activities (SPEC §7). Progress comes from
figures.figures, so this page and the dashboard agree."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from accounts.access import personal_data_view
from figures import figures
from front.filters.housing import AgreementFilter
from front.views.common import filtered_page
from housing.models import Activity, IntentAgreement, Municipality


@personal_data_view
def agreement_list(request):
    queryset = (
        IntentAgreement.objects.visible_to(request.user)
        .select_related("municipality", "pioneer")
        .prefetch_related(Prefetch("partners", queryset=Municipality.objects.only("name")))
    )
    filterset = AgreementFilter(request.GET or None, queryset=queryset, request=request)
    page = filtered_page(request, filterset)
    progress = figures.agreement_progress(page.object_list)
    return render(
        request, "agreements/list.html", {"filter": filterset, "page_obj": page, "progress": progress}
    )


@personal_data_view
def agreement_detail(request, pk):
    agreement = get_object_or_404(
        IntentAgreement.objects.visible_to(request.user).select_related("municipality", "pioneer"), pk=pk
    )
    (progress,) = figures.agreement_progress([agreement])
    activities = (
        Activity.objects.filter(agreement=agreement)
        .select_related("municipality")
        .prefetch_related("organisations")
        .order_by("-date")
    )
    properties = agreement.properties.select_related("municipality").order_by("name")
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "partners": agreement.partners.all(),
            "progress": progress,
            "activities": activities,
            "properties": properties,
        },
    )
