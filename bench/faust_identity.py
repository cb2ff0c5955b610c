"""Baseline (b): a faust-streaming agent that forwards each message unchanged (the framework's own ceiling).

The same agent as the workplace anchor: ``faust -A bench.faust_identity worker -l warn`` with
SRC, DST, RUN and BROKER in the environment.
"""

import os

import faust

app = faust.App(
    "identity-" + os.environ.get("RUN", "0"),
    broker=os.environ.get("BROKER", "kafka://127.0.0.1:9092"),
    store="memory://",
    web_enabled=False,
    producer_linger_ms=5,
    broker_session_timeout=6.0,
    broker_heartbeat_interval=1.0,
)
src = app.topic(os.environ["SRC"], value_serializer="raw", key_serializer="raw")
dst = app.topic(os.environ["DST"], value_serializer="raw", key_serializer="raw")


@app.agent(src)
async def forward(stream):  # type: ignore[no-untyped-def]
    async for key, value in stream.items():
        await dst.send(key=key, value=value)
