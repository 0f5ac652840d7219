"""Portal pages for the permission matrix: every staff member reads their own messages and the
sections of their own deadline dashboard (scoped to what each may see)."""

from accounts.models import Role
from tests.permissions import StaffUrl, roles

ROWS = [
    StaffUrl("my-messages", "/staff/messages/", roles(*Role)),
    StaffUrl("due-overdue", "/staff/due/overdue/", roles(*Role)),
    StaffUrl("due-today", "/staff/due/today/", roles(*Role)),
    StaffUrl("due-soon", "/staff/due/soon/", roles(*Role)),
]
