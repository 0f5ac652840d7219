"""Sign-in lockout with two thresholds (issue 10 item 10).

django-axes counts failures per lockout parameter combination but compares them all against ONE
limit. The portal needs two:

- per account AND client address (`AXES_FAILURE_LIMIT`, 5): a stranger's typos, or an attack from one
  address, lock that address out of that account only; the county reviewer signs in from the office;
- per account over every address (`LOGIN_USERNAME_FAILURE_LIMIT`, 20): guessing spread over many
  addresses still ends in a lockout, at a threshold a stranger cannot reach by accident.

The handler below keeps axes' storage and its lockout page; it only decides which count is "the"
failure count: the pair's, raised to the limit once the account's total reaches its own threshold.
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

# Read by settings.AXES_LOCKOUT_PARAMETERS: the first entry is the pair, the second the account.
LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]


class PairAndAccountLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        by_pair, by_account = (
            attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_account >= settings.LOGIN_USERNAME_FAILURE_LIMIT:
            setattr(request, "lockout_scope", "account")  # noqa: B010 — read by the lockout signal's audit row
            return max(by_pair, get_failure_limit(request, credentials))
        setattr(request, "lockout_scope", "pair")  # noqa: B010
        return by_pair

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """A successful sign-in clears its own address's failures only: the owner signing in must not
        wipe the count of guesses made against the account from elsewhere."""
        pair_attempts = self.filter_user_attempts(request, credentials)[0]
        count, _ = pair_attempts.delete()
        return count
