"""docproc installed from its wheel, outside the checkout, works like the editable install.

The lexicons are edited in the top-level ``lexicons/`` and carried by the wheel as ``docproc/lexicons``
(pyproject.toml maps them); ``docproc/resources.py`` reads them through ``importlib.resources``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS


def test_lexicons_come_from_the_checkout_or_from_docproc_lexicons(monkeypatch, tmp_path: Path) -> None:
    """In a checkout (an editable install) the lexicons people edit are read; the variable still wins."""
    from docproc import resources

    monkeypatch.delenv("DOCPROC_LEXICONS", raising=False)
    assert Path(str(resources.lexicon_dir())) == ROOT / "lexicons"
    assert "万" in (resources.lexicon_dir() / "magnitudes.tsv").read_text(encoding="utf-8")
    monkeypatch.setenv("DOCPROC_LEXICONS", str(tmp_path))
    assert resources.lexicon_dir() == tmp_path


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DOCPROC_LEXICONS", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _build_wheel(tmp: Path) -> Path:
    """Build from a copy of the sources, so that no build/ or egg-info lands in the shared checkout."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", ".gitignore"):
        shutil.copy2(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("docproc", "lexicons"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    dist = tmp / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(dist)],
                   check=True, cwd=tmp, env=_clean_env(), capture_output=True, timeout=600)
    (wheel,) = dist.glob("docproc-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    lexicons = {f"docproc/lexicons/{p.name}" for p in (ROOT / "lexicons").iterdir() if p.is_file()}
    assert lexicons <= names, sorted(lexicons - names)
    assert "docproc/web/templates/doc.html" in names and not any("__pycache__" in n for n in names)
    return wheel


def _venv_with_wheel(tmp: Path, wheel: Path) -> Path:
    """A fresh venv holding only the wheel; its dependencies are those of the running interpreter, seen
    through a .pth line, so the test needs no index (CI also installs the wheel with its dependencies)."""
    target = tmp / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    python = target / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    (Path(purelib) / "_docproc_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, env=_clean_env(), capture_output=True, timeout=300)
    return target


@pytest.mark.slow
def test_wheel_outside_the_checkout_gives_the_editable_json(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    target = _venv_with_wheel(tmp_path, wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _clean_env()

    where = subprocess.run([str(target / "bin" / "python"), "-c",
                            "import docproc.resources as r; print(r.lexicon_dir())"],
                           check=True, capture_output=True, text=True, cwd=elsewhere, env=env).stdout.strip()
    assert Path(where).is_relative_to(target), where  # the wheel's own lexicons, not the checkout's

    seed = SEEDS / "003_9882b4f48095540a.txt"  # the README's sample plan
    installed = subprocess.run([str(target / "bin" / "docproc"), "extract", str(seed), "--format", "json"],
                               capture_output=True, text=True, cwd=elsewhere, env=env, timeout=300)
    assert installed.returncode == 0, installed.stderr
    editable = subprocess.run([sys.executable, "-m", "docproc.cli", "extract", str(seed), "--format", "json"],
                              capture_output=True, text=True, cwd=elsewhere, env=env, timeout=300)
    assert editable.returncode == 0, editable.stderr
    result = json.loads(installed.stdout)
    assert result["tasks"] and result["quantities"]
    assert result == json.loads(editable.stdout)
