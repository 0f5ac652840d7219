from django.db import models
from django.db.models import Q

from audit.models import AuditAction, AuditEntry


def trail_for(*objects: models.Model) -> models.QuerySet[AuditEntry]:
    """What happened to `objects` (a record and the records that belong to it, such as its
    objections), newest first, without the (many) views of the full ID number."""
    about = Q()
    for obj in objects:
        about |= Q(object_type=obj._meta.label, object_id=str(obj.pk))
    # The actor comes along: the history names people by their full names, not their accounts.
    return AuditEntry.objects.filter(about).exclude(action=AuditAction.VIEW_ID_NUMBER).select_related("actor")
