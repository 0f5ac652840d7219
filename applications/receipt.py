"""申请材料接收凭证 (SF/T 0024's acknowledgement receipt): what the applicant takes home after an
online submission or a walk-in registration — the number, when and where the application was
received, who decides it by when, the materials handed in, and a QR code to /track/."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Office
from applications.models import Application
from deadlines.wording import deadline


def track_url() -> str:
    """The public address of the status page: a printed receipt is scanned far from this request's host."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('applications:track')}"


def track_qr_svg() -> SafeString:
    """Inline SVG, drawn on the server: no script and no image request, so the page keeps to the CSP
    and prints offline."""
    svg = segno.make(track_url(), error="m").svg_inline(scale=4, border=2, title="进度查询二维码")
    return mark_safe(svg)  # segno's own markup of an address we built


def receiving_office(application: Application) -> Office:
    """The office that took the application in: the window's office, or for an online application the
    responsible office (it is the one that receives it, 市域通办 §3)."""
    return application.receiving_office or application.responsible_office


def receipt_context(application: Application) -> dict[str, Any]:
    due = application.review_due_on()
    return {
        "application": application,
        "receiving_office": receiving_office(application),
        "materials": list(application.materials.all()),
        # Worded once for every deadline a person reads (deadlines.wording): 「X（含当日）前」.
        "decision_due": deadline(due) if due is not None else "",
        "track_url": track_url(),
        "track_qr": track_qr_svg(),
    }
