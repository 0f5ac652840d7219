"""The 短信记录 page for the permission matrix: city staff (and the administrator) only."""

from accounts.models import Role
from tests.permissions import StaffUrl, roles

ROWS = [
    StaffUrl("sms-outbox", "/staff/sms/", roles(Role.CITY_STAFF)),
    StaffUrl("sms-outbox-failed", "/staff/sms/?state=failed", roles(Role.CITY_STAFF)),
]
