from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest

from audit.client_ip import client_ip
from audit.models import AuditAction, AuditEntry


def record(
    action: AuditAction,
    *,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
) -> AuditEntry:
    """Append one audit row. Call it inside the transaction that makes the change it describes."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEntry.objects.create(
        action=action,
        actor_id=actor.pk if actor is not None else None,  # the user model lives in an app above this one
        actor_username=actor.get_username() if actor is not None else "",
        ip_address=client_ip(request) if request is not None else None,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        from_state=str(from_state),
        to_state=str(to_state),
        note=note,
    )
