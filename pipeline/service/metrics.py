"""Prometheus metrics of the worker (one registry per worker instance)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    """Counters, a latency histogram and lag gauges, all under the ``wirewash_`` prefix."""

    def __init__(self, registry: CollectorRegistry | None = None):
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.items_in = Counter("wirewash_items_in", "Input records read.", registry=r)
        self.articles_out = Counter("wirewash_articles_out", "CleanArticle records published.", registry=r)
        self.events_out = Counter("wirewash_events_out", "Event records published, by type.", ["type"], registry=r)
        self.dlq = Counter("wirewash_dlq", "Dead-letter records published, by error code.", ["error_code"], registry=r)
        self.removals = Counter(
            "wirewash_removals", "Passages removed by the cleaner, by rule id.", ["rule"], registry=r
        )
        self.artefacts = Counter(
            "wirewash_artefacts",
            "Translation artefacts found, by kind and action.",
            ["kind", "action"],
            registry=r,
        )
        self.learned_removals = Counter(
            "wirewash_learned_removals", "Paragraphs removed as learned boilerplate.", registry=r
        )
        self.processing = Histogram(
            "wirewash_processing_seconds",
            "Time to process one record in the core (decode, clean, extract, encode).",
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=r,
        )
        self.batch = Histogram(
            "wirewash_batch_seconds",
            "Time from taking a batch to all its outputs acknowledged by the broker.",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=r,
        )
        self.record_age = Histogram(
            "wirewash_record_age_seconds",
            "End-to-end latency: from the input record's Kafka timestamp to its outputs acknowledged.",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0),
            registry=r,
        )
        self.lag = Gauge(
            "wirewash_consumer_lag",
            "Records behind the high watermark, per input partition.",
            ["partition"],
            registry=r,
        )
        self.last_progress = Gauge(
            "wirewash_last_progress_timestamp_seconds", "Unix time of the last processed record.", registry=r
        )
        self.learn_errors = Counter(
            "wirewash_learn_errors",
            "Learned-boilerplate memory updates that failed (items still processed).",
            registry=r,
        )
        self.dropped = Counter(
            "wirewash_dropped", "Dead letters the broker refused (too large even when truncated).", registry=r
        )
        self.send_retries = Counter(
            "wirewash_send_retries", "Output sends retried after a delivery failure.", registry=r
        )
        self.offset_jumps = Counter(
            "wirewash_offset_jumps",
            "Offset jumps inside an input partition's records (offsets that did not arrive), by partition.",
            ["partition"],
            registry=r,
        )
        self.duplicates_skipped = Counter(
            "wirewash_duplicates_skipped",
            "Input records received again after they were processed (since the last rebalance), not re-processed.",
            registry=r,
        )
