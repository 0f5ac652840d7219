from django.db import models

from audit.models import AuditAction, AuditEntry


def trail_for(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """What happened to `obj`, newest first, without the (many) views of the full ID number."""
    return AuditEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).exclude(
        action=AuditAction.VIEW_ID_NUMBER
    )
