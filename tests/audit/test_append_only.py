import pytest
from django.contrib.admin.sites import site

from audit.models import AppendOnlyError, AuditAction, AuditEntry
from audit.services import record


@pytest.fixture
def entry(db):
    return record(AuditAction.EXPORT, note="月报")


def test_a_row_cannot_be_changed_or_deleted(entry):
    entry.note = "篡改"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="篡改")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).note == "月报"


def test_the_admin_is_read_only(entry, rf, personas):
    request = rf.get("/admin/audit/auditentry/")
    request.user = personas["admin"]
    model_admin = site._registry[AuditEntry]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)


def test_admin_list_opens_for_the_administrator(client, entry, personas):
    client.force_login(personas["admin"])
    assert client.get("/admin/audit/auditentry/").status_code == 200
