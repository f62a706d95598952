#!/usr/bin/python3
"""The image's HEALTHCHECK: GET /health of the service this container runs.

The service is the container's command (qsfund-<name>); its port is <NAME>_PORT, else the
service's default, else QSFUND_HEALTH_PORT. A one-shot command (migrate, topics) is healthy.
"""

import os
import sys
import urllib.request

DEFAULT_PORTS = {"applications": 8000, "scoring": 8001, "notifications": 8002}


def main() -> int:
    with open("/proc/1/cmdline", "rb") as cmdline:
        words = [os.path.basename(w.decode()) for w in cmdline.read().split(b"\0") if w]
    service = next((w[len("qsfund-") :] for w in words if w.startswith("qsfund-")), "")
    if service not in DEFAULT_PORTS and "QSFUND_HEALTH_PORT" not in os.environ:
        return 0
    port = os.environ.get(
        f"{service.upper()}_PORT",
        os.environ.get("QSFUND_HEALTH_PORT", str(DEFAULT_PORTS.get(service, 0))),
    )
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
            return 0 if answer.status == 200 else 1
    except OSError as error:
        print(f"{service} on :{port}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
