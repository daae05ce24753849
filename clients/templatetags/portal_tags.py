from django import template
from laces.templatetags.laces import component
from wagtail.models import Site

from .. import navigation
from ..models import DEFAULT_CRISIS_NOTICE, PortalSettings

register = template.Library()

# Panels other apps add to portal pages render themselves, as in Wagtail's admin.
register.tag("component", component)


@register.inclusion_tag("clients/includes/crisis_notice.html", takes_context=True)
def crisis_notice(context):
    """The therapist's crisis-resources text, or the default when no site is set up yet."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    portal_settings = PortalSettings.for_site(site) if site is not None else None
    return {
        "notice": portal_settings.crisis_notice if portal_settings else DEFAULT_CRISIS_NOTICE,
        "contact_note": portal_settings.contact_note if portal_settings else "",
    }


@register.simple_tag(takes_context=True)
def portal_links(context):
    """The portal's links, clients' own and other apps' (see clients/navigation.py)."""
    return navigation.portal_links(context["request"])
