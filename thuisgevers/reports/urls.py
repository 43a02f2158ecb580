from django.urls import path

from thuisgevers.reports import views

urlpatterns = [
    path("", views.report_index, name="report_index"),
]
