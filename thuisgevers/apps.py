from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThuisgeversConfig(AppConfig):
    name = "thuisgevers"
    verbose_name = _("Thuisgevers")
