"""The portal's navigation: clients' own links and the links other apps add.

- Other apps add a link through the `portal_navigation_items` hook: fn(request) -> a
  `PortalLink` or None.
- Links show in their `order`. Clients' own: Home (0), the therapist they are looking at
  (200, only for a client of several therapists), Profile (300), Your data (400).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks


@dataclass(frozen=True)
class PortalLink:
    label: str
    url: str
    order: int = 0


def portal_links(request):
    links = [
        PortalLink(_("Home"), reverse("portal:dashboard"), order=0),
        PortalLink(_("Profile"), reverse("portal:profile"), order=300),
        PortalLink(_("Your data"), reverse("portal:data"), order=400),
    ]
    if len(getattr(request, "client_profiles", ())) > 1:  # error pages may lack it
        therapist = request.client.therapist
        name = therapist.get_full_name() or therapist.email
        label = _("With %(name)s") % {"name": name}
        links.append(PortalLink(label, reverse("portal:therapists"), order=200))
    for fn in hooks.get_hooks("portal_navigation_items"):
        link = fn(request)
        if link is not None:
            links.append(link)
    return sorted(links, key=lambda link: link.order)
