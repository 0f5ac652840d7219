"""Build register entries through the services (STYLE practice 10)."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import Role
from consultations import services
from consultations.models import Consultation, DocumentType, DraftedDocument


def consult(personas, office: str = "luoding", **values) -> Consultation:
    data = {
        "channel": "visit",
        "consulted_on": timezone.localdate(),
        "category": "labour",
        "summary": "被拖欠工资三个月，咨询如何维权。",
        "people": 1,
        "name": "陈大文",
        "phone": "13800138000",
        **values,
    }
    return services.register_consultation(**data, by=personas[(Role.CLERK, office)])


def draft(personas, office: str = "luoding", **values) -> DraftedDocument:
    data = {
        "drafted_on": timezone.localdate(),
        "document_type": DocumentType.objects.get(name="劳动仲裁申请书"),
        "category": "labour",
        "copies": 1,
        **values,
    }
    return services.register_document(**data, by=personas[(Role.CLERK, office)])
