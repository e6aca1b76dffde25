"""The model never imports Qt, pyqtgraph or the UI, and works without them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

MODEL = Path(__file__).resolve().parents[1] / "bpsim" / "model"
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "bpsim.ui", "bpsim.app")

# The model's own test modules: they must pass with Qt absent.
MODEL_TESTS = [
    "tests/test_worked_example.py",
    "tests/test_network.py",
    "tests/test_gradients.py",
    "tests/test_trace.py",
    "tests/test_training.py",
    "tests/test_session.py",
    "tests/test_datasets.py",
    "tests/test_csvdata.py",
    "tests/test_presets.py",
    "tests/test_setup.py",
    "tests/test_boundary.py",
]

BLOCKER = """
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'PySide6', 'PyQt5', 'PyQt6', 'shiboken6', 'pyqtgraph'}:
            raise ImportError(f'{name} is blocked: the model must work without Qt')
        return None
sys.meta_path.insert(0, Block())
try:
    import PySide6
except ImportError:
    pass
else:
    sys.exit('the Qt blocker does not block')
"""


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_model_module_imports_qt() -> None:
    files = sorted(MODEL.glob("*.py"))
    assert len(files) > 5
    for path in files:
        bad = {m for m in imported_modules(path) if m.startswith(FORBIDDEN)}
        assert not bad, f"{path.name} imports {bad}"


def test_model_tests_pass_with_qt_blocked() -> None:
    root = MODEL.parents[1]
    tests = [t for t in MODEL_TESTS if (root / t).exists()]
    code = BLOCKER + (
        "import pytest\n"
        f"args = {tests!r} + ['-q', '-x', '-o', 'addopts=']\n"
        "args += ['-p', 'no:pytest-qt', '-p', 'no:pytestqt', '-p', 'no:cacheprovider']\n"
        "sys.exit(pytest.main(args))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout
