"""``wirewash clean``: the offline path takes the same inputs and gives the same dead letters as the worker."""

from __future__ import annotations

import base64
from pathlib import Path

import orjson
from click.testing import CliRunner

from pipeline.cli import main

STORY = (
    "NAIROBI, Kenya — The city council approved the new water budget on Monday after a two-hour debate.\n\n"
    '"The pipes are older than most of us," said Grace Otieno, the union\'s general secretary.\n'
)


def _docs(stdout: str) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in stdout.splitlines() if line.strip()]


def _clean(args: list[str], stdin: bytes | None = None) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(main, ["clean", "--no-events", *args], input=stdin)
    return result.exit_code, _docs(result.stdout), result.stderr


def test_plain_text_on_stdin_is_one_item_as_a_text_file_is(tmp_path: Path) -> None:
    code, docs, _ = _clean([], STORY.encode())
    assert code == 0
    (doc,) = docs
    article = doc["article"]
    assert isinstance(article, dict)
    assert article["id"] == "stdin" and article["body"].startswith("NAIROBI, Kenya — The city council")
    # a .txt file with the same text gives the same body
    path = tmp_path / "story.txt"
    path.write_text(STORY)
    code, (from_file,), _ = _clean([str(path)])
    assert code == 0
    assert from_file["article"]["body"] == article["body"]  # type: ignore[index]


def test_a_dash_reads_stdin_too_and_json_lines_stay_items() -> None:
    lines = b"\n".join(
        orjson.dumps({"id": f"s{i}", "source": "wire-a", "body": STORY.replace("Monday", day)})
        for i, day in enumerate(["Monday", "Tuesday"])
    )
    code, docs, _ = _clean(["-"], lines)
    assert code == 0
    assert [d["article"]["id"] for d in docs] == ["s0", "s1"]  # type: ignore[index]
    code, docs, _ = _clean([], orjson.dumps([{"id": "a1", "source": "x", "body": STORY}]))
    assert code == 0 and [d["article"]["id"] for d in docs] == ["a1"]  # type: ignore[index]


def test_invalid_utf8_in_a_file_is_the_workers_dead_letter(tmp_path: Path) -> None:
    raw = "café au lait\n".encode("latin-1")
    path = tmp_path / "latin.txt"
    path.write_bytes(raw)
    good = tmp_path / "good.txt"
    good.write_text(STORY)
    code, docs, stderr = _clean([str(path), str(good)])
    assert code == 0  # one item was cleaned
    error = docs[0]["error"]
    assert isinstance(error, dict)
    assert error["error_code"] == "invalid_utf8"
    assert error["error"] == "value is not valid UTF-8 at byte 3"
    assert base64.b64decode(error["original_value"]) == raw  # the original bytes, as the worker keeps them
    assert "article" in docs[1]
    # its log line says it comes from `clean`, not from the worker
    assert [line.split(" ", 2)[2] for line in stderr.strip().splitlines()] == [
        "WARNING wirewash.clean: dead letter: value is not valid UTF-8 at byte 3"
    ]


def test_clean_fails_when_every_item_failed(tmp_path: Path) -> None:
    code, docs, stderr = _clean([], b"caf\xe9 au lait")
    assert code == 1
    assert [d["error"]["error_code"] for d in docs] == ["invalid_utf8"]  # type: ignore[index]
    assert stderr.strip().splitlines()[-1] == "Error: no item could be cleaned (1 dead letter)"
    code, docs, stderr = _clean([], b'{"id": "x", "source": "s"}\n{"id": "y"}\n')
    assert code == 1 and len(docs) == 2
    assert stderr.strip().splitlines()[-1] == "Error: no item could be cleaned (2 dead letters)"
    code, docs, stderr = _clean([], b"   \n")
    assert code == 1 and docs == []
    assert stderr.strip().splitlines()[-1] == "Error: no feed items in the input"
