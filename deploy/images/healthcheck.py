#!/usr/bin/python3
"""The image's HEALTHCHECK: GET /health of the service this container runs.

The service is the container's command (qsfund-<name>); its port is the variable it reads
(<NAME>_PORT, FINANCE_STANDIN_PORT for the stand-in), else its default, else
QSFUND_HEALTH_PORT. A one-shot command (migrate, topics) is healthy.
"""

import os
import sys
import urllib.request

# service -> (the variable its port comes from, its default port)
PORTS = {
    "applications": ("APPLICATIONS_PORT", 8000),
    "scoring": ("SCORING_PORT", 8001),
    "notifications": ("NOTIFICATIONS_PORT", 8002),
    "payments": ("PAYMENTS_PORT", 8003),
    "register": ("REGISTER_PORT", 8004),
    "reports": ("REPORTS_PORT", 8005),
    "finance-standin": ("FINANCE_STANDIN_PORT", 8090),
}


def main() -> int:
    with open("/proc/1/cmdline", "rb") as cmdline:
        words = [os.path.basename(w.decode()) for w in cmdline.read().split(b"\0") if w]
    service = next((w[len("qsfund-") :] for w in words if w.startswith("qsfund-")), "")
    if service not in PORTS and "QSFUND_HEALTH_PORT" not in os.environ:
        return 0
    variable, default = PORTS.get(service, ("QSFUND_HEALTH_PORT", 0))
    port = os.environ.get(variable, os.environ.get("QSFUND_HEALTH_PORT", str(default)))
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
            return 0 if answer.status == 200 else 1
    except OSError as error:
        print(f"{service} on :{port}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
