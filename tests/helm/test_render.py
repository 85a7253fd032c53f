"""What the chart renders for each values set: workloads, config, secrets, probes, shutdown."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from _chart import DIGEST, VALUES, Rendered, render

from relay.config import ServerSettings, Settings

CATALOGUE = Path(__file__).parents[2] / "docs" / "metrics.md"


def _container(workload: dict[str, Any]) -> dict[str, Any]:
    (container,) = workload["spec"]["template"]["spec"]["containers"]
    return container


def test_minimal_is_a_deployment_with_probes_and_a_restricted_context(
    rendered: dict[str, Rendered],
) -> None:
    """Defaults: a Deployment, /healthz and /readyz probes, non-root, read-only, no capabilities."""
    result = rendered["minimal"]
    assert result.kind("StatefulSet") == []
    for absent in ("Ingress", "ServiceMonitor", "HorizontalPodAutoscaler"):
        assert result.kind(absent) == []
    deployment = result.one("Deployment")
    assert deployment["spec"]["replicas"] == 2
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    container = _container(deployment)
    assert container["args"] == ["serve", "--config", "/etc/relay/relay.yaml"]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    context = container["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert result.one("PodDisruptionBudget")["spec"]["maxUnavailable"] == 1
    policy = result.one("NetworkPolicy")
    assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert policy["spec"]["ingress"] == [{"ports": [{"port": "http", "protocol": "TCP"}]}]


@pytest.mark.parametrize("name", ["minimal", "monitoring"])
def test_grace_period_covers_prestop_and_relays_shutdown_timeout(
    rendered: dict[str, Rendered], name: str
) -> None:
    """The grace period is the preStop sleep + server.shutdown_timeout_seconds + a margin."""
    result = rendered[name]
    pod = result.one("Deployment")["spec"]["template"]["spec"]
    shutdown = result.relay_config()["server"]["shutdown_timeout_seconds"]
    sleep = _container(result.one("Deployment"))["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pod["terminationGracePeriodSeconds"] == sleep + shutdown + 10
    assert sleep > 0
    expected = 25 if name == "monitoring" else ServerSettings().shutdown_timeout_seconds
    assert shutdown == expected


@pytest.mark.parametrize("name", ["minimal", "sinks", "monitoring"])
def test_configmap_holds_a_config_relay_accepts(rendered: dict[str, Rendered], name: str) -> None:
    """The mounted relay.yaml validates as relay Settings and listens on 0.0.0.0:8080."""
    settings = Settings(**rendered[name].relay_config())
    assert (settings.server.host, settings.server.port) == ("0.0.0.0", 8080)  # noqa: S104 (in a pod)
    # above ingress-nginx's and ALB's 60 s idle timeout: relay never closes a reused connection
    assert settings.server.keepalive_timeout_seconds == 65
    assert len(settings.sinks) == len(rendered[name].values.get("config", {}).get("sinks", []))


def test_spool_makes_a_statefulset_with_a_volume_per_pod(rendered: dict[str, Rendered]) -> None:
    """spool.enabled: StatefulSet + volumeClaimTemplate + headless Service; config points there."""
    result = rendered["spool"]
    assert result.kind("Deployment") == []
    statefulset = result.one("StatefulSet")
    assert statefulset["spec"]["serviceName"] == "relay-headless"
    assert result.one("Service", "relay-headless")["spec"]["clusterIP"] == "None"
    (claim,) = statefulset["spec"]["volumeClaimTemplates"]
    assert claim["spec"]["resources"]["requests"]["storage"] == "5Gi"
    mounts = {m["name"]: m["mountPath"] for m in _container(statefulset)["volumeMounts"]}
    spool = result.relay_config()["spool"]
    assert spool == {"enabled": True, "path": mounts["spool"], "max_bytes": 4 * 1024**3}
    assert result.relay_config()["server"]["workers"] == 2  # receiver.workers
    assert rendered["minimal"].relay_config()["server"]["workers"] == 1
    assert statefulset["spec"]["persistentVolumeClaimRetentionPolicy"]["whenScaled"] == "Retain"
    hpa = result.one("HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"]["kind"] == "StatefulSet"
    assert "replicas" not in statefulset["spec"]


def test_env_secret_refs_become_envfrom(rendered: dict[str, Rendered]) -> None:
    """secretRefs.env: every key of the Secret is an environment variable (`env:KEY`)."""
    container = _container(rendered["spool"].one("StatefulSet"))
    assert container["envFrom"] == [{"secretRef": {"name": "relay-source-secrets"}}]


def test_one_deployment_per_sink_running_that_sink(rendered: dict[str, Rendered]) -> None:
    """Each configured sink gets `relay sink run NAME`; overrides set its replicas."""
    result = rendered["sinks"]
    sinks = {
        d["metadata"]["name"]: d
        for d in result.kind("Deployment")
        if "-sink-" in d["metadata"]["name"]
    }
    assert set(sinks) == {"relay-sink-archive", "relay-sink-warehouse", "relay-sink-crm"}
    for name, deployment in sinks.items():
        sink = name.removeprefix("relay-sink-")
        container = _container(deployment)
        assert container["args"] == [
            "sink",
            "run",
            sink,
            "--config",
            "/etc/relay/relay.yaml",
            "--metrics-port",
            "9091",
            "--metrics-host",
            "0.0.0.0",  # noqa: S104 (the pod's metrics port, inside the cluster)
        ]
        assert container["ports"] == [{"name": "metrics", "containerPort": 9091, "protocol": "TCP"}]
        assert deployment["spec"]["replicas"] == (3 if sink == "warehouse" else 1)
    policies = {p["metadata"]["name"]: p for p in result.kind("NetworkPolicy")}
    assert set(policies) == {"relay", "relay-sinks"}
    (ingress,) = policies["relay-sinks"]["spec"]["ingress"]
    assert ingress["ports"] == [{"port": "metrics", "protocol": "TCP"}]


@pytest.mark.parametrize(
    ("name", "path"),
    [("sinks", "/run/secrets/relay-woo"), ("monitoring", "/run/secrets/relay-woo")],
)
def test_file_secret_refs_are_mounted_where_the_config_points(
    rendered: dict[str, Rendered], name: str, path: str
) -> None:
    """secretRefs.files mounts the Secret read-only where the `file:` reference expects it."""
    result = rendered[name]
    container = _container(result.one("Deployment", "relay"))
    (mount,) = [m for m in container["volumeMounts"] if m["name"] == "secret-relay-woo"]
    assert (mount["mountPath"], mount["readOnly"]) == (path, True)
    refs = [ref for s in result.relay_config()["sources"] for ref in s["secrets"]]
    assert f"file:{path}/current" in refs
    assert "envFrom" not in container


def test_ingress_exposes_only_the_webhooks(rendered: dict[str, Rendered]) -> None:
    """The Ingress routes /webhooks/ only: /metrics and the probes stay inside the cluster."""
    result = rendered["monitoring"]
    (rule,) = result.one("Ingress")["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert (rule["host"], path["path"], path["pathType"]) == (
        "hooks.example.com",
        "/webhooks/",
        "Prefix",
    )
    assert path["backend"]["service"] == {"name": "relay", "port": {"name": "http"}}
    assert _container(result.one("Deployment"))["image"] == f"relay@{DIGEST}"


def test_servicemonitor_scrapes_the_receiver_service(rendered: dict[str, Rendered]) -> None:
    """The ServiceMonitor selects the receiver Service's labels and its http port's /metrics."""
    result = rendered["monitoring"]
    monitor = result.one("ServiceMonitor")
    service = result.one("Service", "relay")
    selector = monitor["spec"]["selector"]["matchLabels"]
    assert selector.items() <= service["metadata"]["labels"].items()
    assert monitor["metadata"]["labels"]["release"] == "prom"
    (endpoint,) = monitor["spec"]["endpoints"]
    assert (endpoint["port"], endpoint["path"]) == ("http", "/metrics")
    assert service["spec"]["ports"][0]["name"] == "http"


def test_podmonitor_scrapes_the_sinks_metrics_port(rendered: dict[str, Rendered]) -> None:
    """With sinks and monitoring on, a PodMonitor scrapes every sink pod's metrics port."""
    assert not rendered["sinks"].kind("PodMonitor")  # monitoring off: none
    values = {**VALUES["sinks"], "metrics": {"serviceMonitor": {"enabled": True}}}
    docs = [d for text in render(values).values() for d in yaml.safe_load_all(text) if d]
    sink_pods = [
        d["spec"]["template"]["metadata"]["labels"]
        for d in docs
        if d["kind"] == "Deployment" and "-sink-" in d["metadata"]["name"]
    ]
    (monitor,) = [d for d in docs if d["kind"] == "PodMonitor"]
    assert len(sink_pods) == 3
    selector = monitor["spec"]["selector"]["matchLabels"]
    for labels in sink_pods:
        assert selector.items() <= labels.items()
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    assert (endpoint["port"], endpoint["path"]) == ("metrics", "/metrics")


def _catalogue_names() -> set[str]:
    return set(
        re.findall(
            r"^\| `([a-z_]+)` \| (?:counter|gauge|histogram) \|",
            CATALOGUE.read_text(),
            re.MULTILINE,
        )
    )


def test_dashboard_charts_every_relay_metric_of_the_catalogue(
    rendered: dict[str, Rendered],
) -> None:
    """The Grafana ConfigMap has the sidecar label; its queries use every catalogue metric."""
    configmap = rendered["monitoring"].one("ConfigMap", "relay-dashboard")
    assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
    dashboard = json.loads(configmap["data"]["relay.json"])
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    used = {
        re.sub(r"_(bucket|count|sum)$", "", name)
        for expr in exprs
        for name in re.findall(r"\b((?:relay|process)_[a-z_]+)\b", expr)
    }
    catalogue = _catalogue_names()
    assert used <= catalogue
    assert {n for n in catalogue if n.startswith("relay_")} <= used
    assert rendered["minimal"].kind("ConfigMap") == [rendered["minimal"].one("ConfigMap", "relay")]
    assert yaml.safe_load(configmap["data"]["relay.json"])["uid"] == "relay-overview"


def _leaves(values: dict[str, Any], prefix: str = "") -> list[str]:
    paths = []
    for key, value in values.items():
        path = f"{prefix}.{key}" if prefix else key
        nested = isinstance(value, dict) and value and key not in {"config", "resources"}
        paths.extend(_leaves(value, path) if nested else [path])
    return paths


def test_chart_readme_documents_every_value() -> None:
    """Each key of values.yaml (or its parent) appears in the README's values table."""
    chart = Path(__file__).parents[2] / "helm" / "relay"
    values = yaml.safe_load((chart / "values.yaml").read_text())
    table = {
        key
        for line in (chart / "README.md").read_text().splitlines()
        if line.startswith("| `")
        for key in re.findall(r"`([A-Za-z.]+)`", line.split("|")[1])
    }
    paths = _leaves(values)
    assert len(paths) > 60
    undocumented = [p for p in paths if not any(p == k or p.startswith(f"{k}.") for k in table)]
    assert undocumented == []
