from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accesslog.models import AccessLogSeal
from accesslog.seal import verify


class Command(BaseCommand):
    help = "Recompute the access log's hash chain; exits with an error when a row or seal was tampered with."

    def handle(self, *args, **options):
        findings = verify()
        for finding in findings:
            where = f"seal {finding.seal.pk} (≤ row {finding.seal.last_id})" if finding.seal else "log"
            self.stderr.write(f"{where}: {finding.message}")
        if findings:
            raise CommandError(
                _("The access log was tampered with: %(count)s findings.") % {"count": len(findings)}
            )
        self.stdout.write(
            _("The access log is intact: %(count)s seals checked.") % {"count": AccessLogSeal.objects.count()}
        )
