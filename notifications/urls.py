from django.urls import path

from notifications import views

urlpatterns = [
    path("account/deadline-emails/", views.digest_preference, name="digest_preference"),
]
