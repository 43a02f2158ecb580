"""Addresses of SPEC §8: a report's name with `.csv` or `.xlsx` under /reports/."""

from django.urls import path, register_converter

from reports import views


class FormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "fmt")

urlpatterns = [
    path("", views.report_index, name="report_index"),
    path("quota.<fmt:fmt>", views.quota_export, name="report_quota"),
    path("placements.<fmt:fmt>", views.placements_export, name="report_placements"),
    path("regions/<int:pk>.<fmt:fmt>", views.region_export, name="report_region"),
    path("signals.<fmt:fmt>", views.signals_export, name="report_signals"),
    path("evidence.<fmt:fmt>", views.evidence_export, name="report_evidence"),
    path("progress/region/<int:pk>/", views.region_progress, name="report_region_progress"),
    path("progress/region/<int:pk>.pdf", views.region_progress_pdf, name="report_region_progress_pdf"),
    path("progress/<str:cbs_code>/", views.municipality_progress, name="report_progress"),
    path("progress/<str:cbs_code>.pdf", views.municipality_progress_pdf, name="report_progress_pdf"),
]
