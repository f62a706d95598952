"""Every service's table of who may call what, as each declares it, for the tests that
hold all of them to their routes and to the real stack."""

from services.applications.entrypoints.access import ACCESS as APPLICATIONS
from services.notifications.entrypoints.access import ACCESS as NOTIFICATIONS
from services.payments.entrypoints.access import ACCESS as PAYMENTS
from services.register.entrypoints.access import ACCESS as REGISTER
from services.reports.entrypoints.access import ACCESS as REPORTS
from services.scoring.bootstrap import ACCESS as SCORING
from shared.auth.matrix import Access

ACCESS: dict[str, Access] = {
    "applications": APPLICATIONS,
    "scoring": SCORING,
    "notifications": NOTIFICATIONS,
    "payments": PAYMENTS,
    "reports": REPORTS,
    "register": REGISTER,
}
