"""The packages bpsim is installed from: the wheel (what pip and pipx
install) holds the icons, the data, the samples and the desktop files, and
works from a plain install; the PyInstaller bundle builds and passes its
self-test. Slow: each builds from a copy of the source tree."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from bpsim import __version__
from bpsim.desktop import files

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(
    ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".venv", ".hypothesis"
)

pytestmark = pytest.mark.slow


def source_copy(tmp_path: Path) -> Path:
    """The source tree as git has it, in a scratch folder (builds leave
    their droppings there, not in the work tree)."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    return copy


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("build", reason="the [test] extra installs build")
    tmp = tmp_path_factory.mktemp("wheel")
    src = source_copy(tmp)
    out = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp / "dist"),
                          str(src)], capture_output=True, text=True, timeout=900)  # fmt: skip
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    (found,) = (tmp / "dist").glob("bpsim-*.whl")
    return found


def test_the_wheel_holds_icons_data_samples_and_desktop_files(wheel: Path) -> None:
    assert wheel.name.startswith(f"bpsim-{__version__}-py3-none-any")
    names = set(zipfile.ZipFile(wheel).namelist())
    res = "bpsim/resources/"
    expected = {
        res + "iris.csv",
        res + "iris-LICENSE.txt",
        res + "samples/exam_results.csv",
        res + "samples/cubic_curve.csv",
        res + "icons/bpsim.svg",
        *(f"{res}icons/png/bpsim-{size}.png" for size in files.ICON_SIZES),
        f"{res}desktop/{files.APP_ID}.desktop",
        f"{res}desktop/{files.APP_ID}.metainfo.xml",
        f"{res}desktop/{files.APP_ID}.mime.xml",
        "bpsim/desktop/platform_check.py",
        "bpsim/desktop/self_test.py",
    }
    assert expected <= names, sorted(expected - names)
    assert not any("screenshots" in n or "/tests/" in n for n in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert f"\nVersion: {__version__}\n" in text
    assert "Provides-Extra: bundle" in text
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "bpsim = bpsim.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_installed_wheel_finds_its_resources_and_passes_the_self_test(
    wheel: Path, tmp_path: Path
) -> None:
    """The wheel's bpsim alone on the path (its dependencies from this
    environment): resources come through importlib.resources."""
    site = tmp_path / "site"
    out = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                          "--target", str(site), str(wheel)],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert out.returncode == 0, out.stderr
    env = {**os.environ, "PYTHONPATH": str(site), "HOME": str(tmp_path)}
    env.pop("QT_QPA_PLATFORM", None)
    code = (
        "import bpsim, sys; from bpsim.desktop import files; "
        "print(bpsim.__file__); print(files.png_icon(512)); print(files.desktop_entry().is_file())"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    module, icon, entry = out.stdout.split()
    assert module.startswith(str(site)) and icon.startswith(str(site)) and entry == "True"
    out = subprocess.run([sys.executable, "-m", "bpsim", "--self-test"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0 and "6 checks, all passed" in out.stdout, out.stdout + out.stderr


def test_the_bundle_builds_and_passes_its_self_test(tmp_path: Path) -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("the [bundle] extra installs PyInstaller")
    src = source_copy(tmp_path)
    dist = tmp_path / "dist"
    env = {**os.environ, "PYTHON": sys.executable, "BPSIM_DIST": str(dist),
           "BPSIM_WORK": str(tmp_path / "work")}  # fmt: skip
    out = subprocess.run(["bash", str(src / "packaging" / "build-bundle.sh")], env=env, cwd=src,
                         capture_output=True, text=True, timeout=1800)  # fmt: skip
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    assert "6 checks, all passed" in out.stdout
    program = dist / "bpsim" / ("bpsim.exe" if sys.platform.startswith("win") else "bpsim")
    clean = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                                "QT_QPA_PLATFORM")}  # fmt: skip
    said = subprocess.run([str(program), "--version"], env=clean, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert said.stdout.strip() == f"bpsim {__version__}"
    xdg = {**clean, "XDG_DATA_HOME": str(tmp_path / "xdg")}
    installed = subprocess.run([str(program), "--install-desktop"], env=xdg, capture_output=True,
                               text=True, timeout=120)  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    entry = (tmp_path / "xdg" / "applications" / f"{files.APP_ID}.desktop").read_text()
    assert f"\nExec={program} %f\n" in entry
    if sys.platform.startswith("linux"):
        nothing = subprocess.run([str(program)], env=clean, capture_output=True, text=True,
                                 timeout=120)  # fmt: skip
        assert nothing.returncode == 2 and "no display" in nothing.stderr
        (tarball,) = dist.glob(f"bpsim-{__version__}-linux-*.tar.gz")
        with tarfile.open(tarball) as tar:
            names = set(tar.getnames())
        top = tarball.name.removesuffix(".tar.gz")
        for name in ("bpsim", "README.txt", f"share/applications/{files.APP_ID}.desktop",
                     f"share/metainfo/{files.APP_ID}.metainfo.xml",
                     f"share/mime/packages/{files.APP_ID}.xml",
                     f"share/icons/hicolor/256x256/apps/{files.APP_ID}.png"):  # fmt: skip
            assert f"{top}/{name}" in names, name
