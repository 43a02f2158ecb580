from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThuisgeversConfig(AppConfig):
    name = "thuisgevers"
    verbose_name = _("Thuisgevers")

    def ready(self):
        from thuisgevers import audit, sessions  # noqa: F401 - sessions connects its signal receivers

        audit.register_audited_models()
