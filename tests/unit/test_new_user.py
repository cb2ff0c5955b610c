"""What a new user meets (issue 20): the README, ``--help`` and the CLI agree with the code.

The README's quick start itself runs against the embedded broker in
``tests/integration/test_quickstart.py``; here, what needs no broker.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import click
import orjson
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.models import CleanArticle, FeedItem
from pipeline.readme import render

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(name: str) -> str:
    m = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", README, re.S)
    assert m, name
    return m.group(1)


def _row(table: str, field: str) -> list[str]:
    line = next(ln for ln in table.splitlines() if ln.startswith(f"| `{field}` |"))
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]


# ----------------------------------------------------------------- items 2, 3, 4: the records' fields


def test_feed_item_fields_in_the_readme_are_the_models() -> None:
    table = _block("feeditem")
    required = [ln.split("`")[1] for ln in table.splitlines() if "| **yes** |" in ln]
    assert required == ["id", "source", "body"] == [n for n, f in FeedItem.model_fields.items() if f.is_required()]
    assert _row(table, "content_type")[2:4] == ["no", '`"text/plain"`']
    assert _row(table, "id")[1] == "string, 1–512 chars"
    assert _row(table, "urgency")[1] == "integer or null, 1–9"
    # every field of every record is in the README, in model order
    for block, model in (("feeditem", FeedItem), ("cleanarticle", CleanArticle)):
        rows = [ln.split("`")[1] for ln in _block(block).split("\n\n")[0].splitlines()[2:]]
        assert rows == list(model.model_fields)


def test_a_field_list_that_drifts_is_caught() -> None:
    stale = README.replace("| `source` | string, 1–256 chars | **yes** |", "| `source` | string, 1–256 chars | no |", 1)
    assert stale != README and render(stale) == README
    with pytest.raises(ValueError, match="cleanarticle:start"):
        render(README.replace("<!-- cleanarticle:start -->", ""))


def test_the_readme_says_where_deleted_characters_are() -> None:
    from pipeline.core.clean import clean_body

    r = clean_body("Kyiv\u200b said the\x00 talks went well on Monday, officials reported.", language="en")
    assert [(x.rule, x.text) for x in r.removed] == [("N004-invisible-chars", "\u200b"), ("N003-control-chars", "\x00")]
    assert r.changes == []
    table = _block("cleanarticle")
    assert "control and invisible characters" in _row(table, "removed")[4]
    assert "deleted characters are in removed" in _row(table, "changes")[4]
    assert "invisible" not in _row(table, "changes")[4].split(";")[0]


def test_the_smallest_item_the_readme_shows_is_valid_and_one_without_source_is_not() -> None:
    assert FeedItem.model_validate({"id": "pti-001", "source": "pti", "body": "NEW DELHI: ..."}).content_type == (
        "text/plain"
    )
    result = CliRunner().invoke(main, ["publish", "-"], input=b'{"id":"a","body":"One."}')
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "<stdin>: invalid (missing_field): source: Field required",
        "done: 0 delivered, 1 not delivered (1 invalid)",
    ]
    empty = CliRunner().invoke(main, ["publish", "-"], input=b"\n")
    assert empty.exit_code == 1 and empty.stderr == "Error: no feed items in the input\n"


# ----------------------------------------------------------------------- item 10: the fragment limit


def test_an_article_records_that_the_stray_fragment_limit_was_reached() -> None:
    from pipeline.core.artefacts import MAX_HITS
    from pipeline.process import process_item

    def body(n: int) -> str:
        return "".join(f"The minister spoke about plan number {i} at length. Was done. " for i in range(n))

    many = process_item(FeedItem(id="a", source="s", body=body(MAX_HITS + 5), language="en"), _now(), extract=False)
    article = CleanArticle.model_validate(many.article)
    assert sum(r.rule == "A001-stray-auxiliary" for r in article.removed) == MAX_HITS == 200
    assert [(x.rule, x.limit, x.note) for x in article.limits_reached] == [
        ("A001-stray-auxiliary", 200, "stray fragments after the first 200 were neither removed nor flagged")
    ]
    assert article.body.count("Was done.") == 5  # the five past the limit stay in the copy
    few = process_item(FeedItem(id="b", source="s", body=body(3), language="en"), _now(), extract=False)
    assert few.article["limits_reached"] == [] and len(few.article["removed"]) == 3
    # optional in the v1 schema: records written before the field existed stay valid
    schema = orjson.loads((ROOT / "schemas" / "clean_article.v1.json").read_bytes())
    assert "limits_reached" in schema["properties"] and "limits_reached" not in schema["required"]
    old = {k: v for k, v in few.article.items() if k != "limits_reached"}
    assert CleanArticle.model_validate(old).limits_reached == []
    assert "At most 200 fragments are removed or flagged per article" in README


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2024, 11, 11, tzinfo=UTC)


# --------------------------------------------------------------------- items 5, 11: --help and --json


def test_topics_create_help_says_each_topics_cleanup() -> None:
    from pipeline.settings import Settings
    from pipeline.topics import topic_specs

    text = " ".join(CliRunner().invoke(main, ["topics", "create", "--help"]).stdout.split())
    specs = {role: topic_specs(Settings())[name] for role, name in Settings().topics().items() if role != "ingest"}
    said = {"input": "Input:", "articles": "Articles:", "events": "Events:", "dlq": "Dead letters:"}
    for role, spec in specs.items():
        policy = spec["cleanup.policy"]
        after = text.split(said[role], 1)[1].split(".")[0].strip()
        # the README's topics table says the same
        row = next(ln for ln in README.splitlines() if ln.startswith(f"| `{Settings().topics()[role]}` |"))
        cleanup = row.rstrip(" |").rsplit("|", 1)[1].strip().replace("**", "")
        if policy == "compact":
            assert after.startswith("compact"), (role, after)
            assert cleanup.startswith("compact"), (role, cleanup)
        else:
            days = int(spec["retention.ms"]) // (24 * 3600 * 1000)
            assert after.startswith(f"delete, {days} days"), (role, after)
            assert cleanup == f"delete, {days} days", (role, cleanup)


def test_rules_json_gives_every_rules_description() -> None:
    from pipeline.core.clean import rules

    listed = orjson.loads(CliRunner().invoke(main, ["rules", "--json"]).stdout)
    assert [r["id"] for r in listed] == [r.id for r in rules()]
    assert all(
        r["description"] and r["description"] == rule.description for r, rule in zip(listed, rules(), strict=True)
    )


def test_every_command_and_option_of_the_cli_block_exists() -> None:
    block = re.search(r"## CLI\n\n```text\n(.*?)```", README, re.S)
    assert block
    named: set[str] = set()
    checked = 0
    for line in block.group(1).splitlines():
        usage = re.split(r"\s{2,}", line.strip())[0]
        if not usage.startswith("wirewash ") or usage.startswith("wirewash --"):
            continue
        # "wirewash schemas [--check] | schemas register --url URL": each alternative on its own
        for alt in re.split(r" \| (?=[a-z])", usage.removeprefix("wirewash ")):
            words = alt.split()
            for name in words[0].split("|"):
                cmd = main.commands.get(name)
                assert cmd is not None, f"wirewash {name}"
                named.add(name)
                group = isinstance(cmd, click.Group) and len(words) > 1 and not words[1].startswith("[")
                subs = words[1].split("|") if group else [None]
                for sub in subs:
                    target = cmd.commands[sub] if sub else cmd  # type: ignore[attr-defined]
                    options = {o for prm in target.params for o in getattr(prm, "opts", [])}
                    for opt in re.findall(r"--[\w-]+", alt):
                        assert opt in options, f"wirewash {name} {sub or ''} {opt}"
                        checked += 1
    assert named == set(main.commands), set(main.commands) ^ named
    assert checked >= 15


def test_broker_help_says_where_it_listens() -> None:
    text = " ".join(CliRunner().invoke(main, ["broker", "--help"]).stdout.split())
    assert "127.0.0.1:9092, where every other wirewash command looks" in text
    assert "export WIREWASH_BOOTSTRAP_SERVERS=127.0.0.1:41327" in text
    assert "--port INTEGER Port to listen on (default: 9092 when free, else a free port; 0: a free port)." in text


# ------------------------------------------------------------------------- items 8, 9: eval


def _eval(*paths: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["eval", "-q", *map(str, paths)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


GOLD = {"raw_body": "Story one.\n\nRead more at example.com", "boilerplate": ["Read more at example.com"]}


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (
            b'{"id": "a", "source": "pti", "body": "One."}',
            "it looks like a FeedItem (body, no raw_body); gold files hold raw_body, boilerplate and "
            "gold_clean_body (to clean feed items, use wirewash clean)",
        ),
        (b"hello", "it is not JSON (unexpected character, expected a JSON value: line 1 column 1 (char 0))"),
        (b'[{"raw_body": "x"}]', "it holds a JSON list, not an object with raw_body, boilerplate and gold_clean_body"),
        (orjson.dumps(GOLD), "gold_clean_body is missing"),
        (
            orjson.dumps({**GOLD, "gold_clean_body": "Story one.", "boilerplate": "x"}),
            "boilerplate is not a list of strings",
        ),
        (
            orjson.dumps({**GOLD, "gold_clean_body": "Story one.", "events": [{"type": "AID"}]}),
            "events[0] lacks type or sentence (strings)",
        ),
    ],
)
def test_eval_names_the_file_that_is_not_a_gold_file(tmp_path: Path, content: bytes, why: str) -> None:
    good = tmp_path / "a_good.json"
    good.write_bytes(orjson.dumps({**GOLD, "gold_clean_body": "Story one."}))
    bad = tmp_path / "b_bad.json"
    bad.write_bytes(content)
    code, err = _eval(tmp_path)
    assert code == 1
    assert err == f"Error: {bad} is not a gold file: {why}\n"


def test_eval_scores_a_directory_of_gold_files_and_says_when_there_is_none(tmp_path: Path) -> None:
    (tmp_path / "g.json").write_bytes(orjson.dumps({**GOLD, "gold_clean_body": "Story one.", "family": "x"}))
    result = CliRunner().invoke(main, ["eval", "--json", str(tmp_path)])
    assert result.exit_code == 0, result.output
    summary = orjson.loads(result.stdout)["summary"]
    assert summary["files"] == 1 and summary["boilerplate"]["recall"] == 1.0
    empty = tmp_path / "none"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a gold file")
    code, err = _eval(empty)
    assert (code, err) == (
        1,
        f"Error: no gold files (*.json) in {empty}: wirewash eval scores gold-annotated articles "
        "(raw_body, boilerplate and gold_clean_body)\n",
    )


def test_make_eval_without_the_corpus_says_what_it_needs() -> None:
    for target in ("eval", "eval-cross"):
        done = subprocess.run(
            ["make", "-s", target, "CORPUS=/nonexistent/corpus"], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2
        assert done.stdout == ""  # nothing installed, nothing run
        assert done.stderr.splitlines()[0] == (
            "no gold corpus at /nonexistent/corpus: make eval and make eval-cross score the cleaner against "
            "gold-annotated articles (JSON files with raw_body, boilerplate and gold_clean_body, like the "
            "development corpus, which is not part of the repository); point CORPUS=DIR at a directory of them"
        )
