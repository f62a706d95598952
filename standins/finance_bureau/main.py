"""`qsfund-finance-standin`: the stand-in served by uvicorn, configured by FINANCE_STANDIN_*."""

from __future__ import annotations

import uvicorn

from shared.clock import clock_from

from .http import build_app
from .settings import StandInSettings


def main() -> None:
    settings = StandInSettings()
    app = build_app(settings, clock_from(settings.test_clock_file))
    # A slow answer (the 9903 account) is still being held back when a test stops the
    # stand-in: shutting down waits for it only briefly.
    uvicorn.run(app, host=settings.host, port=settings.port, timeout_graceful_shutdown=2)
