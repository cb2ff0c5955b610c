"""wirewash: streaming ingestion for syndicated news feeds.

The import package is ``pipeline``:

- :mod:`pipeline.core` is pure text processing (normalise, strip boilerplate, flag
  translation artefacts, extract events) with no I/O.
- :mod:`pipeline.models` holds the pydantic models that define the wire contract.
- :mod:`pipeline.service` is the Kafka shell (faust worker, publisher, consumer, broker).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wirewash")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+local"

SCHEMA_VERSION = "1"

__all__ = ["SCHEMA_VERSION", "__version__"]
