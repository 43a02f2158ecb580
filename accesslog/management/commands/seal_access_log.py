from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accesslog.seal import seal


class Command(BaseCommand):
    help = (
        "Add a link to the access log's hash chain for the rows written since the last one (schedule hourly)."
    )

    def handle(self, *args, **options):
        link = seal()
        if link is None:
            self.stdout.write(_("Nothing to seal."))
        else:
            self.stdout.write(
                _("Sealed %(count)s rows up to row %(last)s: %(digest)s")
                % {"count": link.row_count, "last": link.last_id, "digest": link.digest}
            )
