"""`make demo` over the real stack, its services started as `make up` starts them
(deploy/local/services.sh): a round through publicity, objections, its re-allocation,
the final decision and the payments, on the development clock services.sh gives the
services, which the demo moves past the period and puts back as it found it; then the
office's report of the round."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from shared.topics import Topics
from tests.e2e.test_audit import audit, report
from tests.support.databases import fresh_database
from tests.support.infrastructure import Infrastructure
from tests.support.processes import REPO, free_port
from tests.support.tokens import Tokens

SERVICES = REPO / "deploy" / "local" / "services.sh"


@dataclass
class LocalStack:
    url: str
    home: Path  # its QSFUND_HOME
    env: dict[str, str]

    def services(self, command: str) -> str:
        done = subprocess.run(
            [str(SERVICES), command],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode in (0, 3), done.stdout + done.stderr
        return done.stdout


@pytest.fixture(scope="module")
async def more_database_urls(infra: Infrastructure) -> dict[str, str]:
    """The databases of the services the e2e stack does not run, but services.sh does."""
    return {
        service: await fresh_database(infra.postgres_url, service)
        for service in ("register", "reports")
    }


@pytest.fixture(scope="module")
def local_stack(
    infra: Infrastructure,
    stack_topics: Topics,
    database_urls: dict[str, str],
    more_database_urls: dict[str, str],
    tokens: Tokens,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LocalStack]:
    """The six services, the mail sink and the finance stand-in from services.sh, in a
    QSFUND_HOME of their own."""
    home = tmp_path_factory.mktemp("qsfund-home")
    names = (
        "applications",
        "scoring",
        "notifications",
        "payments",
        "register",
        "reports",
        "finance_standin",
    )
    ports = {name: free_port() for name in names}
    env = {key: value for key, value in os.environ.items() if key != "QSFUND_TEST_CLOCK_FILE"} | {
        "QSFUND_HOME": str(home),
        "VENV": str(Path(sys.executable).parent.parent),
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "QSFUND_TOPIC_NAMESPACE": stack_topics.namespace,
        "NOTIFICATIONS_SMTP_PORT": str(free_port()),
        **tokens.env,
        **{
            f"{name.upper()}_DATABASE_URL": url
            for name, url in (database_urls | more_database_urls).items()
        },
        **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    env |= {
        "QSFUND_PAYMENTS_API": f"http://127.0.0.1:{ports['payments']}",
        "QSFUND_FINANCE_STANDIN": f"http://127.0.0.1:{ports['finance_standin']}",
        "QSFUND_REPORTS_API": f"http://127.0.0.1:{ports['reports']}",
        "QSFUND_REGISTER_API": f"http://127.0.0.1:{ports['register']}",
    }
    stack = LocalStack(f"http://127.0.0.1:{ports['applications']}", home, env)
    try:
        started = stack.services("start")
        assert f"clock: the system clock (development: seconds written to {home}" in started
        yield stack
    finally:
        stack.services("stop")


def demo(stack: LocalStack, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m demo` as `make demo` runs it, with the stack's QSFUND_HOME and issuer."""
    return subprocess.run(
        [sys.executable, "-m", "demo"],
        env={**stack.env, "QSFUND_API": stack.url, **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def round_of(output: str) -> str:
    found = re.search(r"^opened round (\S+),", output, re.MULTILINE)
    assert found, output
    return found[1]


def published(stack: LocalStack, round_id: str) -> dict[str, object]:
    listed: dict[str, object] = httpx.get(
        f"{stack.url}/v1/public/rounds/{round_id}/list", timeout=10
    ).json()
    return listed


async def test_the_demo_takes_a_round_through_objections_to_its_final_awards(
    local_stack: LocalStack, infra: Infrastructure, stack_topics: Topics, tokens: Tokens
) -> None:
    ran = demo(local_stack)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    shown = ran.stdout
    assert "an anonymous objection is refused: 422, field objector.name, rule named" in shown
    assert "the applicant's own history shows the objector as 'withheld'" in shown
    assert "finalising now is refused: 409, field round_id, rule publicity_running" in shown
    # The upheld objection's award is withdrawn; the money goes to the next claims in rank.
    assert re.search(r"withdrawn\s+-1,000,000\s+Jiefangbei Meimei Department Store", shown)
    assert re.search(r"gained\s+\+100,000\s+Jiefangbei Meimei .* enterprise_cap_reached", shown)
    assert "an objection now is refused: 409, field round_id, rule publicity_ended" in shown
    assert re.search(r"^check +all \d+ outcomes, and the revised list,", shown, re.MULTILINE)
    # Then paid: one account closed and corrected, pilots in halves, one award recovered.
    assert re.search(r"failed, account_closed; it registers a corrected account", shown)
    assert "revoked for false materials" in shown
    assert re.search(r"repaid [\d,]+ yuan: 0 still due, stage settled", shown)
    assert "check         every award paid in full, once; the revoked one recovered" in shown
    # It ends with the office's report, read once it had caught up: its money is the
    # payments' to the yuan, and it counts every application filed.
    assert "the office's report, as the reports service read it from the log:" in shown
    money = r"([\d,]+) +" * 4 + r"([\d,]+)$"
    every = re.search(r"^all +(\d+) +" + money, shown, re.MULTILINE)
    paid = re.search(
        r"^payments +paid ([\d,]+) of ([\d,]+) yuan final; ([\d,]+) recovered", shown, re.M
    )
    filed = re.search(r"^submitted (\d+) applications", shown, re.MULTILINE)
    assert every, shown
    assert paid, shown
    assert filed, shown
    assert every[1] == filed[1]
    assert (every[4], every[5], every[6]) == (paid[2], paid[1], paid[3])
    assert re.search(r"^median steps +submission to review .* final to paid \d", shown, re.M)
    assert re.search(r"^check +the report's final \([\d,]+ yuan\) and paid", shown, re.M)

    round_id = round_of(shown)
    page = re.search(rf"^page +(\S+/v1/reports/rounds/{round_id}/report.html)$", shown, re.M)
    assert page, shown
    officer = tokens.headers("program_officer")
    async with httpx.AsyncClient(headers=officer, timeout=10) as client:
        printable = await client.get(page[1])
    assert printable.status_code == 200
    assert "<svg" in printable.text
    listed = published(local_stack, round_id)
    assert (listed["stage"], listed["revision"]) == ("final", 2)
    assert not (local_stack.home / "clock-offset-seconds").exists(), "as the demo found it"
    assert "clock: the system clock" in local_stack.services("status")
    verified = audit(infra, stack_topics, "verify", "--round", round_id)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert report(verified)["verified"] is True


async def test_where_the_services_ignore_its_clock_the_demo_says_how_to_finalise_later(
    local_stack: LocalStack, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "clock-offset-seconds"  # not the file the services read
    ran = demo(local_stack, QSFUND_TEST_CLOCK_FILE=str(elsewhere))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    round_id = round_of(ran.stdout)
    assert f"do not read their clock from {elsewhere}" in ran.stdout
    assert f"curl -s -X POST {local_stack.url}/v1/rounds/{round_id}/finalise" in ran.stdout
    # The report still ends it: nothing final, nothing paid, as the APIs showed.
    assert "the office's report, as the reports service read it from the log:" in ran.stdout
    assert "check         the report's final (0 yuan) and paid (0) totals" in ran.stdout
    assert published(local_stack, round_id)["stage"] == "in_publicity"
    assert not elsewhere.exists()


def test_services_sh_says_when_the_clock_is_moved(local_stack: LocalStack) -> None:
    moved = local_stack.home / "clock-offset-seconds"
    moved.write_text("86400")
    try:
        status = local_stack.services("status")
    finally:
        moved.unlink()
    assert f"clock: MOVED 86400 seconds ahead of the system clock by {moved}" in status
