"""The compiled build (setup.py, mypyc) gives exactly the events, cleaning and rule catalogue of the pure Python modules.

The development install is pure Python; this test builds the wheel that ``pip install .`` and
the image build (:func:`bench.compiled.build_site`), runs the compiled core in a subprocess on
every body the tests know (and HTML versions of the synthetic stories), and compares each event
and each cleaning result, field for field, with the pure core's.
"""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from bench import pgo_train
from bench.compiled import build_site

ROOT = Path(__file__).resolve().parents[2]

# the bodies: every case body and sentence of tests/cases, the seeds, and synthetic wire stories
DUMP = r"""
import json, sys
from datetime import date
from pathlib import Path

import orjson

import pipeline.core.events as events
from pipeline.core.events import extract_events
from pipeline.process import event_dict

assert events.compiled() == (sys.argv[2] == "compiled"), events.extract.__file__
root = Path(sys.argv[1])
bodies = []
for p in sorted((root / "tests" / "cases").glob("*.json")):
    for c in json.loads(p.read_text(encoding="utf-8")).get("cases", []):
        for k in ("body", "sentence"):
            if isinstance(c.get(k), str):
                bodies.append(c[k])
for p in sorted((root / "seeds").glob("*.json")):
    bodies.append(json.loads(p.read_text(encoding="utf-8"))["body"])
sys.path.insert(1, str(root))
from tests.synth import story

bodies += [story(i, 3000 + 400 * (i % 10), 7)["body"] for i in range(60)]
# which NamedTuples' generated __new__ (a lambda, run as interpreted Python) extraction calls
made = set()
def _news(frame, event, arg):
    if event == "call" and frame.f_code.co_filename == "<string>" and "_cls" in frame.f_locals:
        if frame.f_locals["_cls"].__module__.startswith("pipeline."):  # not tomllib's, reading a lexicon
            made.add(frame.f_locals["_cls"].__name__)
sys.setprofile(_news)
found = [extract_events(b, date(2024, 11, 10)) for b in bodies]
sys.setprofile(None)
from pipeline.core.events.mentions import Mention
sys.setprofile(_news); Mention(0, 1, "x", "unknown", "x"); sys.setprofile(None)  # the check sees what it looks for
out = [[event_dict(f"a{i}", e) for e in evs] for i, evs in enumerate(found)]
from pipeline.core.clean import clean_body, rules
from pipeline.formats.detect import looks_like_html
# the cleaner is compiled too: the same cleaning (HTML bodies as HTML), the same rule catalogue
import html
def as_html(i, body):  # the HTML reader's paths: paragraphs, links, entities, a script, a caption, an aside
    paras = [f"<p>{html.escape(p)}</p>" for p in body.split("\n\n")]
    paras.insert(1, f'<figure><img src="x.jpg"><figcaption>Photo {i} &copy; Agency</figcaption></figure>')
    paras.insert(2, f'<script>track({i})</script><aside><a href="/r/{i}">Related: story {i}</a></aside>')
    return "<div>" + "".join(paras) + f'<p>Read <a href="https://e.com/{i}">more</a> &amp; share.</p></div>'
bodies += [as_html(i, b) for i, b in enumerate(bodies[-60:])]
kinds = ["text/html" if looks_like_html(b) else "text/plain" for b in bodies]
# which classes' generated __init__ (a dataclass's, run as interpreted Python) cleaning calls
generated = set()
def _calls(frame, event, arg):
    if event == "call" and frame.f_code.co_filename == "<string>" and frame.f_code.co_name == "__init__":
        generated.add(type(frame.f_locals["self"]).__name__)
sys.setprofile(_calls)
cleaned = [clean_body(b, k, learned=lambda fp: False) for b, k in zip(bodies, kinds)]
sys.setprofile(None)
assert kinds.count("text/html") >= 60, kinds.count("text/html")
# no cycles left for the garbage collector (a compiled closure and its environment make one per call)
import gc
gc.collect()
for b, k in zip(bodies, kinds):
    extract_events(clean_body(b, k, learned=lambda fp: False).body, date(2024, 11, 10))
cyclic = gc.collect()
# the result types go to orjson as they are (a compiled class with a float field crashed it)
doc = {"events": out, "raw_events": found, "clean": cleaned, "rules": [r.info() for r in rules()], "cyclic": cyclic, "generated": sorted(generated), "made": sorted(made)}
sys.stdout.buffer.write(orjson.dumps(doc, default=str))
"""


def _dump(pythonpath: Path, kind: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    proc = subprocess.run(  # run from the package's own directory: "-c" puts the working directory first
        [sys.executable, "-c", DUMP, str(ROOT), kind],
        cwd=pythonpath,
        env=env,
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    return orjson.loads(proc.stdout)  # type: ignore[no-any-return]


@pytest.mark.slow
def test_the_compiled_core_gives_the_same_events_and_cleaning_as_the_pure_one(tmp_path: Path) -> None:
    site, extensions = build_site(tmp_path)
    # gcc is here: the build is profile-guided (setup.py), trained on every case body and seed,
    # which the instrumented compiled core cleans and extracts as the pure one does
    (said,) = re.findall(r"wirewash: compiled the core profile-guided \((.*)\)", (tmp_path / "build.log").read_text())
    bodies = pgo_train.items(ROOT)
    assert (
        said == f"trained on {len(bodies)} bodies of the repository's cases and seeds, {pgo_train.train(bodies)} events"
    )
    # every module setup.py lists, plus mypyc's shared library
    listed = re.findall(r'"(pipeline/[\w/]+)\.py"', (ROOT / "setup.py").read_text())
    assert len(listed) >= 9
    assert {n.split(".")[0] for n in extensions} == {*listed, "wirewash_core__mypyc"}

    # the shared library exports its module init alone (setup.py: hidden visibility), so calls
    # between compiled functions are direct, not through the PLT
    if sys.platform != "win32":
        (shared,) = (n for n in extensions if n.startswith("wirewash_core__mypyc"))
        lib = ctypes.CDLL(str(site / shared))
        assert hasattr(lib, "PyInit_wirewash_core__mypyc")
        assert not hasattr(lib, "CPyInit_pipeline___core___chrome")
        assert not hasattr(lib, "CPyDef_chrome___linear")

    fast_doc = _dump(site, "compiled")
    pure_doc = _dump(ROOT, "pure")
    fast, pure = fast_doc["events"], pure_doc["events"]
    assert sum(len(x) for x in pure) >= 200  # the comparison covers a few hundred events
    assert len(fast) == len(pure)
    for i, (a, b) in enumerate(zip(fast, pure, strict=True)):
        assert a == b, f"body {i}: compiled {a} != pure {b}"
    # cleaning (every removal with its score and features, artefacts, changes, the learned keys) and the catalogue
    assert sum(len(c["removed"]) for c in pure_doc["clean"]) >= 100
    for i, (a, b) in enumerate(zip(fast_doc["clean"], pure_doc["clean"], strict=True)):
        assert a == b, f"body {i}: compiled cleaning {a} != pure {b}"
    assert fast_doc["rules"] == pure_doc["rules"]
    assert (
        fast_doc["cyclic"] == pure_doc["cyclic"] == 0
    )  # every object the core makes goes when its last reference does
    assert fast_doc["raw_events"] == pure_doc["raw_events"]
    # compiled, the per-paragraph classes run a written __init__ natively (a generated one is
    # interpreted Python: dozens of calls an article)
    assert {"Unit", "Para"}.isdisjoint(fast_doc["generated"]), fast_doc["generated"]
    assert "Cut" in fast_doc["generated"]  # the check sees the generated __init__ it looks for
    # and extraction builds its mentions, dates, quantities and clauses with tuple.__new__, not the
    # NamedTuple's interpreted __new__ (Mention's from the one class call the script makes itself)
    assert fast_doc["made"] == ["Mention"], fast_doc["made"]
