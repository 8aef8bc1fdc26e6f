"""deploy/k8s: valid for the Kubernetes API (kubernetes-validate --strict) and within the policy an operator
relies on: Pod Security "restricted" for every workload, probes, requests and limits, a PodDisruptionBudget
per service, NetworkPolicies, secrets only from Secret references, migrations by a Job."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from deploy_files import K8S, documents, manifests, tool
from partnerhub.registry import discover

SERVICES = discover()
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"}
LONG_RUNNING = {"Deployment", "StatefulSet", "DaemonSet"}
# the volume types Pod Security "restricted" allows
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}
SECRET_LIKE = re.compile(r"(PASSWORD|SECRET|PRIVATE_KEY|DATABASE_URL|RABBITMQ_URL|PUBLIC_KEY|TOKEN)$")


def _pod_spec(document: dict) -> dict:
    if document["kind"] == "Pod":
        return document["spec"]
    if document["kind"] == "CronJob":
        return document["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return document["spec"]["template"]["spec"]


def _pod_labels(document: dict) -> dict:
    if document["kind"] == "CronJob":
        return document["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
    return document["spec"]["template"]["metadata"]["labels"]


def _workloads(kinds: set[str] = WORKLOAD_KINDS) -> list[tuple[str, dict]]:
    return [(f"{p.name}:{d['kind']}/{d['metadata']['name']}", d) for p, d in documents() if d["kind"] in kinds]


def _containers(spec: dict) -> list[dict]:
    return [*spec.get("initContainers", []), *spec["containers"]]


def _ids(items: list[tuple[str, dict]]) -> list[str]:
    return [name for name, _ in items]


# --- the API schema ---


def test_every_manifest_passes_kubernetes_validate_strict() -> None:
    validate = tool("kubernetes-validate", "PyPI, the dev group: make env")
    files = [str(p) for p in manifests()]
    result = subprocess.run([validate, "--strict", *files], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    passed = [line for line in result.stdout.splitlines() if " passed for resource " in line]
    assert len(passed) == len(documents()), result.stdout
    assert "fail" not in result.stdout.lower() + result.stderr.lower()


def test_kubernetes_validate_strict_does_reject_an_unknown_field(tmp_path: Path) -> None:
    """The check above can fail: a misspelt field (readinesProbe) is refused under --strict."""
    validate = tool("kubernetes-validate", "PyPI, the dev group: make env")
    document = next(yaml.safe_load_all((K8S / "identity.yaml").read_text()))
    container = document["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(document))
    result = subprocess.run([validate, "--strict", str(broken)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0, result.stdout


# --- Pod Security "restricted" ---


@pytest.mark.parametrize(("name", "workload"), _workloads(), ids=_ids(_workloads()))
def test_workload_meets_pod_security_restricted(name: str, workload: dict) -> None:
    spec = _pod_spec(workload)
    pod = spec.get("securityContext", {})
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        assert not spec.get(key), f"{name}: {key}"
    assert pod.get("seccompProfile", {}).get("type") in ("RuntimeDefault", "Localhost"), f"{name}: seccompProfile"
    assert spec.get("automountServiceAccountToken") is False, f"{name}: mounts a service account token it never uses"
    for volume in spec.get("volumes", []):
        kinds = set(volume) - {"name"}
        assert kinds <= RESTRICTED_VOLUMES, f"{name}: volume {volume['name']} is {kinds}"
    for container in _containers(spec):
        own = container.get("securityContext", {})
        where = f"{name}: container {container['name']}"
        assert own.get("runAsNonRoot", pod.get("runAsNonRoot")) is True, f"{where}: runAsNonRoot"
        user = own.get("runAsUser", pod.get("runAsUser"))
        assert isinstance(user, int) and user > 0, f"{where}: runAsUser must be a non-root uid"
        assert user == 10001, f"{where}: the image's user is 10001"
        assert own.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation"
        assert not own.get("privileged"), f"{where}: privileged"
        assert own.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem"
        capabilities = own.get("capabilities", {})
        assert capabilities.get("drop") == ["ALL"], f"{where}: capabilities must drop ALL"
        assert set(capabilities.get("add", [])) <= {"NET_BIND_SERVICE"}, f"{where}: capabilities added"
        if "seccompProfile" in own:
            assert own["seccompProfile"]["type"] in ("RuntimeDefault", "Localhost")
        for port in container.get("ports", []):
            assert "hostPort" not in port, f"{where}: hostPort"
        # a read-only root: /tmp is the only scratch space, and it is an emptyDir
        mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
        assert "/tmp" in mounts, f"{where}: no writable /tmp"
        tmp = next(v for v in spec["volumes"] if v["name"] == mounts["/tmp"])
        assert "emptyDir" in tmp, f"{where}: /tmp must be an emptyDir"


@pytest.mark.parametrize(("name", "workload"), _workloads(), ids=_ids(_workloads()))
def test_workload_has_cpu_and_memory_requests_and_limits(name: str, workload: dict) -> None:
    for container in _containers(_pod_spec(workload)):
        resources = container.get("resources", {})
        for kind in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                assert resources.get(kind, {}).get(resource), f"{name}/{container['name']}: no {kind}.{resource}"


@pytest.mark.parametrize(("name", "workload"), _workloads(LONG_RUNNING), ids=_ids(_workloads(LONG_RUNNING)))
def test_long_running_workload_has_startup_readiness_and_liveness_probes(name: str, workload: dict) -> None:
    """A Job (the migration) runs to completion and has no probes; every server has all three."""
    for container in _pod_spec(workload)["containers"]:
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert probe in container, f"{name}/{container['name']}: no {probe}"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["startupProbe"]["httpGet"]["path"] == "/healthz"


# --- availability and isolation ---


def test_one_deployment_and_one_pod_disruption_budget_per_service() -> None:
    deployments = {d["metadata"]["name"]: d for _, d in documents() if d["kind"] == "Deployment"}
    budgets = [d for _, d in documents() if d["kind"] == "PodDisruptionBudget"]
    assert set(deployments) == set(SERVICES)
    for name, deployment in deployments.items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        covering = [
            b for b in budgets if b["spec"]["selector"]["matchLabels"].items() <= labels.items()
        ]
        assert len(covering) == 1, f"{name}: {len(covering)} PodDisruptionBudgets"
        budget = covering[0]["spec"]
        if deployment["spec"].get("replicas", 1) > 1:
            assert budget.get("minAvailable", 0) >= 1 or budget.get("maxUnavailable") == 1, name


def _selects(selector: dict, labels: dict) -> bool:
    return selector.get("matchLabels", {}).items() <= labels.items() and not selector.get("matchExpressions")


def test_network_policies_deny_by_default_and_let_only_the_ingress_controller_reach_the_apis() -> None:
    policies = [d for _, d in documents() if d["kind"] == "NetworkPolicy"]
    assert policies, "no NetworkPolicy"
    pods = {d["metadata"]["name"]: _pod_labels(d) for _, d in documents() if d["kind"] in WORKLOAD_KINDS}
    deny = [p for p in policies if {"Ingress", "Egress"} <= set(p["spec"]["policyTypes"]) and not p["spec"].get("ingress") and not p["spec"].get("egress")]
    assert deny, "no default-deny policy"
    for name, labels in pods.items():
        assert any(_selects(p["spec"]["podSelector"], labels) for p in deny), f"{name} is not under the default deny"
        # ingress: every rule that selects the pod admits the ingress controller's namespace only
        sources = [
            source
            for p in policies
            if _selects(p["spec"]["podSelector"], labels)
            for rule in p["spec"].get("ingress", [])
            for source in rule.get("from", [None])
        ]
        if name in SERVICES:
            assert sources, f"{name}: nothing may reach the API"
        for source in sources:
            assert source is not None, f"{name}: an ingress rule without `from` admits everyone"
            assert set(source) == {"namespaceSelector"}, f"{name}: {source}"
            assert "kubernetes.io/metadata.name" in source["namespaceSelector"]["matchLabels"], source
        # egress: PostgreSQL and RabbitMQ are reachable
        ports = {
            port["port"]
            for p in policies
            if _selects(p["spec"]["podSelector"], labels)
            for rule in p["spec"].get("egress", [])
            for port in rule.get("ports", [])
        }
        assert {5432, 53}.issubset(ports), f"{name}: egress {ports}"
        if name in SERVICES:
            assert 5672 in ports, f"{name} cannot reach RabbitMQ"
        if name == "notify":
            assert {25, 465, 587} & ports, "notify cannot reach an SMTP relay"


# --- configuration: secrets, hostnames, migrations ---


def _config_map() -> dict:
    return next(d for _, d in documents() if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "partnerhub-config")


@pytest.mark.parametrize(("name", "workload"), _workloads(), ids=_ids(_workloads()))
def test_secrets_come_only_from_secret_references(name: str, workload: dict) -> None:
    config = _config_map()["data"]
    for container in _containers(_pod_spec(workload)):
        assert "envFrom" not in container, f"{name}: envFrom hides which settings come from where"
        for item in container.get("env", []):
            source = item.get("valueFrom", {})
            if SECRET_LIKE.search(item["name"]):
                assert set(source) == {"secretKeyRef"}, f"{name}: {item['name']} must come from a Secret"
            if "configMapKeyRef" in source:
                ref = source["configMapKeyRef"]
                assert ref["name"] == "partnerhub-config" and ref["key"] in config, f"{name}: {ref}"
    assert not [d for _, d in documents() if d["kind"] == "Secret"], "a Secret with values in the repository"


def test_migrations_run_as_a_job_and_the_deployments_do_not_migrate() -> None:
    jobs = [d for _, d in documents() if d["kind"] == "Job"]
    assert [j["spec"]["template"]["spec"]["containers"][0]["args"] for j in jobs] == [["migrate", "all"]]
    job_env = {e["name"] for e in jobs[0]["spec"]["template"]["spec"]["containers"][0]["env"]}
    for service, definition in SERVICES.items():
        assert f"{definition.settings_cls.env_prefix()}DATABASE_URL" in job_env, f"the Job does not migrate {service}"
    for _, deployment in documents():
        if deployment["kind"] != "Deployment":
            continue
        env = {e["name"]: e.get("value") for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert env.get("PARTNERHUB_MIGRATE_ON_START") == "false", deployment["metadata"]["name"]
        assert env.get("PARTNERHUB_ENVIRONMENT") == "production"


def test_notify_takes_its_smtp_relay_from_the_config_map() -> None:
    deployment = next(d for _, d in documents() if d["kind"] == "Deployment" and d["metadata"]["name"] == "notify")
    env = {e["name"]: e for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    ref = env["NOTIFY_SMTP_HOST"]["valueFrom"]["configMapKeyRef"]
    assert _config_map()["data"][ref["key"]].strip(), "the ConfigMap names no SMTP relay"
    assert env["NOTIFY_SMTP_PASSWORD"]["valueFrom"]["secretKeyRef"]


def test_learning_replicas_share_their_proof_files_through_the_database() -> None:
    """Proof files live in learning's database (tested with two processes in
    services/learning/tests/integration/test_proof_store.py): several replicas, no volume, no local folder."""
    docs = {d["kind"]: d for d in yaml.safe_load_all((K8S / "learning.yaml").read_text()) if d}
    deployment = docs["Deployment"]
    assert deployment["spec"]["replicas"] >= 2
    assert "PersistentVolumeClaim" not in docs
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env.get("LEARNING_PROOF_STORE", "database") == "database"
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert mounts == {"/tmp"}, mounts
