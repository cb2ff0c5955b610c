"""Property tests of the core for any text (hypothesis)."""

from __future__ import annotations

import os
import re
import uuid

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.core.clean import clean_body
from pipeline.process import _EVENT_NAMESPACE, _uuid5

# text that looks like wire copy: words, punctuation the rules care about, newlines, odd characters
WIRE_WORDS = st.sampled_from(
    [
        "Russia",
        "said",
        "Is.",
        "Was done.",
        "Used to do.",
        "“",
        "”",
        "‘",
        "’",
        '"',
        "(PTI)",
        "-- PTI",
        "ADVERTISEMENT",
        "Also Read:",
        "(With inputs from agencies)",
        "Follow us on Twitter",
        "martyr drones",
        "Modi ji",
        "..",
        " -",
        "\n",
        "\n\n",
        "\r\n",
        "\u200b",
        "\u202e",
        "\x00",
        "â€™",
        "&amp;",
        "NEW DELHI:",
        "Reuters",
        "By",
        "|",
        "Photo:",
        "drones",
        "overnight",
        "on Sunday",
        "145",
        "killed",
        "arrested",
        "The",
        "and",
        "And",
        "More",
        "é",
        "ю",
        "अ",
        "😀",
    ]
)
WIRE_TEXT = st.lists(st.one_of(WIRE_WORDS, st.text(max_size=12)), max_size=60).map(" ".join)
ANY_TEXT = st.one_of(st.text(max_size=400), WIRE_TEXT)
PROFILE = settings(
    max_examples=int(os.environ.get("WIREWASH_HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROFILE
@given(ANY_TEXT, st.sampled_from(["text/plain", "text/html"]))
def test_never_raises_and_offsets_slice_the_received_body(body: str, ctype: str) -> None:
    r = clean_body(body, ctype)
    for x in r.removed:
        assert body[x.start : x.end] == x.text
        assert 0 <= x.start <= x.end <= len(body)
    for a in r.artefacts:
        assert body[a.start : a.end] == a.text
    for c in r.changes:
        assert body[c.start : c.end] == c.before
    for s in r.subheads:
        assert r.body[s.start : s.end] == s.text
    r.body.encode("utf-8")  # the output is always valid Unicode


@PROFILE
@given(ANY_TEXT)
@example(". Is. Is. ”")  # found by hypothesis: the second fragment, spaced from its quote, survived one pass
@example("x. Is. ’ Is.")  # ... and a fragment after a quote spaced from its full stop
@example('. 0 0 >. Is."')  # ... and a span the scorer cuts only once the fragment after it is gone
@example("a  Â 0")  # ftfy reads "Â 0" as a mangled no-break space only once the double space is collapsed
def test_cleaning_a_clean_body_changes_nothing(body: str) -> None:
    once = clean_body(body).body
    assert clean_body(once).body == once


_WS = re.compile(r"\s+")


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


@PROFILE
@given(ANY_TEXT)
def test_output_text_comes_from_the_input(body: str) -> None:
    """Apart from recorded rewrites, the output is the input with passages taken out (whitespace aside)."""
    r = clean_body(body)
    if r.changes:
        return  # mojibake/NFC/entity rewrites are recorded and may introduce characters
    out = _WS.sub("", r.body)
    assert _is_subsequence(out, _WS.sub("", body))


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"])))
def test_event_ids_are_the_uuid5_of_their_key(key: str) -> None:
    # event ids are a UUID 5 in the project's namespace, computed without the uuid module
    assert _uuid5(key) == str(uuid.uuid5(_EVENT_NAMESPACE, key))
