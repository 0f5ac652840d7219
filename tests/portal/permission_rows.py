"""Portal pages for the permission matrix: every staff member reads their own messages."""

from accounts.models import Role
from tests.permissions import StaffUrl, roles

ROWS = [
    StaffUrl("my-messages", "/staff/messages/", roles(*Role)),
]
