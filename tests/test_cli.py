"""The command line: the contract's JSON, formats, and errors as one line with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from docproc.cli import app

from conftest import SEEDS

runner = CliRunner()
PLAN = SEEDS / "003_9882b4f48095540a.txt"


def test_help_lists_commands_with_examples():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for word in ("extract", "convert", "segment", "Examples"):
        assert word in result.output


def test_extract_json_follows_the_contract():
    result = runner.invoke(app, ["extract", str(PLAN), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema"] == "docproc/1"
    assert set(doc) >= {"source", "doc", "text", "tasks", "quantities", "deadlines", "findings"}
    assert set(doc["doc"]) == {"title", "date", "year", "script", "kind", "pages"}
    text = doc["text"]
    for q in doc["quantities"]:
        assert set(q) >= {"text", "value", "unit", "op", "indicator", "role", "span"}
        assert text[q["span"][0]:q["span"][1]] == q["text"]
        assert q["op"] in {"=", ">=", ">", "<=", "<", "~"}
        assert q["role"] in {"target", "actual", "baseline", "other"}
    for d in doc["deadlines"]:
        assert text[d["span"][0]:d["span"][1]] == d["text"]
        assert d["kind"] in {"by", "asof", "relative", "recurring"}
    for t in doc["tasks"]:
        assert text[t["span"][0]:t["span"][1]] == t["text"]
        assert set(t["units"]) == {"lead", "responsible", "support"}
    assert "rule" not in json.dumps(doc["quantities"][:1])


def test_explain_adds_rule_ids():
    result = runner.invoke(app, ["extract", str(PLAN), "--explain"])
    doc = json.loads(result.stdout)
    assert all(q["rule"].startswith("quantity.") for q in doc["quantities"])
    assert all(d["rule"].startswith("deadline.") for d in doc["deadlines"])


def test_several_files_give_an_array_and_jsonl_gives_lines():
    files = [str(p) for p in sorted(SEEDS.glob("*.txt"))[:2]]
    arr = json.loads(runner.invoke(app, ["extract", *files]).stdout)
    assert isinstance(arr, list) and len(arr) == 2
    lines = runner.invoke(app, ["extract", *files, "--format", "jsonl"]).stdout.strip().split("\n")
    assert [json.loads(x)["source"] for x in lines] == files


def test_ref_date_overrides_year():
    doc = json.loads(runner.invoke(app, ["extract", str(PLAN), "--ref-date", "2030-01-01"]).stdout)
    assert doc["doc"]["year"] == 2030
    assert any(d["date"] == "2030-04-30" for d in doc["deadlines"])


def test_bad_input_one_line_exit_2(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "docproc.cli", "extract", str(empty), str(PLAN)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "empty file" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert isinstance(json.loads(proc.stdout), list)  # the good file still comes out


def test_convert_and_segment():
    out = runner.invoke(app, ["convert", str(SEEDS / "004_64bea8f0f8d7fec1.txt")]).stdout
    assert "脱贫攻坚" in out and "脫貧" not in out
    seg = json.loads(runner.invoke(app, ["segment", str(PLAN), "--format", "json"]).stdout)
    assert seg[0]["tokens"] and all("span" in t for t in seg[0]["tokens"])
