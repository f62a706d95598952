"""The README's shell examples, run as written and in order against a fresh stack: the
first application, the refusal, review to award, tokens, a register load and an official
list matched to it, a webhook, the audit. Only the addresses change (the stack's ports)
and where the commands are installed."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from shared.topics import Topics
from tests.e2e.conftest import Stack
from tests.support.infrastructure import Infrastructure
from tests.support.processes import BIN, ServiceProcess
from tests.support.readme import README
from tests.support.tokens import Tokens

# Blocks that are not steps on a running stack, and why.
NOT_RUN = {
    "make up": "what the stack fixture stands in for",
    "$TOKEN": "a template: the reader's own token and body file",
    "$PROPOSAL": "a template: a proposal exists once a platform's official list is matched "
    "(tests/integration/test_proposals.py takes one through these steps)",
    "$OLDER": "a template: the site's key list in use (tests/integration/"
    "test_notification_secrets.py rotates keys and reseals)",
    "make images": "images and Compose: `make compose-test` runs them (tests/compose)",
    "make helm": "the Helm chart: `make test` validates it offline (tests/deploy)",
    "After the round is final": "needs a final award, days after publication: the demo and "
    "tests/e2e/test_payments.py take awards through these steps",
}


def examples() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.DOTALL)
    return [b for b in blocks if not any(marker in b for marker in NOT_RUN)]


def test_the_readme_examples_run_in_order_as_written(
    stack: Stack,
    stack_topics: Topics,
    infra: Infrastructure,
    tokens: Tokens,
    tmp_path: Path,
    register_apart: ServiceProcess,
) -> None:
    script = "\n".join(examples())
    script = script.replace("http://127.0.0.1:8000", stack.applications.url)
    script = script.replace("http://127.0.0.1:8002", stack.notifications.url)
    # The register on topics of its own: the README's filings stay those of a deployment
    # without a register (its load comes after them, and names none of their enterprises).
    script = script.replace("http://127.0.0.1:8004", register_apart.url)
    script = script.replace(".venv/bin/", f"{BIN}/")
    env = {
        **os.environ,
        **tokens.env,  # qsfund-token signs with the stack's issuer, as on `make up`
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "QSFUND_TOPIC_NAMESPACE": stack_topics.namespace,
    }
    ran = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    out = ran.stdout
    assert ran.returncode == 0, out + ran.stderr
    assert '"rule":"checksum"' in out
    assert "the check character should be Q, not A" in out
    assert '"status":"scored"' in out
    assert '"claimed_amount_yuan":300000' in out
    assert '"event_type":"ApplicationAwarded"' in out  # the history
    assert '"secret":"whsec_' in out  # the webhook's, shown once
    assert '"rows":3,"accepted":2,"rejected":1' in out  # the register's load
    assert '"matched":{"credit_code":1,"name":0,"former_name":1},"ambiguous":1' in out
    assert '"state":"resolved","outcome":"ambiguous"' in out
    assert "name_not_in_register: the register names no enterprise 重庆某标准化研究院" in out
    assert "verified" in out
    assert "not verified" not in out
    assert '"verified": true' in out  # verify --round ... --json
    assert "ApplicationAwarded" in (tmp_path / "trail.html").read_text()
    assert "budget 1,000,000 yuan; claimed 300,000; awarded 300,000; unspent 700,000" in out
