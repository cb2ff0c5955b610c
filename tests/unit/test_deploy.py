"""The deployment files, validated offline: Dockerfile, Compose, Kubernetes (core kinds and CRDs).

There is no Docker engine or cluster here, so these tests read the files and check what a
deployment depends on: they parse, they validate against the Kubernetes schemas (core
kinds, via kubernetes-validate) and against the CRDs' schemas (Strimzi KafkaTopic, KEDA
ScaledObject/TriggerAuthentication, the fields used here), and they agree with each other
and with the Settings model.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from pipeline.settings import ENV_PREFIX, Settings
from pipeline.topics import topic_specs

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
SETTINGS = {f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields}


def _docs() -> list[dict[str, Any]]:
    docs = []
    for p in sorted(K8S.glob("*.yaml")):
        if p.name == "kustomization.yaml":
            continue
        docs.extend(d for d in yaml.safe_load_all(p.read_text()) if d)
    return docs


def _kind(kind: str) -> list[dict[str, Any]]:
    return [d for d in _docs() if d["kind"] == kind]


# ---------------------------------------------------------------------------- Dockerfile


def test_dockerfile_is_multi_stage_non_root_pinned_and_healthchecked() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\w+))?", text, re.M)
    assert len(stages) >= 2 and stages[0][1] == "build"
    assert "slim" in re.search(r"ARG PYTHON_IMAGE=(\S+)", text).group(1)  # type: ignore[union-attr]
    assert "COPY --from=build /opt/wirewash /opt/wirewash" in text
    final = text[text.rindex("FROM ") :]
    user = re.search(r"^USER\s+(\S+)", final, re.M)
    assert user and user.group(1).split(":")[0] not in ("0", "root")
    assert "pip install --require-hashes -r deploy/requirements.lock" in text
    assert re.search(r'^HEALTHCHECK .*CMD \["wirewash", "health"\]', final, re.M)
    assert re.search(r'^ENTRYPOINT \["wirewash", "worker"\]', final, re.M)
    assert "EXPOSE 6066" in final
    # the core is compiled in the build stage, and the build stops if it is not
    build = text[: text.rindex("FROM ")]
    assert "COPY pyproject.toml setup.py" in build and "gcc" in build and "gcc" not in final
    assert 'grep -q "compiled with mypyc"' in build
    # profile-guided (setup.py): the training run's inputs are in the build stage, and it must have run
    assert all(f"COPY {path} ./{path}" in build for path in ("bench/pgo_train.py", "tests/cases", "seeds"))
    assert 'grep -q "wirewash: compiled the core profile-guided"' in build


def test_lock_file_pins_every_runtime_dependency_with_hashes() -> None:
    import tomllib

    lock = (DEPLOY / "requirements.lock").read_text()
    pinned = {m.group(1).lower() for m in re.finditer(r"^([A-Za-z0-9_.-]+)==\S+ \\$", lock, re.M)}
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = {re.split(r"[<>=!~\[ ]", d, maxsplit=1)[0].lower() for d in deps}
    assert names <= pinned, names - pinned
    # every pin carries at least one hash (pip --require-hashes)
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", lock)
    pins = [b for b in blocks if re.match(r"[A-Za-z0-9_.-]+==", b)]
    assert len(pins) == len(pinned) and all("--hash=sha256:" in b for b in pins)
    assert "file://" not in lock and "/opt/" not in lock  # nothing from this machine


def test_dockerignore_keeps_the_context_small() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "tests", "bench"} <= set(ignored)
    # but the profile-guided build's training inputs go in (the Dockerfile copies them)
    assert {"!tests/cases", "!bench/pgo_train.py"} <= set(ignored)


# ------------------------------------------------------------------------------- Compose


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


def test_compose_runs_kafka_in_kraft_mode(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093"
    assert "CONTROLLER" in env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert "ZOOKEEPER" not in " ".join(env)  # no ZooKeeper anywhere
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"  # the topics service creates them
    assert "kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])


def test_compose_topic_service_and_scalable_worker(compose: dict[str, Any]) -> None:
    services = compose["services"]
    topics, worker = services["topics"], services["worker"]
    assert topics["entrypoint"] == ["wirewash", "topics", "create"]
    assert topics["restart"] == "no"
    assert topics["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert worker["depends_on"]["topics"]["condition"] == "service_completed_successfully"
    assert worker["environment"]["WIREWASH_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert "container_name" not in worker and "ports" not in worker  # `--scale worker=N` works
    assert worker["healthcheck"]["test"] == ["CMD", "wirewash", "health"]
    assert worker["stop_signal"] == "SIGTERM"
    assert topics["build"]["dockerfile"] == "deploy/Dockerfile"
    for svc in (topics, worker):
        unknown = set(svc["environment"]) - SETTINGS
        assert not unknown, unknown
    # the topics the compose stack creates get the policies wirewash asks for
    s = Settings(**{k.removeprefix(ENV_PREFIX).lower(): v for k, v in topics["environment"].items()})
    specs = topic_specs(s)
    assert specs[s.topic_articles]["cleanup.policy"] == "compact"
    assert s.topic_partitions == 6


def test_make_up_and_down_use_the_compose_file() -> None:
    make = (ROOT / "Makefile").read_text()
    assert "docker compose -f deploy/docker-compose.yml up -d --build" in make
    assert "docker compose -f deploy/docker-compose.yml down" in make


# ---------------------------------------------------------------------------- Kubernetes

KAFKA_TOPIC_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "kafka.strimzi.io/v1beta2"},
        "kind": {"const": "KafkaTopic"},
        "metadata": {
            "type": "object",
            "required": ["name", "labels"],
            "properties": {
                "name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "maxLength": 253},
                "labels": {"type": "object", "required": ["strimzi.io/cluster"]},
            },
        },
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "topicName": {"type": "string", "pattern": r"^[a-zA-Z0-9._-]{1,249}$"},
                "partitions": {"type": "integer", "minimum": 1},
                "replicas": {"type": "integer", "minimum": 1, "maximum": 32767},
                "config": {"type": "object", "additionalProperties": {"type": ["string", "integer", "boolean"]}},
            },
        },
    },
}

KEDA_TRIGGER_AUTH_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"const": "TriggerAuthentication"},
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "secretTargetRef": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["parameter", "name", "key"],
                        "additionalProperties": False,
                        "properties": {
                            "parameter": {"enum": ["sasl", "username", "password", "tls", "ca", "cert", "key"]},
                            "name": {"type": "string"},
                            "key": {"type": "string"},
                        },
                    },
                }
            },
        },
    },
}

KEDA_SCALED_OBJECT_SCHEMA = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "keda.sh/v1alpha1"},
        "kind": {"const": "ScaledObject"},
        "spec": {
            "type": "object",
            "required": ["scaleTargetRef", "triggers"],
            "additionalProperties": False,
            "properties": {
                "scaleTargetRef": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "name": {"type": "string"},
                    },
                    "additionalProperties": False,
                },
                "minReplicaCount": {"type": "integer", "minimum": 0},
                "maxReplicaCount": {"type": "integer", "minimum": 1},
                "pollingInterval": {"type": "integer", "minimum": 1},
                "cooldownPeriod": {"type": "integer", "minimum": 0},
                "advanced": {"type": "object"},
                "triggers": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["type", "metadata"],
                        "additionalProperties": False,
                        "properties": {
                            "type": {"type": "string"},
                            "name": {"type": "string"},
                            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                            "authenticationRef": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string"}, "kind": {"type": "string"}},
                            },
                        },
                    },
                },
            },
        },
    },
}
CRD_SCHEMAS = {
    "KafkaTopic": KAFKA_TOPIC_SCHEMA,
    "TriggerAuthentication": KEDA_TRIGGER_AUTH_SCHEMA,
    "ScaledObject": KEDA_SCALED_OBJECT_SCHEMA,
}


def test_every_manifest_validates() -> None:
    docs = _docs()
    kinds = sorted(d["kind"] for d in docs)
    assert kinds == sorted(
        ["ConfigMap", "Secret", "Deployment", "Service", "PodDisruptionBudget", "TriggerAuthentication", "ScaledObject"]
        + ["KafkaTopic"] * 4
    )
    for d in docs:
        if d["kind"] in CRD_SCHEMAS:
            jsonschema.validate(d, CRD_SCHEMAS[d["kind"]])
        else:
            kubernetes_validate.validate(d, "1.30.0", strict=True)


def test_kustomization_lists_every_manifest() -> None:
    k = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(k["resources"]) == sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    deployment = _kind("Deployment")[0]
    image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image.split(":")[0] == k["images"][0]["name"]


def _config() -> dict[str, str]:
    return _kind("ConfigMap")[0]["data"]  # type: ignore[no-any-return]


def test_deployment_probes_resources_and_shutdown() -> None:
    dep = _kind("Deployment")[0]
    pod = dep["spec"]["template"]["spec"]
    c = pod["containers"][0]
    port = int(_config()["WIREWASH_WEB_PORT"])
    assert c["ports"][0]["containerPort"] == port
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert c["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert {"cpu", "memory"} <= set(c["resources"]["requests"]) and {"memory"} <= set(c["resources"]["limits"])
    assert 10 <= pod["terminationGracePeriodSeconds"] <= 60
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    mounts = {m["mountPath"] for m in c["volumeMounts"]}
    assert _config()["WIREWASH_DATA_DIR"] in mounts  # writable scratch on a read-only root
    # configuration comes from the ConfigMap, secrets from the Secret, every name a real setting
    assert c["envFrom"][0]["configMapRef"]["name"] == _kind("ConfigMap")[0]["metadata"]["name"]
    secret = _kind("Secret")[0]
    for e in c["env"]:
        ref = e["valueFrom"]["secretKeyRef"]
        assert ref["name"] == secret["metadata"]["name"] and ref["key"] in secret["stringData"]
        assert e["name"] in SETTINGS
    assert set(_config()) <= SETTINGS
    assert not any("PASSWORD" in k for k in _config())  # secrets stay out of the ConfigMap


def test_topics_match_the_worker_settings() -> None:
    cfg = _config()
    s = Settings(**{k.removeprefix(ENV_PREFIX).lower(): v for k, v in cfg.items()})
    specs = topic_specs(s)
    topics = {d["spec"]["topicName"]: d["spec"] for d in _kind("KafkaTopic")}
    assert set(topics) == set(s.topics().values())
    for name, spec in topics.items():
        assert spec["partitions"] == s.topic_partitions and spec["replicas"] == s.topic_replication
        assert specs[name].items() <= spec["config"].items(), name


def test_keda_scales_on_input_lag_within_the_partition_count() -> None:
    cfg = _config()
    so = _kind("ScaledObject")[0]["spec"]
    assert so["scaleTargetRef"]["name"] == _kind("Deployment")[0]["metadata"]["name"]
    (trigger,) = so["triggers"]
    assert trigger["type"] == "kafka"
    md = trigger["metadata"]
    assert md["topic"] == cfg["WIREWASH_TOPIC_INPUT"]
    assert md["consumerGroup"] == cfg["WIREWASH_GROUP_ID"]
    assert md["bootstrapServers"] == cfg["WIREWASH_BOOTSTRAP_SERVERS"]
    assert int(md["lagThreshold"]) > 0
    partitions = next(d for d in _kind("KafkaTopic") if d["spec"]["topicName"] == md["topic"])["spec"]["partitions"]
    assert 1 <= so["minReplicaCount"] <= so["maxReplicaCount"] <= partitions
    auth = _kind("TriggerAuthentication")[0]
    assert trigger["authenticationRef"]["name"] == auth["metadata"]["name"]
    secret = _kind("Secret")[0]
    for ref in auth["spec"]["secretTargetRef"]:
        if ref["name"] == secret["metadata"]["name"]:
            assert ref["key"] in secret["stringData"]
    assert secret["stringData"]["sasl"] == "scram_sha512"  # matches WIREWASH_SASL_MECHANISM
    assert cfg["WIREWASH_SASL_MECHANISM"] == "SCRAM-SHA-512"


def test_a_broken_manifest_is_caught() -> None:
    """The checks above can fail: a typo in a CRD spec and an invalid core field are rejected."""
    so = _kind("ScaledObject")[0]
    so["spec"]["maxReplicaCoutn"] = 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(so, KEDA_SCALED_OBJECT_SCHEMA)
    dep = _kind("Deployment")[0]
    dep["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(dep, "1.30.0", strict=True)
