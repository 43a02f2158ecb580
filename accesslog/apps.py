from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccesslogConfig(AppConfig):
    """The access log (Logboek dataverwerkingen / NEN 7513). Depends on no other app of ours, so
    every app may write to it; it keeps no foreign keys, so it outlives the records it names."""

    name = "accesslog"
    verbose_name = _("Access log")
