from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts import audit, sessions  # noqa: F401 - sessions connects its receivers

        audit.register_audited_models()
        post_migrate.connect(_ensure_role_groups, dispatch_uid="accounts_role_groups")


def _ensure_role_groups(sender, app_config, plan=None, **kwargs):
    """Every installation has the role groups of SPEC §2 with their permissions after `migrate`.

    Runs at the post_migrate of the last app with models, when every app's permissions exist, and
    only after `migrate` (which passes its plan): `flush` sends post_migrate too, and groups made
    there would collide with the ones a test restores from its serialised database.
    """
    if plan is None:
        return
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is with_models[-1]:
        from accounts.roles import ensure_role_groups

        ensure_role_groups()
