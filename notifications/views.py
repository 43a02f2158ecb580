"""Each user chooses their deadline e-mail: off, daily or weekly."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import personal_data_view
from notifications.forms import DigestPreferenceForm
from notifications.models import DigestPreference


@login_required
@personal_data_view
def digest_preference(request):
    preference, _created = DigestPreference.objects.get_or_create(user=request.user)
    form = DigestPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choice for the deadline e-mail has been saved."))
        return redirect("digest_preference")
    return render(
        request, "notifications/preference.html", {"form": form, "has_email": bool(request.user.email)}
    )
