"""The profile run of the profile-guided build (bench/pgo_train.py): which bodies it trains on, and its refusal of a pure core."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

from bench import pgo_train
from bench.pgo_train import Item


def _tree(tmp_path: Path) -> Path:
    cases = tmp_path / "tests" / "cases"
    (cases / "chrome").mkdir(parents=True)
    (tmp_path / "seeds").mkdir()
    (cases / "agencies.json").write_text(
        json.dumps(
            {
                "description": "a body with its headline and type; a sentence-only case; a case with no body",
                "cases": [
                    {"body": "<p>Rain fell.</p>", "content_type": "text/html", "headline": "Rain", "cause": "x"},
                    {"sentence": "One."},
                    {"expect": []},
                ],
            }
        )
    )
    (cases / "chrome" / "stories.json").write_text(
        json.dumps({"articles": [{"language": "de", "headline": "H", "paragraphs": ["A & B.", "C."]}]})
    )
    (cases / "chrome" / "glued.json").write_text(json.dumps({"cases": [{"paragraph": f"P{i}."} for i in range(9)]}))
    (tmp_path / "seeds" / "101_x.json").write_text(json.dumps({"source": "pti", "body": "Text.", "language": "en"}))
    return tmp_path


def test_the_training_bodies_are_every_case_body_story_sentence_and_seed(tmp_path: Path) -> None:
    assert pgo_train.items(_tree(tmp_path)) == [
        Item("agencies", "<p>Rain fell.</p>", "text/html", "Rain", None),
        Item("agencies", "One.", "text/plain", None, None),
        # paragraphs and sentences go eight to a body
        Item("glued", "\n\n".join(f"P{i}." for i in range(8)), "text/plain", None, None),
        Item("glued", "P8.", "text/plain", None, None),
        # a story as plain text; the first of every five as HTML too
        Item("stories", "<div><p>A &amp; B.</p><p>C.</p></div>", "text/html", "H", "de"),
        Item("stories", "A & B.\n\nC.", "text/plain", "H", "de"),
        Item("pti", "Text.", "text/plain", None, "en"),
    ]


def test_the_first_of_every_five_stories_is_trained_as_html_too(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    stories = [{"paragraphs": [f"S{i}."]} for i in range(7)]
    (tree / "tests" / "cases" / "chrome" / "stories.json").write_text(json.dumps({"articles": stories}))
    found = [(i.body, i.content_type) for i in pgo_train.items(tree) if i.source == "stories"]
    assert found == [
        ("<div><p>S0.</p></div>", "text/html"),
        *[(f"S{i}.", "text/plain") for i in range(5)],
        ("<div><p>S5.</p></div>", "text/html"),
        ("S5.", "text/plain"),
        ("S6.", "text/plain"),
    ]


def test_the_training_extracts_events_from_english_bodies_only(tmp_path: Path) -> None:
    sentence = "Russia launched 145 drones at Ukraine overnight, the Ukrainian air force said on Sunday."
    english = Item("x", sentence, "text/plain", None, "en")
    assert pgo_train.train([english]) == 1
    assert pgo_train.train([english._replace(language="de")]) == 0


def test_the_profile_run_refuses_a_pure_core(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the development install is pure Python: a profile of it would be empty
    assert pgo_train.main(["pgo_train.py", str(_tree(tmp_path))]) == 1
    assert capsys.readouterr().err.endswith("is not compiled\n")
    assert pgo_train.main(["pgo_train.py"]) == 2


def test_the_source_distribution_carries_the_profile_runs_inputs(tmp_path: Path) -> None:
    # pip builds from the sdist: without the script, the cases and the seeds the build is not profile-guided
    root = Path(__file__).resolve().parents[2]
    code = "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    made = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=root,
        env={**os.environ, "WIREWASH_COMPILE": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    with tarfile.open(tmp_path / made.stdout.strip().splitlines()[-1]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    needed = {"bench/pgo_train.py", "setup.py", "MANIFEST.in"}
    needed |= {str(p.relative_to(root)) for d in ("tests/cases", "seeds") for p in (root / d).rglob("*.json")}
    assert needed <= names, sorted(needed - names)


def _dist(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_build_requirements_are_what_the_profile_run_imports() -> None:
    # an isolated build has setuptools, mypy and setup.py's CORE_LIBRARIES only: the profile run
    # (the core, the learned memory, the script) must import nothing else
    root = Path(__file__).resolve().parents[2]
    listed = re.search(r"^CORE_LIBRARIES = (\(.*?\))$", (root / "setup.py").read_text(), re.M)
    assert listed is not None
    names = {_dist(n) for n in ast.literal_eval(listed.group(1))}
    files = [
        *(root / "pipeline" / "core").rglob("*.py"),
        *(root / p for p in ("pipeline/__init__.py", "pipeline/learning.py", "bench/pgo_train.py")),
    ]
    modules = set()
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - {"pipeline", "__future__"}
    owners = importlib.metadata.packages_distributions()
    assert {_dist(d) for m in third_party for d in owners[m]} == names
    # each is a dependency of the project, whose pin setup.py reuses
    dependencies = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    assert names <= {_dist(re.split(r"[<>=!~\[ ;]", d, maxsplit=1)[0]) for d in dependencies}
