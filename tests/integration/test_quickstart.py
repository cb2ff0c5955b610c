"""The README's quick start, run as written against the embedded broker it starts itself.

Every command of every ``bash`` block of the README's "Quick start" section runs, in order, from
the repository's root, as a user would type it: ``wirewash broker`` and ``wirewash worker`` are
started in the background (they run in terminals of their own), everything else must finish with
the exit status its comment states (0 unless it says "exits N"). An ``<!-- output -->`` marker
before a ``text`` block makes it the output expected of the command just before: each of its lines
must match a line of what the command printed (stdout and stderr), in order, ``…`` standing for
any text. ``. .venv/bin/activate`` and ``export`` lines stay in force for the commands after
them, as in a terminal.

What is substituted: port 9092 is held by this test while the broker starts (when nothing else
holds it already), so the broker must take a free port and print the ``export
WIREWASH_BOOTSTRAP_SERVERS=…`` line, which every later command then runs; the worker's web port
and data directory are free ones of this test. Nothing else of the commands is changed.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline.service.broker import free_port
from tests.integration.conftest import ROOT, http_get

pytestmark = pytest.mark.integration
README = (ROOT / "README.md").read_text(encoding="utf-8")
LONG_RUNNING = ("wirewash broker", "wirewash worker")
BLOCK = re.compile(r"(?P<marker><!-- output -->\n+)?```(?P<lang>\w*)\n(?P<body>.*?)^```", re.S | re.M)


@dataclass
class Step:
    command: str
    expect_exit: int = 0
    output: list[str] = field(default_factory=list)  # expected lines ("…": any text)

    @property
    def long_running(self) -> bool:
        return self.command.lstrip().startswith(LONG_RUNNING)


def section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def commands(block: str) -> list[str]:
    """The commands of a shell block: one a line, with heredocs and continued lines kept whole."""
    lines = block.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cmd = [line]
        heredoc = re.search(r"<<-?\s*'?(\w+)'?\s*(?:#.*)?$", line)
        if heredoc:
            while i < len(lines):
                cmd.append(lines[i])
                i += 1
                if cmd[-1].strip() == heredoc.group(1):
                    break
            else:
                raise AssertionError(f"heredoc {heredoc.group(1)} not closed in {block!r}")
        while cmd[-1].endswith("\\") and i < len(lines):
            cmd.append(lines[i])
            i += 1
        out.append("\n".join(cmd))
    return out


def steps(text: str) -> list[Step]:
    """The quick start's commands, with their expected exit status and output."""
    out: list[Step] = []
    for m in BLOCK.finditer(section(text, "Quick start")):
        if m.group("marker"):
            assert m.group("lang") == "text", "an output block is a ```text block"
            assert out, "an output block follows a command"
            out[-1].output = m.group("body").splitlines()
        elif m.group("lang") == "bash":
            for cmd in commands(m.group("body")):
                first = cmd.splitlines()[0]
                code = re.search(r"#.*\bexits? (\d+)", first)
                out.append(Step(cmd, int(code.group(1)) if code else 0))
    return out


def expected_lines_match(expected: list[str], output: str) -> str | None:
    """None when every expected line matches a line of ``output``, in order; else what did not."""
    actual = output.splitlines()
    k = 0
    for want in expected:
        pattern = re.compile(".*?".join(re.escape(part) for part in want.split("…")), re.S)
        while k < len(actual) and not pattern.fullmatch(actual[k]):
            k += 1
        if k == len(actual):
            return want
        k += 1
    return None


def test_steps_are_read_as_a_user_reads_them() -> None:
    text = """
## Quick start

```bash
make venv && . .venv/bin/activate   # install
wirewash broker
```

```text
an illustration, not an output
```

```bash
wirewash publish - <<'EOF'
{"id": "a",
 "source": "s", "body": "x"}
EOF
echo '{"id": "b"}' | wirewash publish -   # refused (exits 1)
```

<!-- output -->
```text
done: 0 delivered, 1 not delivered (1 invalid)
```

## Next
```bash
not part of it
```
"""
    got = steps(text)
    assert [(s.command.splitlines()[0], s.expect_exit, s.output, s.long_running) for s in got] == [
        ("make venv && . .venv/bin/activate   # install", 0, [], False),
        ("wirewash broker", 0, [], True),
        ("wirewash publish - <<'EOF'", 0, [], False),
        ('echo \'{"id": "b"}\' | wirewash publish -   # refused (exits 1)', 1, [got[3].output[0]], False),
    ]
    assert got[2].command.splitlines()[-1] == "EOF" and len(got[2].command.splitlines()) == 4
    assert expected_lines_match(["a…c", "x"], "abc\nz\nx") is None
    assert expected_lines_match(["x", "a…c"], "abc\nx") == "a…c"  # order matters
    assert expected_lines_match(["{…}"], '{"a":1} tail') == "{…}"  # a whole line


@contextlib.contextmanager
def holding(port: int) -> Iterator[bool]:
    """Listen on 127.0.0.1:``port`` while the block runs (True), unless something else already does (False)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
        s.listen(1)
    except OSError:
        s.close()
        yield False
        return
    try:
        yield True
    finally:
        s.close()


class Terminal:
    """What the user's terminals share: the activation and export lines run so far."""

    def __init__(self, tmp: Path):
        self.prelude: list[str] = []
        self.tmp = tmp
        self.web_port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWASH_")}
        self.env.update(
            WIREWASH_WEB_PORT=str(self.web_port),
            WIREWASH_DATA_DIR=str(tmp / "data"),
            PYTHONUNBUFFERED="1",
        )
        self.background: dict[str, subprocess.Popen[bytes]] = {}

    def script(self, command: str) -> str:
        return "\n".join([*self.prelude, command])

    def keep(self, command: str) -> None:
        """Activation and exports stay in force (each part of an ``&&`` chain that sets the environment)."""
        for part in command.split("&&"):
            part = part.split("#")[0].strip()
            if "activate" in part or part.startswith("export "):
                self.prelude.append(part)

    def run(self, step: Step) -> str:
        done = subprocess.run(
            ["bash", "-c", self.script(step.command)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=180,
        )
        out = done.stdout.decode("utf-8", "replace")
        assert done.returncode == step.expect_exit, f"{step.command!r} exited {done.returncode}:\n{out}"
        self.keep(step.command)
        return out

    def start(self, step: Step) -> None:
        name = step.command.split()[1]
        stdout, stderr = self.tmp / f"{name}.out", self.tmp / f"{name}.err"
        with open(stdout, "wb") as o, open(stderr, "wb") as e:
            self.background[name] = subprocess.Popen(
                ["bash", "-c", self.script("exec " + step.command)],
                cwd=ROOT,
                env=self.env,
                stdout=o,
                stderr=e,
                start_new_session=True,
            )

    def output(self, name: str) -> tuple[str, str]:
        return ((self.tmp / f"{name}.out").read_text(), (self.tmp / f"{name}.err").read_text(errors="replace"))

    def wait_for(self, name: str, ready: object, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        proc = self.background[name]
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"wirewash {name} exited {proc.returncode}: {self.output(name)}"
            if callable(ready) and ready():
                return
            time.sleep(0.2)
        raise TimeoutError(f"wirewash {name}: {what} not within {timeout}s: {self.output(name)}")

    def interrupt(self, name: str, timeout: float = 60) -> int:
        """Ctrl-C in the process's terminal (SIGINT to its process group); its exit status."""
        proc = self.background[name]
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout)  # on a timeout the process stays for close() to kill
        del self.background[name]
        return proc.returncode

    def close(self) -> None:
        """Stop what is still running (a failed test): Ctrl-C first, so that `wirewash broker` stops
        its Tansu process (which runs in a session of its own), then SIGKILL."""
        for name in list(self.background):
            with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
                self.interrupt(name, timeout=20)
        for proc in self.background.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def test_the_quick_start_runs_as_written(tmp_path: Path) -> None:
    plan = steps(README)
    used = {m.group(1) for s in plan for m in re.finditer(r"\bwirewash (\w+)", s.command)}
    # the section keeps showing the whole path: broker, worker, publishing, reading, bad input, offline
    assert {"broker", "topics", "worker", "health", "publish", "consume", "replay", "clean"} <= used, used
    assert any(s.command.startswith("python - <<") for s in plan), "the Python client is shown"
    assert sum(1 for s in plan if s.output) >= 8

    term = Terminal(tmp_path)
    ran = 0
    try:
        for step in plan:
            if step.command.startswith("wirewash broker"):
                with holding(9092):  # 9092 taken: the broker must say where it listens instead
                    term.start(step)
                    term.wait_for("broker", lambda: "Ctrl-C to stop" in term.output("broker")[1], 60, "listening")
                out, err = term.output("broker")
                assert re.fullmatch(r"export WIREWASH_BOOTSTRAP_SERVERS=127\.0\.0\.1:\d+\n", out), (out, err)
                assert "port 9092 is in use" in err
                term.prelude.append(out.strip())  # the user runs the printed line in the other terminals
            elif step.command.startswith("wirewash worker"):
                term.start(step)
                term.wait_for("worker", lambda: _answers(term.web_port), 90, "/healthz")
            else:
                assert not step.long_running
                out = term.run(step)
                if step.output:
                    missed = expected_lines_match(step.output, out)
                    assert missed is None, f"{step.command!r}: no line matches {missed!r} in:\n{out}"
            ran += 1
        assert ran == len(plan)
        # "Ctrl-C or SIGTERM: finishes its batch, commits, exits 0"
        assert term.interrupt("worker") == 0, term.output("worker")[1][-3000:]
        assert term.interrupt("broker") == 0
    finally:
        term.close()


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError):
        return http_get(port, "/healthz", 1.0)[0] == 200
    return False


def test_broker_on_the_default_port_prints_no_export_line(tmp_path: Path) -> None:
    """With the default port free the broker takes it and says nothing to export; an explicit
    port that is taken is an error, not a silent move."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWASH_")}
    env["WIREWASH_BOOTSTRAP_SERVERS"] = f"127.0.0.1:{port}"
    code = f"import pipeline.cli as c; c.DEFAULT_BROKER_PORT = {port}; c.main(['broker'])"
    err_path = tmp_path / "broker.err"
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=err, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while "Ctrl-C to stop" not in err_path.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, err_path.read_text()
            time.sleep(0.1)
        assert err_path.read_text().startswith(
            f"embedded broker (Tansu, memory storage) listening on 127.0.0.1:{port}, where wirewash commands look"
        )
        taken = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "broker", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert taken.returncode == 1
        assert taken.stderr == (
            f"Error: port {port} on 127.0.0.1 is in use: choose another with --port (0: any free port)\n"
        )
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert out == b""  # nothing to export: the broker is where the commands look
