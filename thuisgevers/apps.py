from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ThuisgeversConfig(AppConfig):
    name = "thuisgevers"
    verbose_name = _("Thuisgevers")

    def ready(self):
        from thuisgevers import audit, figure_cache, sessions  # noqa: F401 - sessions connects receivers

        audit.register_audited_models()
        figure_cache.connect()
        post_migrate.connect(_ensure_role_groups, dispatch_uid="thuisgevers_role_groups")


def _ensure_role_groups(sender, app_config, **kwargs):
    """Every installation has the role groups of SPEC §2 with their permissions after `migrate`.

    Runs at the post_migrate of the last app with models, when every app's permissions exist.
    """
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is with_models[-1]:
        from thuisgevers.roles import ensure_role_groups

        ensure_role_groups()
