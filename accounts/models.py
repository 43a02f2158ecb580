from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EnrolmentCode(models.Model):
    """A one-time code, issued with an account, without which the account cannot set up its second
    factor: a password alone (guessed, phished, reused) is not enough to enrol an authenticator app.
    Only a hash is stored; the code is shown once, to whoever issues it (accounts/enrolment.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolment_code",
        verbose_name=_("user"),
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=128, editable=False)
    expires_at = models.DateTimeField(_("valid until"))
    failed_attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("second-factor setup code")
        verbose_name_plural = _("second-factor setup codes")

    def __str__(self):
        return f"{self.user} ({self.expires_at:%Y-%m-%d})"
