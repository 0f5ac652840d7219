"""Issue 14: the month's workbook is drawn once for the same figures and drawn again when one changes;
every download is still audited."""

from accounts.models import Office
from audit.models import AuditAction, AuditEntry
from reporting import services
from reporting.models import AnnualTarget


def test_the_same_figures_are_drawn_once_and_a_changed_figure_draws_anew(db, monkeypatch):
    drawn = []
    original = services.write_monthly_report
    monkeypatch.setattr(services, "write_monthly_report", lambda *a, **k: drawn.append(1) or original(*a, **k))
    offices = list(Office.objects.all())
    first = services.export_monthly_report(offices=offices, year=2026, month=3)
    again = services.export_monthly_report(offices=offices, year=2026, month=3)
    assert len(drawn) == 1 and first.content == again.content
    AnnualTarget.objects.create(year=2026, city_target=3650)
    changed = services.export_monthly_report(offices=offices, year=2026, month=3)
    assert len(drawn) == 2 and changed.report.total.target == 3650
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 3
