"""deploy/k8s: every manifest is valid against the Kubernetes schemas (strict: unknown fields
fail), and the manifests agree with each other and with the code they run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from codeguild.config import Settings
from codeguild.store.db.url import BLOB_DIR_ENV_VAR

kubernetes_validate = pytest.importorskip(
    "kubernetes_validate", reason="install the dev extra: pip install -e '.[dev]'"
)

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
#: the Kubernetes version the manifests are checked against (kubernetes-validate ships 1.25+)
KUBERNETES_VERSION = "1.33.0"
WORKLOADS = ("Deployment", "StatefulSet")
GENERATED_CODE_ROLES = {"tester", "security"}


def _documents() -> list[tuple[str, dict[str, Any]]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                docs.append((path.name, doc))
    return docs


DOCS = _documents()


def _of(kind: str) -> list[dict[str, Any]]:
    return [d for _, d in DOCS if d["kind"] == kind]


def _named(kind: str, name: str) -> dict[str, Any]:
    found = [d for d in _of(kind) if d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def _containers(workload: dict[str, Any]) -> list[dict[str, Any]]:
    spec = workload["spec"]["template"]["spec"]
    return list(spec.get("initContainers", [])) + list(spec["containers"])


def _walk(node: object) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


@pytest.mark.parametrize(
    "doc", [d for _, d in DOCS], ids=[f"{f}:{d['kind']}/{d['metadata']['name']}" for f, d in DOCS]
)
def test_manifest_is_valid_in_strict_mode(doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_strict_mode_catches_an_unknown_field() -> None:
    broken = yaml.safe_load((K8S / "orchestrator.yaml").read_text().split("---")[0])
    broken["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(files)
    assert kustomization["namespace"] == "codeguild"
    assert {i["name"] for i in kustomization["images"]} == {"codeguild"}


def test_every_service_selects_pods_and_targets_their_ports() -> None:
    templates = [w["spec"]["template"] for kind in WORKLOADS for w in _of(kind)]
    for service in _of("Service"):
        selector = service["spec"]["selector"]
        pods = [t for t in templates if selector.items() <= t["metadata"]["labels"].items()]
        assert pods, f"Service {service['metadata']['name']} selects no pod"
        ports = {
            key: p
            for t in pods
            for c in t["spec"]["containers"]
            for p in c.get("ports", [])
            for key in (p["containerPort"], p.get("name"))
        }
        for port in service["spec"]["ports"]:
            assert port.get("targetPort", port["port"]) in ports, (service, port)


def test_every_config_and_secret_reference_exists() -> None:
    maps = {d["metadata"]["name"]: d for d in _of("ConfigMap")}
    secrets = {d["metadata"]["name"]: d for d in _of("Secret")}
    claims = {d["metadata"]["name"] for d in _of("PersistentVolumeClaim")}
    seen = 0
    for key, value in _walk([w for kind in WORKLOADS for w in _of(kind)]):
        if key == "configMapRef":
            assert value["name"] in maps
        elif key == "secretRef":
            assert value["name"] in secrets
        elif key == "configMapKeyRef":
            assert value["key"] in maps[value["name"]]["data"]
        elif key == "secretKeyRef":
            assert value["key"] in secrets[value["name"]]["stringData"]
        elif key == "persistentVolumeClaim":
            assert value["claimName"] in claims
        else:
            continue
        seen += 1
    assert seen >= 5


def test_probes_use_declared_container_ports_and_mounts_declared_volumes() -> None:
    for kind in WORKLOADS:
        for workload in _of(kind):
            spec = workload["spec"]["template"]["spec"]
            volumes = {v["name"] for v in spec.get("volumes", [])} | {
                t["metadata"]["name"] for t in workload["spec"].get("volumeClaimTemplates", [])
            }
            for container in _containers(workload):
                ports = {p["containerPort"] for p in container.get("ports", [])} | {
                    p["name"] for p in container.get("ports", [])
                }
                for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                    action = container.get(probe, {})
                    for handler in ("httpGet", "tcpSocket", "grpc"):
                        if handler in action:
                            assert action[handler]["port"] in ports, (container["name"], probe)
                for mount in container.get("volumeMounts", []):
                    assert mount["name"] in volumes, (container["name"], mount)
                resources = container["resources"]
                assert {"cpu", "memory"} <= resources["requests"].keys()
                assert {"cpu", "memory"} <= resources["limits"].keys()


def test_statefulsets_have_their_governing_service() -> None:
    services = {s["metadata"]["name"] for s in _of("Service")}
    assert {s["metadata"]["name"] for s in _of("StatefulSet")} == {
        "codeguild-postgres",
        "codeguild-redis",
    }
    for workload in _of("StatefulSet"):
        assert workload["spec"]["serviceName"] in services


def test_orchestrator_runs_three_probed_replicas_scraped_by_prometheus() -> None:
    deployment = _named("Deployment", "codeguild-orchestrator")
    assert deployment["spec"]["replicas"] == 3
    template = deployment["spec"]["template"]
    annotations = template["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] == "/metrics"
    (container,) = template["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": 8000, "grpc": 50051}
    assert annotations["prometheus.io/port"] == str(ports["http"])
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["args"] == ["serve"]
    env = {e["name"] for e in container["env"]}
    assert {"CODEGUILD_REPLICA_ID", "CODEGUILD_JWT_SECRET", "CODEGUILD_DATABASE_URL"} <= env
    # the handover of a stopping replica's runs must fit in its grace period
    assert template["spec"]["terminationGracePeriodSeconds"] >= 30


def test_configmap_sets_only_real_settings() -> None:
    known = {f"CODEGUILD_{name.upper()}" for name in Settings.model_fields}
    data = _named("ConfigMap", "codeguild-config")["data"]
    assert set(data) <= known | {BLOB_DIR_ENV_VAR}, sorted(set(data) - known)
    fields = {k.removeprefix("CODEGUILD_").lower(): v for k, v in data.items()}
    Settings(**{k: v for k, v in fields.items() if k in Settings.model_fields})
    assert "CODEGUILD_JWT_SECRET" not in data  # secrets belong in the Secret


def _roles(container: dict[str, Any]) -> set[str]:
    args = container["args"]
    return set(args[args.index("--roles") + 1].split(","))


def test_workers_cover_every_role_and_each_has_an_autoscaler() -> None:
    from codeguild.rpc.roles import KNOWN_ROLES

    workers = [d for d in _of("Deployment") if d["metadata"]["name"].startswith("codeguild-worker")]
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in _of("HorizontalPodAutoscaler")}
    covered: set[str] = set()
    for worker in workers:
        (container,) = worker["spec"]["template"]["spec"]["containers"]
        args = container["args"]
        assert args[0] == "worker"
        assert args[args.index("--orchestrator") + 1] == "codeguild-orchestrator:50051"
        roles = _roles(container)
        assert roles <= set(KNOWN_ROLES), roles
        covered |= roles
        hpa = hpas[worker["metadata"]["name"]]
        assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        assert hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    assert covered == set(KNOWN_ROLES)


def test_workers_running_generated_code_have_no_egress_but_the_orchestrator() -> None:
    (policy,) = _of("NetworkPolicy")
    selector = policy["spec"]["podSelector"]["matchLabels"]
    assert "Egress" in policy["spec"]["policyTypes"]
    for worker in _of("Deployment"):
        template = worker["spec"]["template"]
        (container,) = template["spec"]["containers"]
        selected = selector.items() <= template["metadata"]["labels"].items()
        runs_code = container.get("args", [None])[0] == "worker" and bool(
            _roles(container) & GENERATED_CODE_ROLES
        )
        assert selected == runs_code, worker["metadata"]["name"]
    allowed = policy["spec"]["egress"]
    to_orchestrator = [
        rule
        for rule in allowed
        for peer in rule["to"]
        if peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name")
        == "codeguild-orchestrator"
    ]
    assert [p["port"] for r in to_orchestrator for p in r["ports"]] == [50051]
    # besides the orchestrator only DNS: no internet, database or Redis for generated code
    others = [r for r in allowed if r not in to_orchestrator]
    assert all(p["port"] == 53 for r in others for p in r["ports"])
