"""Run the demo: `python -m demo` (QSFUND_API names the applications API,
QSFUND_PAYMENTS_API the payments API, QSFUND_FINANCE_STANDIN the finance bureau's stand-in,
QSFUND_REPORTS_API the reports API)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from dataclasses import dataclass

import httpx

from shared.auth.local import local_issuer
from shared.auth.settings import AuthSettings

from . import office, payments
from .api import Api, DemoError
from .check import differences, verdict
from .report import rows, table, totals
from .run import Finance, run


@dataclass(frozen=True)
class Urls:
    api: str
    payments: str
    bureau: str
    reports: str
    register: str


async def main(urls: Urls, patience: float) -> bool:
    """Play one round and print it; False if the system decided other than expected."""
    started = time.perf_counter()
    print(f"qsfund demo: one funding round through the applications API at {urls.api}\n")
    # The local stack's key pair (created on first use), as `qsfund-token` uses it.
    auth = AuthSettings()
    issuer = local_issuer(auth.jwks_file.parent, auth.issuer, auth.qsfund_auth_audience)
    async with (
        httpx.AsyncClient(base_url=urls.api, timeout=10) as client,
        httpx.AsyncClient(base_url=urls.payments, timeout=10) as payments_client,
        httpx.AsyncClient(base_url=urls.bureau, timeout=10) as bureau,
        httpx.AsyncClient(base_url=urls.reports, timeout=30) as reports_client,
        httpx.AsyncClient(base_url=urls.register, timeout=30) as register_client,
    ):
        payments_api = Api(payments_client, issuer, "the payments API", "QSFUND_PAYMENTS_API")
        register = Api(register_client, issuer, "the register API", "QSFUND_REGISTER_API")
        result = await run(Api(client, issuer), Finance(payments_api, bureau), register, patience)
        reports = Api(reports_client, issuer, "the reports API", "QSFUND_REPORTS_API")
        report = await office.office(reports, result, patience)
    print(f"\n{result.round['name']} ({result.round['id']})\n")
    print(table(rows(result)))
    print(f"\n{totals(result)}\n{verdict(result)}")
    unpaid: list[str] = []
    if result.payments is not None:
        print(f"\n{payments.report(result.payments, result.entries)}")
        unpaid = payments.problems(result.payments)
        print(
            "check         "
            + (
                "; ".join(unpaid)
                or "every award paid in full, once; the revoked one recovered to the yuan"
            )
        )
    print(f"\n{office.summary(report)}")
    print(f"\ndone in {time.perf_counter() - started:.1f} s")
    found, ranks = differences(result)
    return not found and not ranks and not unpaid and not office.problems(report)


def _base(url: str) -> str:
    """A service's address, whether or not it was given with its /v1."""
    return url.rstrip("/").removesuffix("/v1")


if __name__ == "__main__":
    urls = Urls(
        api=_base(os.environ.get("QSFUND_API", "http://127.0.0.1:8000")),
        payments=_base(os.environ.get("QSFUND_PAYMENTS_API", "http://127.0.0.1:8003")),
        bureau=os.environ.get("QSFUND_FINANCE_STANDIN", "http://127.0.0.1:8090"),
        reports=_base(os.environ.get("QSFUND_REPORTS_API", "http://127.0.0.1:8005")),
        register=_base(os.environ.get("QSFUND_REGISTER_API", "http://127.0.0.1:8004")),
    )
    patience = float(os.environ.get("QSFUND_DEMO_TIMEOUT", "90"))
    try:
        as_expected = asyncio.run(main(urls, patience))
    except DemoError as error:
        sys.exit(f"\ndemo stopped: {error}")
    except KeyboardInterrupt:
        sys.exit(130)
    if not as_expected:
        sys.exit("demo: the system differs from what the demo expected (see the checks above)")
