"""bpsim on the desktop, without Qt: the display and library checks, the
system libraries script, the desktop files (validated by the desktop's own
tools where they are installed) and --install-desktop into a scratch XDG home."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

import bpsim
from bpsim.desktop import files, integration, platform_check
from bpsim.desktop.platform_check import (
    COMMON_LIBRARIES,
    NO_DISPLAY,
    WAYLAND_LIBRARIES,
    XCB_LIBRARIES,
    candidate_platforms,
    display_problem,
)

ROOT = Path(__file__).resolve().parents[1]
DESKTOP = ROOT / "resources" / "desktop"


def loader(missing: set[str]):
    return lambda soname: soname not in missing


# -- no display, missing libraries ---------------------------------------------------


def test_no_display_is_one_line_saying_what_to_do() -> None:
    problem = display_problem({}, loader(set()), platform="linux")
    assert problem == NO_DISPLAY and "\n" not in problem
    assert "bpsim export" in problem and "QT_QPA_PLATFORM=offscreen" in problem


def test_windows_and_macos_always_have_a_screen() -> None:
    assert display_problem({}, loader({"libGL.so.1"}), platform="win32") is None
    assert display_problem({}, loader(set()), platform="darwin") is None


def test_the_platforms_qt_will_try() -> None:
    assert candidate_platforms({"DISPLAY": ":0"}) == ["xcb"]
    assert candidate_platforms({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}) == [
        "wayland", "xcb"
    ]  # fmt: skip
    assert candidate_platforms({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}) == [
        "wayland", "xcb"
    ]  # fmt: skip
    assert candidate_platforms({"QT_QPA_PLATFORM": "offscreen:fontengine=freetype"}) == [
        "offscreen"
    ]
    assert candidate_platforms({"DISPLAY": ""}) == []


def test_missing_x11_libraries_are_named_with_their_packages() -> None:
    env = {"DISPLAY": ":0"}
    problem = display_problem(env, loader({"libxcb-cursor.so.0", "libxcb-icccm.so.4"}), "linux")
    assert problem is not None and "\n" not in problem
    assert "X11" in problem and "libxcb-icccm.so.4, libxcb-cursor.so.0" in problem
    assert "sudo apt-get install libxcb-icccm4 libxcb-cursor0" in problem
    assert "packaging/system-deps.sh" in problem
    # Wayland libraries do not matter on X11, nor X11's when Wayland works
    assert display_problem(env, loader({"libwayland-cursor.so.0"}), "linux") is None
    both = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    assert display_problem(both, loader({"libxcb-cursor.so.0"}), "linux") is None
    # Offscreen needs only the common ones
    offscreen = {"QT_QPA_PLATFORM": "offscreen"}
    assert display_problem(offscreen, loader({"libxcb-cursor.so.0"}), "linux") is None
    problem = display_problem(offscreen, loader({"libEGL.so.1"}), "linux")
    assert problem is not None and "libEGL.so.1" in problem and "libegl1" in problem


def test_the_libraries_of_this_machine_are_found() -> None:
    """Offscreen Qt runs here (the tests do), so its libraries load."""
    assert platform_check.missing_libraries("offscreen") == {}
    assert not platform_check.can_load("libnot-a-library-of-bpsim.so.7")


def test_system_deps_installs_every_library_bpsim_asks_for() -> None:
    listed = subprocess.run(
        ["bash", str(ROOT / "packaging" / "system-deps.sh"), "--list"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.split()  # fmt: skip
    asked = {**COMMON_LIBRARIES, **XCB_LIBRARIES, **WAYLAND_LIBRARIES}
    assert set(asked.values()) <= set(listed)
    issue_11 = (
        "libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 "
        "libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0 libxcb-sync1 libxcb-xkb1 "
        "libxkbcommon-x11-0 libxcb-cursor0 libwayland-client0 libwayland-cursor0 "
        "libwayland-egl1 libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 "
        "fonts-dejavu-core"
    )
    assert set(issue_11.split()) <= set(listed)


def test_system_deps_check_installs_nothing() -> None:
    out = subprocess.run(
        ["bash", str(ROOT / "packaging" / "system-deps.sh"), "--check"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode in (0, 1)
    assert "installing" not in out.stdout
    listed = set(out.stdout.split())
    assert listed <= set(
        subprocess.run(["bash", str(ROOT / "packaging" / "system-deps.sh"), "--list"],
                       capture_output=True, text=True, timeout=60).stdout.split()
    )  # fmt: skip


# -- the desktop files ---------------------------------------------------------------


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_the_desktop_entry_is_valid(tmp_path: Path) -> None:
    entry = DESKTOP / f"{files.APP_ID}.desktop"
    for path in (entry, write_installed_entry(tmp_path, ["/opt/my apps/bpsim"])):
        out = subprocess.run(["desktop-file-validate", str(path)],
                             capture_output=True, text=True, timeout=60)  # fmt: skip
        assert out.returncode == 0 and "error" not in out.stdout, out.stdout


def write_installed_entry(folder: Path, command: list[str]) -> Path:
    path = folder / f"{files.APP_ID}.desktop"
    path.write_text(integration.entry_text(files.desktop_entry().read_text("utf-8"), command))
    return path


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream")
def test_the_metainfo_is_valid() -> None:
    out = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(DESKTOP / f"{files.APP_ID}.metainfo.xml")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr


def test_one_version_everywhere() -> None:
    """The package's version (pyproject reads bpsim.__version__) is the
    metainfo's newest release."""
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"]
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "bpsim.__version__"}
    root = ET.parse(DESKTOP / f"{files.APP_ID}.metainfo.xml").getroot()
    releases = root.findall("releases/release")
    assert releases and releases[0].get("version") == bpsim.__version__
    assert root.findtext("id") == files.APP_ID
    assert root.find("launchable").text == f"{files.APP_ID}.desktop"
    shots = root.findall("screenshots/screenshot/image")
    assert len(shots) >= 2
    for shot in shots:  # the pictures the metainfo shows are the README's
        assert (ROOT / shot.text.split("/main/", 1)[1]).is_file()


def test_the_mime_type_claims_bpsim_files() -> None:
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(DESKTOP / f"{files.APP_ID}.mime.xml").getroot().find("m:mime-type", ns)
    assert mime is not None and mime.get("type") == files.MIME_TYPE
    assert {g.get("pattern") for g in mime.findall("m:glob", ns)} == {"*.bpsim", "*.bpsim.json"}
    entry = files.desktop_entry().read_text("utf-8")
    assert f"MimeType={files.MIME_TYPE};" in entry and "Exec=bpsim %f" in entry


def test_the_icon_in_every_size() -> None:
    assert files.svg_icon().is_file()
    for size in files.ICON_SIZES:
        with Image.open(ROOT / "resources" / "icons" / "png" / f"bpsim-{size}.png") as image:
            assert image.size == (size, size) and image.mode == "RGBA"
            assert image.getpixel((0, 0))[3] == 0  # transparent corners
            assert image.getpixel((size // 2, size // 2))[3] == 255
    assert 16 in files.ICON_SIZES and 512 in files.ICON_SIZES


# -- --install-desktop ----------------------------------------------------------------


def test_install_and_uninstall_in_the_users_xdg_folder(tmp_path: Path) -> None:
    data = tmp_path / "share"
    command = [sys.executable, "-m", "bpsim"]
    written = integration.install(data, command)
    expected = {
        f"applications/{files.APP_ID}.desktop",
        f"metainfo/{files.APP_ID}.metainfo.xml",
        f"mime/packages/{files.APP_ID}.xml",
        f"icons/hicolor/scalable/apps/{files.APP_ID}.svg",
        *(f"icons/hicolor/{s}x{s}/apps/{files.APP_ID}.png" for s in files.ICON_SIZES),
    }
    assert {p.relative_to(data).as_posix() for p in written} == expected
    entry = (data / "applications" / f"{files.APP_ID}.desktop").read_text()
    exec_line = " ".join(integration.exec_argument(a) for a in command)
    assert f"\nExec={exec_line} %f\n" in entry and f"\nTryExec={sys.executable}\n" in entry
    assert (data / f"icons/hicolor/512x512/apps/{files.APP_ID}.png").read_bytes() == (
        ROOT / "resources/icons/png/bpsim-512.png"
    ).read_bytes()
    integration.update_caches(data)  # where the tools are installed
    removed = integration.uninstall(data)
    assert {p.relative_to(data).as_posix() for p in removed} == expected
    assert not any(p.exists() for p in written)
    assert integration.uninstall(data) == []


def test_the_command_installs_into_xdg_data_home(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "bpsim", "--install-desktop"], env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    entry = tmp_path / "data" / "applications" / f"{files.APP_ID}.desktop"
    assert entry.is_file() and "installed the menu entry" in out.stdout
    exec_line = " ".join(integration.exec_argument(a) for a in (sys.executable, "-m", "bpsim"))
    assert f"Exec={exec_line} %f" in entry.read_text()
    out = subprocess.run([sys.executable, "-m", "bpsim", "--uninstall-desktop"], env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0 and "removed 13 files" in out.stdout
    assert not entry.exists()
    assert not list((tmp_path / "data").rglob(f"{files.APP_ID}*"))


def test_xdg_data_home_defaults_to_local_share() -> None:
    assert files.data_home({"HOME": "/home/ann"}) == Path("/home/ann/.local/share")
    assert files.data_home({"HOME": "/home/ann", "XDG_DATA_HOME": "rel"}) == Path(
        "/home/ann/.local/share"
    )
    assert files.data_home({"XDG_DATA_HOME": "/x/y"}) == Path("/x/y")


def test_exec_arguments_are_quoted_as_the_spec_says() -> None:
    assert integration.exec_argument("/usr/bin/bpsim") == "/usr/bin/bpsim"
    assert integration.exec_argument("/opt/my apps/bpsim") == '"/opt/my apps/bpsim"'
    assert integration.exec_argument("/opt/100%/bpsim") == "/opt/100%%/bpsim"
    assert integration.exec_argument('/a "b"/$c') == r'"/a \\"b\\"/\\$c"'


def test_the_launcher_is_the_running_program(tmp_path: Path) -> None:
    script = tmp_path / "bin" / "bpsim"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    assert integration.launcher_command(str(script), "/usr/bin/python3", False) == [str(script)]
    assert integration.launcher_command("/x/bpsim/__main__.py", "/v/bin/python", False) == [
        "/v/bin/python", "-m", "bpsim"
    ]  # fmt: skip
    assert integration.launcher_command("bpsim", "/opt/bpsim/bpsim", True) == ["/opt/bpsim/bpsim"]


def test_a_missing_file_of_bpsim_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    broken = [*files.placements(), files.Placement(tmp_path / "gone.png", Path("icons/x.png"))]
    monkeypatch.setattr(integration, "placements", lambda: broken)
    with pytest.raises(FileNotFoundError):
        integration.install(tmp_path / "share", ["bpsim"])
    assert not (tmp_path / "share").exists()


def test_install_desktop_is_for_xdg_desktops_only(monkeypatch, capsys) -> None:
    monkeypatch.setattr(integration, "applies", lambda: False)
    assert integration.run_install() == 2
    assert capsys.readouterr().err == integration.NOT_HERE + "\n"
