from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class FrontConfig(AppConfig):
    name = "front"
    verbose_name = _("Pages")


# Django REST framework's Dutch catalogue translates Django's own "This field is required." as "Dit
# veld is vereist."; apps' catalogues take precedence over Django's, so every form would change its
# wording. The project catalogue (highest precedence) keeps Django's "Dit veld is verplicht.".
KEPT_DJANGO_WORDING = [gettext_noop("This field is required.")]
