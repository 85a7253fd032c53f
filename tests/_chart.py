"""The chart's test values sets, rendered offline by helm-python-sdk (Helm's Go SDK in a wheel)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python
import yaml

CHART = Path(__file__).parents[1] / "helm" / "relay"
NAMESPACE = "commerce"
DIGEST = "sha256:" + "ab" * 32

_SOURCES = [
    {"id": "acme-shopify", "platform": "shopify", "secrets": ["env:ACME_SHOPIFY_SECRET"]},
    {
        "id": "acme-woo",
        "platform": "woocommerce",
        "secrets": ["file:/run/secrets/relay-woo/current"],
    },
]
_SINKS = [
    {"name": "archive", "type": "file", "topics": ["orders"], "path": "/data/orders.jsonl"},
    {"name": "warehouse", "type": "file", "topics": ["products"], "path": "/data/p.jsonl"},
    {"name": "crm", "type": "file", "topics": ["customers"], "path": "/data/c.jsonl"},
]
_KAFKA = {"bootstrap_servers": "kafka-0.kafka:9092", "topic_prefix": "commerce"}

VALUES: dict[str, dict[str, Any]] = {
    "minimal": {},
    "spool": {
        "config": {"kafka": _KAFKA, "sources": _SOURCES[:1]},
        "spool": {"enabled": True, "size": "5Gi", "maxBytes": 4 * 1024**3},
        "receiver": {"workers": 2},
        "secretRefs": {"env": ["relay-source-secrets"]},
        "autoscaling": {"enabled": True, "minReplicas": 2, "maxReplicas": 6},
    },
    "sinks": {
        "config": {"kafka": _KAFKA, "sources": _SOURCES, "sinks": _SINKS},
        "secretRefs": {"files": [{"name": "relay-woo"}]},
        "sinkRunner": {
            "overrides": {"warehouse": {"replicaCount": 3}},
            "extraVolumes": [{"name": "data", "emptyDir": {}}],
            "extraVolumeMounts": [{"name": "data", "mountPath": "/data"}],
        },
    },
    "monitoring": {
        "image": {"digest": DIGEST},
        "config": {
            "kafka": _KAFKA,
            "sources": _SOURCES,
            "server": {"shutdown_timeout_seconds": 25},
        },
        "secretRefs": {"files": [{"name": "relay-woo", "mountPath": "/run/secrets/relay-woo"}]},
        "ingress": {
            "enabled": True,
            "className": "nginx",
            "hosts": [{"host": "hooks.example.com"}],
            "tls": [{"secretName": "hooks-tls", "hosts": ["hooks.example.com"]}],
        },
        "autoscaling": {"enabled": True},
        "metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prom"}}},
        "grafanaDashboard": {"enabled": True},
    },
}


@dataclass(frozen=True)
class Rendered:
    """One values set rendered: the manifest files and their parsed documents."""

    name: str
    values: dict[str, Any]
    files: dict[str, str]
    docs: list[dict[str, Any]]

    def kind(self, kind: str) -> list[dict[str, Any]]:
        """Every document of ``kind``."""
        return [d for d in self.docs if d["kind"] == kind]

    def one(self, kind: str, name: str | None = None) -> dict[str, Any]:
        """The one document of ``kind`` (named ``name``)."""
        (doc,) = [d for d in self.kind(kind) if name is None or d["metadata"]["name"] == name]
        return doc

    def relay_config(self) -> dict[str, Any]:
        """The relay config file the ConfigMap carries."""
        config: dict[str, Any] = yaml.safe_load(
            self.one("ConfigMap", "relay")["data"]["relay.yaml"]
        )
        return config


def render(values: dict[str, Any]) -> dict[str, str]:
    """Render the chart offline; return template path -> manifest text (empty ones dropped)."""
    chart = helm_python.Chart.load(CHART)
    files = chart.render(copy.deepcopy(values), name="relay", namespace=NAMESPACE, is_install=True)
    return {path: text for path, text in files.items() if path.endswith(".yaml") and text.strip()}
