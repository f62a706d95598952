"""Run the demo: `python -m demo` (QSFUND_API names the applications API,
QSFUND_PAYMENTS_API the payments API, QSFUND_FINANCE_STANDIN the finance bureau's stand-in)."""

from __future__ import annotations

import asyncio
import os
import sys
import time

import httpx

from shared.auth.local import local_issuer
from shared.auth.settings import AuthSettings

from . import payments
from .api import Api, DemoError
from .check import differences, verdict
from .report import rows, table, totals
from .run import Finance, run


async def main(base_url: str, payments_url: str, bureau_url: str, patience: float) -> bool:
    """Play one round and print it; False if the system decided other than expected."""
    started = time.perf_counter()
    print(f"qsfund demo: one funding round through the applications API at {base_url}\n")
    # The local stack's key pair (created on first use), as `qsfund-token` uses it.
    auth = AuthSettings()
    issuer = local_issuer(auth.jwks_file.parent, auth.issuer, auth.qsfund_auth_audience)
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=10) as client,
        httpx.AsyncClient(base_url=payments_url, timeout=10) as payments_client,
        httpx.AsyncClient(base_url=bureau_url, timeout=10) as bureau,
    ):
        finance = Finance(Api(payments_client, issuer), bureau)
        result = await run(Api(client, issuer), finance, patience)
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
    print(f"\ndone in {time.perf_counter() - started:.1f} s")
    found, ranks = differences(result)
    return not found and not ranks and not unpaid


if __name__ == "__main__":
    api = os.environ.get("QSFUND_API", "http://127.0.0.1:8000").rstrip("/").removesuffix("/v1")
    payments_api = os.environ.get("QSFUND_PAYMENTS_API", "http://127.0.0.1:8003")
    bureau = os.environ.get("QSFUND_FINANCE_STANDIN", "http://127.0.0.1:8090")
    patience = float(os.environ.get("QSFUND_DEMO_TIMEOUT", "90"))
    try:
        as_expected = asyncio.run(
            main(api, payments_api.rstrip("/").removesuffix("/v1"), bureau, patience)
        )
    except DemoError as error:
        sys.exit(f"\ndemo stopped: {error}")
    except KeyboardInterrupt:
        sys.exit(130)
    if not as_expected:
        sys.exit("demo: the system's outcomes differ from the policy's (see the check above)")
