from accounts.models import Role
from tests.permissions import StaffUrl, roles

ROWS = [
    StaffUrl("reports-dashboard", "/reports/", roles(Role.CLERK, Role.REVIEWER, Role.CITY_STAFF)),
]
