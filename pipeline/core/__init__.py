"""Pure text processing: no Kafka, no environment, no I/O, no clock.

Public entry points: :func:`pipeline.core.clean.clean_body` (the cleaner) and
:func:`pipeline.core.events.extract_events` (events and quotes).
"""
