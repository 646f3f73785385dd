"""The command line: the contract's JSON, formats, and errors as one line with exit code 2."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from docproc.cli import app

from conftest import SEEDS

runner = CliRunner()
PLAN = SEEDS / "003_9882b4f48095540a.txt"


def test_help_lists_commands_with_examples():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for word in ("extract", "convert", "segment", "示例"):
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


# ---- issue 25.7 / 24.6: what the command says and refuses ----------------------------------------------

def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "docproc.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


def _one_line(proc, words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and words in proc.stderr and "Traceback" not in proc.stderr


def test_every_command_helps_in_chinese_with_an_example():
    for command in ("extract", "check", "convert", "segment", "batch", "query", "export"):
        out = runner.invoke(app, [command, "--help"]).output
        assert "示例" in out, command
        assert not any(w in out for w in ("Write to this file", "Reference date", "Output format")), command
    query_line = next(ln for ln in runner.invoke(app, ["--help"]).output.splitlines() if ln.strip().startswith("query"))
    assert "在结果库中查任务" in query_line


def test_out_suffix_it_cannot_write_is_refused(tmp_path):
    target = tmp_path / "x.docx"
    _one_line(_cli("extract", PLAN, "--out", target), ".docx")
    assert not target.exists()
    _one_line(_cli("extract", PLAN, "--format", "csv", "--out", tmp_path / "y.xlsx"), "不一致")
    _one_line(_cli("check", PLAN, "--out", tmp_path / "z.jsonl"), ".jsonl")


def test_written_file_is_confirmed_in_one_chinese_line(tmp_path):
    out = tmp_path / "任务.xlsx"
    proc = _cli("extract", PLAN, "--out", out)
    assert proc.returncode == 0 and out.exists()
    assert proc.stderr.strip().count("\n") == 0 and "已写出" in proc.stderr and str(out.resolve()) in proc.stderr
    assert "项任务" in proc.stderr
    proc = _cli("extract", PLAN, "--out", tmp_path / "t.md", "--lang", "en")
    assert "wrote md" in proc.stderr


def test_empty_text_is_warned(tmp_path):
    page = tmp_path / "nav.html"  # a page whose only text is site navigation, which cleaning removes
    page.write_text("<html><head><title>x</title></head><body><div>首页</div></body></html>", encoding="utf-8")
    proc = _cli("extract", page, "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["text"].strip() == ""
    assert "没有读到文字" in proc.stderr and proc.stderr.count("\n") == 1


def test_batch_refuses_missing_inputs_unknown_engines_and_dead_schedulers(tmp_path):
    _one_line(_cli("batch", tmp_path / "nosuchdir", "--out", tmp_path / "r.db"), "没有这个文件或文件夹")
    _one_line(_cli("batch", PLAN, "--engine", "spark", "--out", tmp_path / "r.db"), "只能是 local 或 dask")
    proc = _cli("batch", PLAN, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1", "--out", tmp_path / "r.db")
    _one_line(proc, "Dask 调度器")


def test_batch_exits_2_when_a_document_failed(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(PLAN.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    proc = _cli("batch", folder, "--out", tmp_path / "r.db")
    assert proc.returncode == 2 and "empty" in proc.stderr


def test_strict_json_has_no_nan():
    from docproc.export import strict_json

    text = strict_json({"value": float("nan"), "list": [float("inf"), 1.5]})
    assert json.loads(text) == {"value": None, "list": [None, 1.5]} and "NaN" not in text


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    db = folder / "results.db"
    files = [SEEDS / "003_9882b4f48095540a.txt", SEEDS / "001_2b180d8db99b6a30.txt"]
    result = runner.invoke(app, ["batch", *map(str, files), "--out", str(db)])
    assert result.exit_code == 0, result.output
    return db


def test_query_validates_its_filters(store):
    _one_line(_cli("query", store, "--due-before", "yesterday"), "YYYY-MM-DD")
    _one_line(_cli("query", store, "--due-before", "2024-02-30"), "不是有效日期")
    _one_line(_cli("query", store, "--kind", "memo"), "--kind")
    _one_line(_cli("query", store, "--finding", "bogus"), "--finding")
    ok = runner.invoke(app, ["query", str(store), "--kind", "计划", "-f", "json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)


def test_query_finding_lists_findings(store):
    every = json.loads(runner.invoke(app, ["query", str(store), "--finding", "sum", "-f", "json"]).stdout)
    assert all(set(r) == {"source", "check", "severity", "message", "evidence"} and r["check"] == "sum"
               for r in every)
    from docproc.query import run_findings

    found = run_findings(store)
    assert found and all(re.search(r"[\u4e00-\u9fff]{4}", r["message"]) for r in found)  # read in Chinese
    table = runner.invoke(app, ["query", str(store), "-f", "csv"]).stdout
    assert table.lstrip("\ufeff").startswith("文件,文件类型,任务号,章节,任务内容")


def test_export_xlsx_is_the_workbook_of_extract(store, tmp_path):
    from openpyxl import load_workbook

    exported, extracted = tmp_path / "export.xlsx", tmp_path / "extract.xlsx"
    result = runner.invoke(app, ["export", str(store), "--format", "xlsx", "--out", str(exported)])
    assert result.exit_code == 0, result.output
    import sqlite3

    sources = [r[0] for r in sqlite3.connect(store).execute("SELECT source FROM documents ORDER BY source")]
    runner.invoke(app, ["extract", *sources, "--out", str(extracted)])
    a, b = load_workbook(exported), load_workbook(extracted)
    assert a.sheetnames == b.sheetnames
    for name in ("任务", "时限", "按责任单位"):
        rows_a = sorted(map(str, a[name].iter_rows(values_only=True)))
        rows_b = sorted(map(str, b[name].iter_rows(values_only=True)))
        assert [c.value for c in a[name][1]] == [c.value for c in b[name][1]]
        assert len(rows_a) == len(rows_b), name
    tasks_a = [r[3] for r in a["任务"].iter_rows(min_row=2, values_only=True)]
    tasks_b = [r[3] for r in b["任务"].iter_rows(min_row=2, values_only=True)]
    assert sorted(map(str, tasks_a)) == sorted(map(str, tasks_b))


def test_query_and_export_take_the_format_from_out(store, tmp_path):
    from openpyxl import load_workbook

    sheet = tmp_path / "q.xlsx"
    proc = _cli("query", store, "--kind", "plan", "--out", sheet)
    assert proc.returncode == 0 and "已写出" in proc.stderr and load_workbook(sheet).sheetnames == ["任务"]
    listed = tmp_path / "all.csv"
    proc = _cli("export", store, "--out", listed)
    assert proc.returncode == 0 and listed.read_text(encoding="utf-8").startswith("\ufeff文件,")
    _one_line(_cli("export", store), "需要 --out")
    _one_line(_cli("query", store, "--out", tmp_path / "q.txt"), ".txt")
