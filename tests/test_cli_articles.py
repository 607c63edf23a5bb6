"""`sayso articles`: one article record per line; one-line errors; exit status; atomic --out."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "read"
PAGE = FIXTURES / "port-strike.html"
BRIEF = FIXTURES / "bridge-brief.txt"
SPEC_FIELDS = ["input", "id", "url", "outlet", "title", "published", "authors", "text", "regions"]


def sayso(*args: object, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sayso", "articles", *map(str, args)],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
    )


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_articles_writes_one_record_with_the_spec_fields_per_article_to_stdout() -> None:
    done = sayso(PAGE, BRIEF)
    assert (done.returncode, done.stderr) == (0, "")
    page, brief = records(done.stdout)
    assert list(page) == SPEC_FIELDS
    assert page["input"] == str(PAGE) and page["title"] == "Dockworkers walk out as port talks collapse"
    assert "Dana Whitfield" in page["text"] and "All rights reserved" not in page["text"]
    assert brief["text"] == BRIEF.read_text(encoding="utf-8")


def test_articles_ids_are_stable_across_runs() -> None:
    assert records(sayso(PAGE).stdout)[0]["id"] == records(sayso(PAGE).stdout)[0]["id"]


def test_articles_reads_stdin_with_a_dash() -> None:
    done = sayso("-", stdin=BRIEF.read_bytes())
    assert done.returncode == 0
    assert records(done.stdout)[0]["input"] == "<stdin>"


def test_articles_out_writes_the_file_and_nothing_to_stdout(tmp_path: Path) -> None:
    out = tmp_path / "articles.jsonl"
    done = sayso(PAGE, FIXTURES / "newsroom-dump.jsonl", "--format", "jsonl", "--out", out)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert len(records(out.read_text(encoding="utf-8"))) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["articles.jsonl"]


def test_bad_inputs_get_one_line_each_the_batch_goes_on_and_the_exit_status_is_1(tmp_path: Path) -> None:
    out = tmp_path / "articles.jsonl"
    bad = [tmp_path / "missing.html", FIXTURES / "scanned-page.txt", FIXTURES / "truncated.html.gz"]
    done = sayso(bad[0], PAGE, bad[1], BRIEF, bad[2], "--out", out)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert [line.split(": ")[:2] for line in lines] == [["sayso", "error"]] * 3
    assert [line.removeprefix("sayso: error: ").split(": ")[0] for line in lines] == list(map(str, bad))
    assert "Traceback" not in done.stderr
    assert [r["input"] for r in records(out.read_text(encoding="utf-8"))] == [str(PAGE), str(BRIEF)]


def test_usage_errors_exit_with_2_without_a_traceback(tmp_path: Path) -> None:
    for args in [(), (PAGE, "--format", "csv"), (PAGE, "--out", tmp_path / "no-such-folder" / "a.jsonl")]:
        done = sayso(*args)
        assert done.returncode == 2, args
        assert done.stdout == "" and "Traceback" not in done.stderr and done.stderr.strip()


def test_an_interrupted_run_leaves_the_out_file_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "articles.jsonl"
    out.write_text("previous run\n")
    # The page is written, then the run waits on stdin, which never ends: we interrupt it there.
    run = subprocess.Popen(
        [sys.executable, "-m", "sayso", "articles", str(PAGE), "-", "--out", str(out)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".part") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(2.0)  # the page is read and written by then, even on a loaded machine
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 130 and "Traceback" not in stderr
    assert out.read_text() == "previous run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["articles.jsonl"]


def test_a_progress_bar_goes_to_stderr_only_when_it_is_a_terminal() -> None:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    run = subprocess.Popen(
        [sys.executable, "-m", "sayso", "articles", str(PAGE), str(BRIEF)],
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    stdout, _ = run.communicate(timeout=120)
    os.close(follower)
    terminal = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        terminal += chunk
    os.close(leader)
    assert run.returncode == 0 and len(records(stdout.decode())) == 2
    assert b"2 articles" in terminal
    assert sayso(PAGE, BRIEF).stderr == ""


def test_stdout_is_utf8_whatever_the_locale() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sayso", "articles", str(FIXTURES / "cafe-licences-cp1252.txt")],
        capture_output=True,
        env={**os.environ, "LC_ALL": "C", "PYTHONIOENCODING": "ascii"},
        timeout=120,
    )
    assert done.returncode == 0
    assert "Ren\u00e9e Dub\u00e9" in json.loads(done.stdout.decode("utf-8"))["text"]
