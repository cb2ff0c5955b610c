"""Baseline (b'): wirewash's own worker shell (batches, pipelined sends, acks, commits) with the core
replaced by an identity: each input record is forwarded unchanged to the articles topic.

This is the framework path as wirewash drives it; (c) minus this is the cost of the core.
"""

from __future__ import annotations

import sys

from pipeline.codec import Source
from pipeline.service import worker
from pipeline.service.handler import Handler, Outcome, OutRecord
from pipeline.settings import Settings


class IdentityHandler(Handler):
    def handle(self, src: Source, value: bytes | None) -> Outcome:
        return Outcome(records=[OutRecord(self.topics["articles"], src.key, value or b"", [])])


if __name__ == "__main__":
    worker.Handler = IdentityHandler  # type: ignore[misc]
    sys.exit(worker.run_worker(Settings()))
