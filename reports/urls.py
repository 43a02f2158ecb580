"""Addresses of SPEC §8: a report's name with `.csv` or `.xlsx` under /reports/, and the college
proposal of an agreement."""

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
    path("reports/", views.report_index, name="report_index"),
    path("reports/quota.<fmt:fmt>", views.quota_export, name="report_quota"),
    path("reports/placements.<fmt:fmt>", views.placements_export, name="report_placements"),
    path("reports/regions/<int:pk>.<fmt:fmt>", views.region_export, name="report_region"),
    path("reports/forecast.<fmt:fmt>", views.forecast_export, name="report_forecast"),
    path(
        "reports/forecast-checkpoints.<fmt:fmt>",
        views.forecast_checkpoints_export,
        name="report_forecast_checkpoints",
    ),
    path("reports/signals.<fmt:fmt>", views.signals_export, name="report_signals"),
    path("reports/supervision.<fmt:fmt>", views.supervision_export, name="report_supervision"),
    path("reports/evidence.<fmt:fmt>", views.evidence_export, name="report_evidence"),
    path("reports/progress/region/<int:pk>/", views.region_progress, name="report_region_progress"),
    path(
        "reports/progress/region/<int:pk>.pdf", views.region_progress_pdf, name="report_region_progress_pdf"
    ),
    path("reports/progress/<str:cbs_code>/", views.municipality_progress, name="report_progress"),
    path("reports/progress/<str:cbs_code>.pdf", views.municipality_progress_pdf, name="report_progress_pdf"),
    path(
        "agreements/<int:pk>/collegevoorstel.docx", views.college_proposal, name="agreement_college_proposal"
    ),
]
