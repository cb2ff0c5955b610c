"""The Kafka shell around the pure core: worker, handler, broker, client I/O."""
