"""The one way to write an audit event. Callers never pass health content."""

from django.conf import settings

from .models import AuditEvent


def client_ip(request):
    """The caller's address, trusting X-Forwarded-For only as far as our own proxies.

    - With TRUSTED_PROXY_COUNT = 0 the header is ignored (a forged one changes nothing).
    - With N proxies, the address N places from the right of the header is the client's:
      anything further left was written by the client and may be forged.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def record(
    request,
    action,
    *,
    client=None,
    therapist=None,
    obj=None,
    actor=None,
    object_type="",
    object_id="",
):
    """Append one event. `request` may be None for work done outside a request.

    - `obj` names the object by its model and id (its uuid where it has one).
    - Without `obj`, `object_type` and `object_id` name it as given: what was asked for,
      when the asker must not learn more about it than they typed.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if therapist is None and client is not None:
        therapist = client.therapist
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=getattr(actor, "email", "") or "",
        client=client,
        client_label=str(client.uuid) if client is not None else "",
        therapist=therapist,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=(
            str(getattr(obj, "uuid", None) or getattr(obj, "pk", "")) if obj else str(object_id)
        ),
        ip_address=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:255] if request else ""),
    )
