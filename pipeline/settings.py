"""Configuration, read once at the edge: environment variables ``WIREWASH_*`` and CLI flags.

Every setting has a default, an environment variable and a one-line description; the
README's configuration table is generated from this model (``wirewash config --markdown``)
and a test fails when they drift.
"""

from __future__ import annotations

import ssl
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "WIREWASH_"


class Settings(BaseSettings):
    """All runtime configuration of wirewash."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", validate_default=True)

    # --- Kafka connection
    bootstrap_servers: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, comma separated.")
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="Kafka security protocol."
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(
        "PLAIN", description="SASL mechanism when security_protocol is SASL_*."
    )
    sasl_username: str | None = Field(None, description="SASL username.")
    sasl_password: SecretStr | None = Field(None, description="SASL password (secret; never logged).")
    ssl_cafile: str | None = Field(None, description="CA bundle (PEM) to verify the brokers; system CAs if unset.")
    ssl_certfile: str | None = Field(None, description="Client certificate (PEM) for mutual TLS.")
    ssl_keyfile: str | None = Field(None, description="Client private key (PEM) for mutual TLS.")
    ssl_password: SecretStr | None = Field(None, description="Password of the client private key (secret).")
    ssl_check_hostname: bool = Field(True, description="Verify the broker's hostname against its certificate.")

    # --- topics
    topic_input: str = Field("wire.items.v1", description="Input topic of FeedItem records.")
    topic_articles: str = Field("wire.articles.v1", description="Output topic of CleanArticle records.")
    topic_events: str = Field("wire.events.v1", description="Output topic of Event records.")
    topic_dlq: str = Field("wire.items.v1.dlq", description="Dead-letter topic for records that cannot be processed.")
    topic_ingest: str = Field(
        "wire.ingest.v1", description="Compacted topic where `wirewash ingest` remembers each item it published."
    )
    topic_partitions: int = Field(6, ge=1, description="Partitions for topics wirewash creates.")
    topic_replication: int = Field(1, ge=1, description="Replication factor for topics wirewash creates.")

    # --- worker
    group_id: str = Field("wirewash", description="Consumer group id (and faust app id).")
    batch_size: int = Field(200, ge=1, le=10000, description="Max records the worker takes per batch.")
    batch_wait_ms: int = Field(5, ge=1, le=10000, description="Max wait to fill a batch (bounds added latency).")
    fetch_max_wait_ms: int = Field(
        10, ge=1, le=10000, description="Longest a fetch waits for new records (bounds latency on a quiet topic)."
    )
    session_timeout_s: float = Field(
        10.0, gt=0, description="Consumer session timeout; a dead worker's partitions move after it."
    )
    heartbeat_interval_s: float = Field(2.0, gt=0, description="Consumer heartbeat interval.")
    metadata_max_age_s: float = Field(
        30.0, gt=0, description="Refresh cluster metadata at least this often (new partitions and topics are seen)."
    )
    commit_interval_s: float = Field(
        0.5, gt=0, description="How often acknowledged offsets are committed (bounds reprocessing after a crash)."
    )
    producer_linger_ms: int = Field(5, ge=0, description="Producer linger (batching delay) in milliseconds.")
    producer_batch_bytes: int = Field(
        1 << 20,
        ge=16384,
        description="Most bytes in one partition's producer batch (Kafka's batch.size; 16 KiB held two articles).",
    )
    producer_acks: Literal["all", "1", "0"] = Field(
        "all", description="Producer acks: 'all' waits for all in-sync replicas."
    )
    producer_compression: Literal["none", "gzip", "snappy", "lz4", "zstd"] = Field(
        "none", description="Producer compression codec."
    )
    exactly_once: bool = Field(
        False, description="Kafka transactions (Apache Kafka only; the embedded dev broker cannot do them)."
    )
    max_message_bytes: int = Field(
        8 * 1024 * 1024, ge=1024, description="Largest input record value accepted; larger go to the DLQ."
    )
    max_body_chars: int = Field(2_000_000, ge=100, description="Largest FeedItem body (characters) accepted.")
    dlq_max_original_bytes: int = Field(
        256 * 1024, ge=0, description="How much of an over-limit original value a dead letter keeps."
    )
    extract_events: bool = Field(True, description="Extract events and quotes (off: articles only).")
    learn_boilerplate: bool = Field(True, description="Learn per-source repeated paragraphs (faust table).")
    learn_min_articles: int = Field(
        5, ge=2, description="K: a paragraph seen in this many distinct articles of a source is boilerplate."
    )
    learn_batch_min_articles: int = Field(
        2,
        ge=2,
        description=(
            "K for a batch (`wirewash clean`, `wirewash eval`): every item is read first, and a paragraph or "
            "template in this many items of a source is boilerplate in all of them."
        ),
    )
    learn_max_keys: int = Field(
        200_000,
        ge=1000,
        description="Bound on paragraph fingerprints kept (in the table, and first sightings in process memory).",
    )
    track_versions: bool = Field(
        True, description="Keep the latest version per article id: drop older versions, retract killed stories."
    )
    cluster_duplicates: bool = Field(True, description="Cluster the same story from different outlets (cluster_id).")
    cluster_window_hours: float = Field(
        72.0, gt=0, description="How long an article stays a candidate for its duplicates (changelogged table)."
    )
    cluster_threshold: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Share of the shorter body's word 5-grams found in an earlier article to join its cluster.",
    )
    schema_registry_framing: bool = Field(
        False, description="Frame output JSON with the Confluent Schema Registry header (magic byte + id)."
    )
    schema_registry_url: str | None = Field(None, description="Schema Registry URL (for framing and registration).")
    cloudevents_source: str = Field(
        "urn:wirewash", description="CloudEvents ce_source attribute of every output record."
    )

    # --- operations
    web_host: str = Field("0.0.0.0", description="Bind address of the health and metrics endpoint.")
    web_port: int = Field(6066, ge=0, le=65535, description="Port of the health and metrics endpoint (0: off).")
    stall_seconds: float = Field(
        120.0, gt=0, description="Unhealthy when lag > 0 and no record was processed for this long."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Log level.")
    log_format: Literal["json", "text"] = Field("json", description="Log format: JSON lines or plain text.")
    progress_log_interval_s: float = Field(
        10.0, gt=0, description="How often the worker logs a progress line while records flow."
    )
    log_repeat_interval_s: float = Field(
        30.0, ge=0, description="Repeated warnings (e.g. broker unreachable) are logged once per this interval."
    )
    data_dir: str = Field(".wirewash", description="Worker scratch directory (faust data dir).")

    @field_validator("bootstrap_servers")
    @classmethod
    def _servers(cls, v: str) -> str:
        servers = [s.strip() for s in v.split(",") if s.strip()]
        if not servers:
            raise ValueError("at least one bootstrap server is required")
        return ",".join(s.removeprefix("kafka://") for s in servers)

    @property
    def servers(self) -> list[str]:
        return self.bootstrap_servers.split(",")

    def topics(self) -> dict[str, str]:
        """The four topic names, by role."""
        return {
            "input": self.topic_input,
            "articles": self.topic_articles,
            "events": self.topic_events,
            "dlq": self.topic_dlq,
        }

    def ssl_context(self) -> ssl.SSLContext | None:
        """TLS context for SSL and SASL_SSL, or None for plaintext protocols."""
        if self.security_protocol not in ("SSL", "SASL_SSL"):
            return None
        ctx = ssl.create_default_context(cafile=self.ssl_cafile)
        ctx.check_hostname = self.ssl_check_hostname
        if not self.ssl_check_hostname:
            ctx.verify_mode = ssl.CERT_REQUIRED if self.ssl_cafile else ssl.CERT_NONE
        if self.ssl_certfile:
            ctx.load_cert_chain(
                self.ssl_certfile,
                self.ssl_keyfile,
                self.ssl_password.get_secret_value() if self.ssl_password else None,
            )
        return ctx

    def kafka_client_kwargs(self) -> dict[str, Any]:
        """Connection keyword arguments for aiokafka producers, consumers and admin clients."""
        kw: dict[str, Any] = {"bootstrap_servers": self.servers, "security_protocol": self.security_protocol}
        if self.security_protocol.startswith("SASL"):
            kw["sasl_mechanism"] = self.sasl_mechanism
            kw["sasl_plain_username"] = self.sasl_username
            kw["sasl_plain_password"] = self.sasl_password.get_secret_value() if self.sasl_password else None
        ctx = self.ssl_context()
        if ctx is not None:
            kw["ssl_context"] = ctx
        return kw

    def summary(self) -> dict[str, Any]:
        """Effective configuration with secrets masked (for the startup log line)."""
        out = {}
        for name, value in self.model_dump().items():
            if isinstance(value, SecretStr):
                out[name] = "**********" if value.get_secret_value() else ""
            else:
                out[name] = value
        return out


def settings_table() -> str:
    """The configuration reference as a Markdown table (kept in the README)."""
    rows = ["| Setting | Environment variable | Default | Description |", "|---|---|---|---|"]
    for name, f in Settings.model_fields.items():
        default = f.default
        if default is None:
            shown = "(unset)"
        elif isinstance(default, bool):
            shown = str(default).lower()
        else:
            shown = str(default)
        rows.append(f"| `{name}` | `{ENV_PREFIX}{name.upper()}` | `{shown}` | {f.description} |")
    return "\n".join(rows)
