"""The architecture, enforced: three layers, imports pointing one way, no cycles.

``bpsim.model`` (numpy only) <- ``bpsim.viewmodel`` (what is shown, still
without Qt) <- ``bpsim.ui`` (PySide6 and pyqtgraph) <- the entry points
(``bpsim.app``, ``bpsim.cli``, ``bpsim.export``, ``bpsim.__main__``, and
``bpsim.desktop``: the checks before Qt starts, the desktop files, the self-test).
Every import counts, at module level or inside a function; only imports
under ``if TYPE_CHECKING:`` are left out, since they never run.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "bpsim"
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph")
ENTRY_POINTS = ("bpsim.app", "bpsim.cli", "bpsim.export", "bpsim.__main__", "bpsim.desktop")
QT_FREE = ("bpsim.model", "bpsim.viewmodel")

# The tests of the Qt-free layers (every test module that imports neither Qt
# nor the UI, nor names PySide6 or qtbot) must pass with Qt absent. These must be among them.
CORE_QT_FREE_TESTS = {
    "test_worked_example.py",
    "test_network.py",
    "test_trace.py",
    "test_session.py",
    "test_datasets.py",
    "test_timeline.py",
    "test_scene.py",
    "test_boundary.py",
}
ABOVE_VIEWMODEL = (*QT, "bpsim.ui", *ENTRY_POINTS, "tests.imaging")


def qt_free_tests() -> list[str]:
    found = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        imports = imported_names(path, {})
        text = path.read_text(encoding="utf-8")
        if "qtbot" in text or "PySide6" in text:  # Qt's own tests, this one among them
            continue
        if not any(m.split(".")[0] in QT or m.startswith(ABOVE_VIEWMODEL) for m in imports):
            found.append(f"tests/{path.name}")
    return found


BLOCKER = """
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {'PySide6', 'PyQt5', 'PyQt6', 'shiboken6', 'pyqtgraph'}:
            raise ImportError(f'{name} is blocked: this layer must work without Qt')
        return None
sys.meta_path.insert(0, Block())
try:
    import PySide6
except ImportError:
    pass
else:
    sys.exit('the Qt blocker does not block')
"""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of bpsim by dotted name (a package by its ``__init__``)."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import under ``node``, in functions too, but not under
    ``if TYPE_CHECKING:`` (its ``else`` branch does run)."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
        return
    if isinstance(node, ast.If) and _is_type_checking(node):
        for child in node.orelse:
            yield from _import_nodes(child)
        return
    for child in ast.iter_child_nodes(node):
        yield from _import_nodes(child)


def imported_names(path: Path, known: Mapping[str, Path]) -> set[str]:
    """The modules ``path`` imports: ``from a.b import c`` is ``a.b.c`` where
    that is a module of ours, else ``a.b``."""
    names: set[str] = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif node.module:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                names.add(sub if sub in known else node.module)
    return names


def import_graph() -> dict[str, set[str]]:
    """bpsim's modules and the bpsim modules each imports."""
    known = modules()
    return {
        name: {m for m in imported_names(path, known) if m in known and m != name}
        for name, path in known.items()
    }


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_in_functions_count_and_type_checking_ones_do_not(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from bpsim.ui.window import controller\n"
        "def f():\n    from bpsim.viewmodel import timeline\n    import bpsim.app\n"
    )
    names = imported_names(source, modules())
    assert {"bpsim.viewmodel.timeline", "bpsim.app"} <= names
    assert "bpsim.ui.window.controller" not in names


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert len(graph) > 60
    assert cycles(graph) == []


@pytest.mark.parametrize(
    ("layer", "allowed"),
    [
        ("bpsim.model", ("bpsim.model",)),
        ("bpsim.viewmodel", ("bpsim.model", "bpsim.viewmodel")),
        ("bpsim.ui", ("bpsim.model", "bpsim.viewmodel", "bpsim.ui", "bpsim")),
    ],
)
def test_imports_point_down(layer: str, allowed: tuple[str, ...]) -> None:
    graph = import_graph()
    members = [m for m in graph if m == layer or m.startswith(layer + ".")]
    assert members
    for name in members:
        upward = {
            m for m in graph[name]
            if m.startswith(tuple(e + "." for e in ENTRY_POINTS)) or m in ENTRY_POINTS
            or not any(m == a or m.startswith(a + ".") for a in allowed)
        }  # fmt: skip
        assert not upward, f"{name} imports {sorted(upward)}, above its layer"


def test_qt_free_layers_import_no_qt() -> None:
    known = modules()
    checked = 0
    for name, path in known.items():
        if name.startswith(QT_FREE):
            bad = {m for m in imported_names(path, known) if m.split(".")[0] in QT}
            assert not bad, f"{name} imports {sorted(bad)}"
            checked += 1
    assert checked > 30


def test_qt_free_layers_load_and_pass_their_tests_with_qt_blocked() -> None:
    tests = qt_free_tests()
    assert {Path(t).name for t in tests} >= CORE_QT_FREE_TESTS
    load = "".join(f"import {m}\n" for m in modules() if m.startswith(QT_FREE))
    code = (
        BLOCKER
        + load
        + (
            "import pytest\n"
            f"args = {tests!r} + ['-q', '-x', '-o', 'addopts=']\n"
            "args += ['-p', 'no:pytest-qt', '-p', 'no:pytestqt', '-p', 'no:cacheprovider']\n"
            "sys.exit(pytest.main(args))\n"
        )
    )
    env = {**os.environ, "BPSIM_FUZZ_SCALE": "0.05", "BPSIM_FUZZ_REPORT": ""}  # fuzzed once
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600, env=env
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout


def test_old_import_paths_of_the_scripting_api_still_work() -> None:
    """The README's scripting API keeps its import paths."""
    from bpsim.model import Network
    from bpsim.model.csvdata import load_csv
    from bpsim.model.data import csvdata, datasets, presets
    from bpsim.model.datasets import make_dataset
    from bpsim.model.engine import gradcheck, optimizers, training
    from bpsim.model.gradcheck import check_gradients
    from bpsim.model.optimizers import SGD, Adam, Momentum, make_optimizer
    from bpsim.model.presets import build_preset
    from bpsim.model.session_file import load_session, save_session
    from bpsim.model.sessions import session_file as moved_session_file
    from bpsim.model.training import Trainer

    assert Network.__module__ == "bpsim.model.engine.network"
    assert load_csv is csvdata.load_csv and make_dataset is datasets.make_dataset
    assert build_preset is presets.build_preset and Trainer is training.Trainer
    assert check_gradients is gradcheck.check_gradients
    assert (SGD, Adam, Momentum, make_optimizer) == (
        optimizers.SGD, optimizers.Adam, optimizers.Momentum, optimizers.make_optimizer
    )  # fmt: skip
    assert (load_session, save_session) == (
        moved_session_file.load_session, moved_session_file.save_session
    )  # fmt: skip


def test_every_subpackage_is_installed() -> None:
    """pyproject.toml lists the packages a wheel holds: a new folder must be there."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    folders = {module_name(p) for p in PACKAGE.rglob("__init__.py")}
    assert folders <= listed, f"missing from pyproject.toml: {sorted(folders - listed)}"
