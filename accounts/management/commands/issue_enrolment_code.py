from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.enrolment import ENROLMENT_CODE_DAYS, issue


class Command(BaseCommand):
    help = "Issue a one-time code with which the user sets up their second factor (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=ENROLMENT_CODE_DAYS)

    def handle(self, *args, username, days, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(_("No user with the user name %(name)s.") % {"name": username}) from exc
        code = issue(user=user, days=days)
        self.stdout.write(
            _("Setup code for %(name)s, valid for %(days)s days: %(code)s")
            % {"name": username, "days": days, "code": code}
        )
