"""Password sign-in: Django's ModelBackend, with the signed-in user read in plain SQL together with
their TOTP devices.

Every signed-in request loads its user, and nearly every one the device that verified the session
(accounts.otp.OTPMiddleware). One query answers both: the user's row with the id and confirmation
of each of their TOTP devices, read afresh on every request, so a deactivated user or a deleted
device stops working at once on every server. Django still checks the session hash (a password
change signs out other sessions) and `is_active`; django_otp still checks the device's owner and
confirmation. The ORM spent ~0.3 ms building the user query, several times the database's answer,
and the device cost a second round trip (docs/performance.md).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django_otp.plugins.otp_totp.models import TOTPDevice

# {device id: confirmed} of the user's TOTP devices, as read with the user in this request.
TOTP_DEVICES = "_thuisgevers_totp_devices"


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        meta, device_meta = user_model._meta, TOTPDevice._meta
        using = router.db_for_read(user_model)
        quote = connections[using].ops.quote_name
        columns = ", ".join(f"u.{quote(field.column)}" for field in meta.concrete_fields)
        device_user = quote(device_meta.get_field("user").column)
        sql = (
            f"SELECT {columns}, d.{quote(device_meta.pk.column)} AS totp_id, "  # noqa: S608 - names from meta
            f"d.{quote(device_meta.get_field('confirmed').column)} AS totp_confirmed "
            f"FROM {quote(meta.db_table)} u LEFT JOIN {quote(device_meta.db_table)} d "
            f"ON d.{device_user} = u.{quote(meta.pk.column)} "
            f"WHERE u.{quote(meta.pk.column)} = %s"
        )
        try:
            user_id = meta.pk.to_python(user_id)
        except Exception:  # noqa: BLE001 - a malformed id in a session is no user
            return None
        rows = list(user_model._default_manager.raw(sql, [user_id]).using(using))
        if not rows:
            return None
        user = rows[0]
        devices = {row.totp_id: bool(row.totp_confirmed) for row in rows if row.totp_id is not None}
        setattr(user, TOTP_DEVICES, devices)
        del user.totp_id, user.totp_confirmed
        return user if self.user_can_authenticate(user) else None
