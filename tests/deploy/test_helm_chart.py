"""The Helm chart renders objects Kubernetes and its operators accept, and keeps the
promises operators rely on: probes and limits everywhere, topics kept forever, writes
acknowledged by two brokers, no more scoring replicas than partitions, and the finance
bureau's secrets taken from a Secret, never written into values or the rendered objects."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import jsonschema
import kubernetes_validate
import pytest

from tests.support.helm import CHART, KUBE_VERSION, Manifest, crd_schema, helm, render

# A site that runs its own Kafka and PostgreSQL: the chart's operators' objects are off.
EXTERNAL = (
    "kafka.strimzi.enabled=false",
    "kafka.bootstrapServers=kafka.example.internal:9092",
    "postgresql.cloudnativepg.enabled=false",
    "postgresql.host=postgres.example.internal",
)
# One more service, as any later one will come: one block of values.
ANOTHER = (
    "services.archive.command=qsfund-archive",
    "services.archive.port=8006",
    "services.archive.database=qsfund_archive",
)
SERVICES = {"applications", "scoring", "notifications", "payments", "register", "reports"}


def of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    return [m for m in manifests if m["kind"] == kind]


def named(manifests: list[Manifest], kind: str, suffix: str) -> Manifest:
    (found,) = [m for m in of_kind(manifests, kind) if m["metadata"]["name"].endswith(suffix)]
    return found


def env_of(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def test_helm_lint_passes_strictly() -> None:
    done = helm("lint", "--strict", str(CHART))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("settings", [(), EXTERNAL, ANOTHER], ids=["own", "external", "another"])
def test_every_rendered_object_is_valid_against_its_schema(settings: tuple[str, ...]) -> None:
    problems = []
    for manifest in render(*settings):
        where = f"{manifest['kind']} {manifest['metadata']['name']}"
        schema = crd_schema(manifest)
        if schema is None:
            try:
                kubernetes_validate.validate(manifest, KUBE_VERSION, strict=True)
            except kubernetes_validate.ValidationError as error:
                problems.append(f"{where}: {error.message} at {list(error.path)}")
        else:
            validator = jsonschema.validators.validator_for(schema)(schema)
            problems += [
                f"{where}: {e.message} at {list(e.absolute_path)}"
                for e in validator.iter_errors(manifest)
            ]
    assert problems == []


def test_the_chart_renders_the_operators_objects_it_promises() -> None:
    kinds = {m["kind"] for m in render()}
    assert kinds >= {
        "Kafka",
        "KafkaNodePool",
        "KafkaTopic",
        "Cluster",
        "Database",
        "ScheduledBackup",
        "ScaledObject",
        "ServiceMonitor",
        "PrometheusRule",
        "Job",
    }
    assert (
        not kinds
        & {"Kafka", "KafkaTopic", "Cluster", "Database"}
        & {m["kind"] for m in render(*EXTERNAL)}
    )


@pytest.mark.parametrize("settings", [(), ANOTHER], ids=["six", "another"])
def test_every_deployment_is_probed_limited_and_unprivileged(settings: tuple[str, ...]) -> None:
    deployments = of_kind(render(*settings), "Deployment")
    assert len(deployments) == len(SERVICES) + (1 if settings else 0)
    for deployment in deployments:
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
            assert container["livenessProbe"]["httpGet"]["path"] == "/health"
            assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
            assert "memory" in container["resources"]["limits"]
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["allowPrivilegeEscalation"] is False


@pytest.mark.parametrize(
    ("settings", "name", "port", "database"),
    [
        ((), "payments", 8003, "qsfund_payments"),
        ((), "register", 8004, "qsfund_register"),
        ((), "reports", 8005, "qsfund_reports"),
        (ANOTHER, "archive", 8006, "qsfund_archive"),
    ],
    ids=["payments", "register", "reports", "another"],
)
def test_a_service_block_gets_everything_the_others_have(
    settings: tuple[str, ...], name: str, port: int, database: str
) -> None:
    manifests = render(*settings)
    for kind in ("Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "Secret"):
        assert named(manifests, kind, name if kind != "Secret" else f"{name}-database")
    (container,) = named(manifests, "Deployment", name)["spec"]["template"]["spec"]["containers"]
    assert container["command"] == [f"qsfund-{name}"]
    assert container["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}]
    assert named(manifests, "Service", name)["spec"]["ports"][0]["port"] == port
    assert named(manifests, "Database", name)["spec"]["name"] == database
    roles = named(manifests, "Cluster", "qsfund-pg")["spec"]["managed"]["roles"]
    assert name in {role["name"] for role in roles}
    (migrate,) = named(manifests, "Job", "migrate")["spec"]["template"]["spec"]["containers"]
    assert name in migrate["command"]
    assert f"{name.upper()}_DATABASE_URL" in env_of(migrate)


def test_each_service_reaches_its_own_database_with_a_password_from_its_secret() -> None:
    manifests = render()
    deployments = of_kind(manifests, "Deployment")
    assert {d["metadata"]["labels"]["app.kubernetes.io/name"] for d in deployments} == SERVICES
    for deployment in deployments:
        name = deployment["metadata"]["labels"]["app.kubernetes.io/name"]
        env = env_of(deployment["spec"]["template"]["spec"]["containers"][0])
        prefix = name.upper()
        assert env[f"{prefix}_DATABASE_URL"].endswith(f"@qsfund-pg-rw:5432/qsfund_{name}")
        assert f"$({prefix}_DATABASE_PASSWORD)" in env[f"{prefix}_DATABASE_URL"]
        secret = env[f"{prefix}_DATABASE_PASSWORD"]["secretKeyRef"]["name"]
        assert secret == f"qsfund-{name}-database"


def test_reports_has_room_in_its_tmp_for_the_workbooks_it_writes_there() -> None:
    # The root file system is read-only; the XLSX export is made in a file in /tmp.
    manifests = render()
    limits = {}
    for deployment in of_kind(manifests, "Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        (tmp,) = [v for v in pod["volumes"] if v["name"] == "tmp"]
        assert {"name": "tmp", "mountPath": "/tmp"} in pod["containers"][0]["volumeMounts"]
        limits[deployment["metadata"]["labels"]["app.kubernetes.io/name"]] = tmp["emptyDir"]
    assert limits.pop("reports") == {"sizeLimit": "256Mi"}
    assert all(limit == {"sizeLimit": "64Mi"} for limit in limits.values())


def test_register_has_the_memory_a_64_mib_load_takes() -> None:
    # A load is checked and made into events in memory: a 64 MiB CSV (621,340 rows) peaked
    # at 1.3 GiB of RSS before its transaction (measured for this chart); the 512Mi the
    # other services get would kill the pod mid-load, a cap below the route's own 64 MiB.
    (container,) = named(render(), "Deployment", "register")["spec"]["template"]["spec"][
        "containers"
    ]
    limit = container["resources"]["limits"]["memory"]
    assert limit.endswith("Gi"), limit
    assert int(limit[:-2]) >= 2, limit
    assert env_of(container).get("REGISTER_MAX_LOAD_BYTES") is None  # the service's 64 MiB


def test_the_network_policies_open_only_dns_the_database_kafka_and_the_issuer() -> None:
    manifests = render()
    for deployment in of_kind(manifests, "Deployment"):
        name = deployment["metadata"]["labels"]["app.kubernetes.io/name"]
        policy = named(manifests, "NetworkPolicy", name)
        assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert policy["spec"]["podSelector"]["matchLabels"].items() <= labels.items()
        ports = {p["port"] for rule in policy["spec"]["egress"] for p in rule["ports"]}
        allowed = {53, 5432, 9092, 443} | ({587} if name == "notifications" else set())
        assert ports == allowed


def payments_container(manifests: list[Manifest]) -> dict[str, Any]:
    deployment = named(manifests, "Deployment", "payments")
    containers: list[dict[str, Any]] = deployment["spec"]["template"]["spec"]["containers"]
    (container,) = containers
    return container


def test_payments_signs_and_verifies_with_secrets_from_a_secret_never_from_values() -> None:
    manifests = render()
    env = env_of(payments_container(manifests))
    for variable in ("PAYMENTS_FINANCE_SECRETS", "PAYMENTS_BUREAU_SECRETS"):
        assert env[variable]["secretKeyRef"]["name"] == "qsfund-finance-bureau", variable
    keys = {
        env[v]["secretKeyRef"]["key"]
        for v in ("PAYMENTS_FINANCE_SECRETS", "PAYMENTS_BUREAU_SECRETS")
    }
    assert len(keys) == 2  # one secret per direction
    # The chart creates no such Secret (nothing to put in it but what values would hold).
    assert not [
        m for m in of_kind(manifests, "Secret") if m["metadata"]["name"] == "qsfund-finance-bureau"
    ]
    # Production, so the service refuses the development pair if a site copied it in.
    (config,) = of_kind(manifests, "ConfigMap")
    assert config["data"]["QSFUND_ENV"] == "production"


def test_payments_reaches_the_finance_bureau_where_its_url_points_and_nothing_more() -> None:
    settings = (
        "services.payments.env.PAYMENTS_FINANCE_URL=https://pay.finance.example:8443",
        "services.payments.egress[0].to[0].ipBlock.cidr=10.99.0.0/24",
        "services.payments.egress[0].ports[0].protocol=TCP",
        "services.payments.egress[0].ports[0].port=8443",
    )
    for manifests in (render(), render(*settings)):
        url = urlsplit(env_of(payments_container(manifests))["PAYMENTS_FINANCE_URL"])
        port = url.port or {"https": 443, "http": 80}[url.scheme]
        policy = named(manifests, "NetworkPolicy", "payments")
        # Beyond what every service has (DNS, database, Kafka, the issuer): the bureau.
        shared = named(manifests, "NetworkPolicy", "scoring")["spec"]["egress"]
        own = [rule for rule in policy["spec"]["egress"] if rule not in shared]
        assert [[p["port"] for p in rule["ports"]] for rule in own] == [[port]]
        assert [peer["ipBlock"]["cidr"] for peer in own[0]["to"]]
        # The bureau's callbacks come in on the service's port, from wherever it calls.
        (ingress,) = policy["spec"]["ingress"]
        assert "from" not in ingress
        assert ingress["ports"] == [{"protocol": "TCP", "port": 8003}]


def test_the_finance_stand_in_is_never_deployed() -> None:
    manifests = render()
    commands = [
        c.get("command", [])
        for m in manifests
        if m["kind"] in ("Deployment", "Job")
        for c in m["spec"]["template"]["spec"]["containers"]
    ]
    assert all("qsfund-finance-standin" not in command for command in commands)


def test_topics_are_kept_forever_and_writes_need_two_of_three_brokers() -> None:
    manifests = render()
    kafka = named(manifests, "Kafka", "qsfund-kafka")["spec"]["kafka"]["config"]
    assert (kafka["default.replication.factor"], kafka["min.insync.replicas"]) == (3, 2)
    assert named(manifests, "KafkaNodePool", "dual")["spec"]["replicas"] == 3
    topics = of_kind(manifests, "KafkaTopic")
    assert {t["spec"]["topicName"] for t in topics} == {
        "qsfund.applications.events",
        "qsfund.scoring.events",
        "qsfund.payments.events",
        "qsfund.register.events",
        "qsfund.dead-letters",
        "qsfund.auth.revocations",
    }
    for topic in topics:
        config = topic["spec"]["config"]
        assert (config["retention.ms"], config["retention.bytes"]) == (-1, -1)
        assert (topic["spec"]["replicas"], config["min.insync.replicas"]) == (3, 2)


def test_scoring_scales_on_its_lag_up_to_one_replica_a_partition() -> None:
    manifests = render()
    (scaled,) = of_kind(manifests, "ScaledObject")
    trigger = scaled["spec"]["triggers"][0]["metadata"]
    topic = next(
        t for t in of_kind(manifests, "KafkaTopic") if t["spec"]["topicName"] == trigger["topic"]
    )
    assert trigger["consumerGroup"] == "qsfund.scoring"
    assert 1 <= scaled["spec"]["minReplicaCount"] <= scaled["spec"]["maxReplicaCount"]
    assert scaled["spec"]["maxReplicaCount"] <= topic["spec"]["partitions"]
    assert trigger["allowIdleConsumers"] == "false"
    # KEDA owns the replica count: the Deployment does not fight it on each upgrade.
    target = named(manifests, "Deployment", scaled["spec"]["scaleTargetRef"]["name"])
    assert "replicas" not in target["spec"]


@pytest.mark.parametrize(
    ("settings", "refusal"),
    [
        (("topics.partitions=6",), "maxReplicas (12) exceeds topics.partitions (6)"),
        (("services.scoring.autoscaling.minReplicas=0",), "minReplicas must be at least 1"),
        (("kafka.strimzi.minInsyncReplicas=3",), "minInsyncReplicas must be below"),
        (("kafka.strimzi.enabled=false",), "kafka.bootstrapServers is required"),
        (("postgresql.cloudnativepg.enabled=false",), "postgresql.host is required"),
        (
            ("services.payments.env.PAYMENTS_BUREAU_SECRETS=in-clear",),
            "services.payments.env.PAYMENTS_BUREAU_SECRETS looks like a secret",
        ),
        (
            ("services.notifications.env.NOTIFICATIONS_SMTP_PASSWORD=in-clear",),
            "give it in services.notifications.secretEnv",
        ),
    ],
)
def test_settings_that_would_break_a_promise_are_refused(
    settings: tuple[str, ...], refusal: str
) -> None:
    done = helm("template", "qsfund", str(CHART), *[f"--set={s}" for s in settings])
    assert done.returncode != 0
    assert refusal in done.stderr


def test_alerts_cover_lag_backlog_and_dead_letters() -> None:
    (rules,) = of_kind(render(), "PrometheusRule")
    expressions = " ".join(r["expr"] for g in rules["spec"]["groups"] for r in g["rules"])
    for metric in ("qsfund_consumer_lag", "qsfund_outbox_backlog", "qsfund_dead_letters_total"):
        assert metric in expressions
