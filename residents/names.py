"""Households by the names of their residents, for pages whose users may see names (staff and
pioneers); lists and exports for others keep the pseudonymous reference."""

from residents.models import Resident
from residents.services import ANONYMISED_NAME


def household_names(household_ids):
    """{household id: "Haddad" or "Haddad / Yousef"}: the residents' family names in order of
    registration, each once, in one query. Households without names (anonymised) are left out."""
    names = {}
    rows = (
        Resident.objects.filter(household_id__in=list(household_ids))
        .exclude(family_name__in=["", ANONYMISED_NAME])
        .order_by("household_id", "pk")
        .values_list("household_id", "family_name")
    )
    for household_id, family_name in rows:
        found = names.setdefault(household_id, [])
        if family_name not in found:
            found.append(family_name)
    return {household_id: " / ".join(found) for household_id, found in names.items()}
