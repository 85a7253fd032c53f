"""The rendered chart passes helm lint, kubernetes-validate --strict and checkov, offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import helm_python
import jsonschema
import kubernetes_validate
import pytest
import yaml
from _chart import CHART, VALUES, Rendered

KUBERNETES_VERSION = "1.37.0"  # the newest schema set kubernetes-validate 1.37 ships
_NOT_IN_KUBERNETES = {"monitoring.coreos.com/v1"}  # CRDs: no schema in kubernetes-validate

# checkov findings accepted on purpose: check id -> (why, the resources it may apply to).
SKIPS: dict[str, tuple[str, str]] = {
    "CKV_K8S_15": (
        (
            "imagePullPolicy IfNotPresent is right for an immutable tag or digest; Always "
            "makes every pod start depend on the registry. `image.pullPolicy` changes it."
        ),
        "",
    ),
    "CKV_K8S_43": (
        (
            "`image.digest` pins the image (the monitoring values set proves it passes); the other "
            "values sets use the default tag on purpose."
        ),
        "",
    ),
    "CKV_K8S_35": (
        (
            "`secretRefs.env` backs relay's documented `env:NAME` secret references; "
            "`secretRefs.files` is the file alternative, and the values sets using it pass."
        ),
        "",
    ),
    "CKV_K8S_8": (
        (
            "a sink is a Kafka consumer with no HTTP server to probe; it exits on fatal errors and "
            "Kubernetes restarts it, and a stuck one shows as relay_sink_lag."
        ),
        "-sink-",
    ),
    "CKV_K8S_9": ("as CKV_K8S_8: a sink receives no traffic to be ready for.", "-sink-"),
}


@pytest.mark.parametrize("name", list(VALUES))
def test_helm_lint_strict_finds_nothing(name: str) -> None:
    """`helm lint --strict` against Kubernetes 1.37 reports no warning or error."""
    report = helm_python.lint(CHART, VALUES[name], strict=True, kube_version="v1.37.0")
    assert report["errors"] == []
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert problems == []


@pytest.mark.parametrize("name", list(VALUES))
def test_every_manifest_validates_strictly(rendered: dict[str, Rendered], name: str) -> None:
    """Each rendered document validates against Kubernetes 1.37's strict schemas."""
    docs = rendered[name].docs
    assert docs
    validated = 0
    for doc in docs:
        if doc["apiVersion"] in _NOT_IN_KUBERNETES:
            continue
        version = kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        assert version == "1.37"
        validated += 1
    assert validated >= len(docs) - 1


def test_strict_validation_catches_an_unknown_field(rendered: dict[str, Rendered]) -> None:
    """The validator is strict: a misspelt field in a Deployment is an error."""
    deployment = rendered["minimal"].one("Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


@pytest.fixture(scope="module")
def checkov_failures(manifest_dir: Path) -> list[dict[str, Any]]:
    """The failed checks of checkov over every values set's rendered files (one run for all)."""
    checkov = Path(sys.executable).parent / "checkov"
    result = subprocess.run(
        [
            str(checkov),
            "-d",
            str(manifest_dir),
            "--framework",
            "kubernetes",
            "--skip-download",
            "--output",
            "json",
            "--quiet",
            "--compact",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"},
    )
    assert result.returncode in {0, 1}, result.stderr
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    (kubernetes,) = [r for r in reports if r["check_type"] == "kubernetes"]
    assert kubernetes["summary"]["parsing_errors"] == 0
    assert kubernetes["summary"]["resource_count"] >= 30
    assert kubernetes["summary"]["passed"] >= 300
    failures: list[dict[str, Any]] = kubernetes["results"]["failed_checks"]
    return failures


def test_checkov_finds_nothing_outside_the_skip_list(
    checkov_failures: list[dict[str, Any]],
) -> None:
    """Every checkov failure is a documented skip that applies to that resource."""
    unexpected = [
        (f["check_id"], f["check_name"], f["file_path"], f["resource"])
        for f in checkov_failures
        if f["check_id"] not in SKIPS or SKIPS[f["check_id"]][1] not in f["resource"]
    ]
    assert unexpected == []


def test_the_pinned_and_file_secret_values_set_passes_checkov_fully(
    checkov_failures: list[dict[str, Any]],
) -> None:
    """With a digest and file secrets, no check fails at all (the skips are about choices)."""
    assert [f["check_id"] for f in checkov_failures if "/monitoring/" in f["file_path"]] == []
    assert any(f["check_id"] == "CKV_K8S_43" for f in checkov_failures)  # the scan did run


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"receiver": {"port": "http"}}, "port"),
        ({"receiver": {"workers": 0}}, "workers"),
        ({"replicas": 3}, "replicas"),
        ({"ingress": {"enabled": True}}, "hosts"),
        ({"image": {"digest": "latest"}}, "digest"),
    ],
)
def test_schema_rejects_bad_values(values: dict[str, Any], message: str) -> None:
    """values.schema.json rejects a wrong type, an unknown key, a missing host, a bad digest."""
    chart = helm_python.Chart.load(CHART)
    with pytest.raises(helm_python.HelmError, match=message):
        chart.render(values, name="relay", namespace="commerce")


def test_values_schema_is_valid_draft7_and_accepts_the_defaults() -> None:
    """values.schema.json is a valid JSON Schema that the chart's own values.yaml satisfies."""
    schema = json.loads((CHART / "values.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    jsonschema.Draft7Validator(schema).validate(defaults)
    for values in VALUES.values():
        merged = _merge(defaults, values)
        assert list(jsonschema.Draft7Validator(schema).iter_errors(merged)) == []


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's coalescing of values: maps merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in override.items():
        both_maps = isinstance(value, dict) and isinstance(base.get(key), dict)
        out[key] = _merge(base[key], value) if both_maps else value
    return out
