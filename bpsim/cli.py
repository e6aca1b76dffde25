"""The ``bpsim`` command line: open the app, or export frames for slides.

Qt is imported only inside the functions that need it, so ``bpsim --help``
and ``bpsim --version`` answer at once and need no display.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bpsim import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bpsim",
        description="See backpropagation: a network's forward and backward pass, frame by frame.",
        usage="%(prog)s [options] [FILE.bpsim | COMMAND ...]",
        epilog="With no command, bpsim opens the app on the classic worked example; "
        "'bpsim FILE' opens a saved session (.bpsim, or an older .json).",
    )
    parser.add_argument("--version", action="version", version=f"bpsim {__version__}")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", metavar="NAME", help="open this preset (see 'bpsim presets')")
    source.add_argument("--session", metavar="FILE", help="open a saved session file")
    parser.add_argument("--fullscreen", action="store_true", help="start in full screen")
    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument(
        "--install-desktop",
        action="store_true",
        help="add bpsim to your desktop's menu, with its icon and .bpsim files (no root needed)",
    )
    desktop.add_argument(
        "--uninstall-desktop", action="store_true", help="remove what --install-desktop added"
    )
    desktop.add_argument(
        "--self-test",
        action="store_true",
        help="open the window offscreen, step, train and export; print what was checked",
    )

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("presets", help="list the presets and exit")
    export = commands.add_parser(
        "export",
        help="write frames (PNG) or an animation (GIF) of a training step, without a display",
        description="Render frames of one training step for slides. Needs no display.",
    )
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--preset", metavar="NAME", help="the preset to render")
    what.add_argument("--session", metavar="FILE", help="the session file to render")
    out = export.add_mutually_exclusive_group(required=True)
    out.add_argument(
        "--frames",
        metavar="A:B",
        help="frames A to B-1 (counted from 0; the app shows frame k+1 of N), e.g. 0:10 or 5",
    )
    out.add_argument("--animation", metavar="FILE.gif", help="write an animated GIF of the step")
    out.add_argument(
        "--lecture",
        action="store_true",
        help="the session's lecture: one PNG per bookmark (--out DIR) and/or a PDF deck (--pdf)",
    )
    export.add_argument(
        "--out", metavar="DIR", help="folder for the PNG frames (with --frames or --lecture)"
    )
    export.add_argument(
        "--pdf", metavar="FILE.pdf", help="with --lecture: a PDF deck, one page per bookmark"
    )
    export.add_argument(
        "--size", metavar="WxH", default="1280x720", help="image size in pixels (default 1280x720)"
    )
    export.add_argument(
        "--edges",
        choices=("weights", "gradients"),
        default="weights",
        help="what edge thickness shows (default weights)",
    )
    export.add_argument(
        "--fps", type=float, default=4.0, help="frames per second of a GIF (default 4)"
    )
    return parser


COMMANDS = ("presets", "export")
_TAKES_VALUE = ("--preset", "--session")


def session_file_argument(argv: Sequence[str]) -> list[str]:
    """``bpsim FILE`` (as a file manager or the menu entry calls it) is
    ``bpsim --session FILE``; commands and their arguments pass unchanged."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in COMMANDS:
            return out + list(argv[i:])
        if arg == "--":  # what follows is a file, even one named like an option
            return [*out, "--session", *argv[i + 1 : i + 2]]
        if arg in _TAKES_VALUE:
            out += argv[i : i + 2]
            i += 2
            continue
        out += ["--session", arg] if not arg.startswith("-") else [arg]
        i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(session_file_argument(sys.argv[1:] if argv is None else argv))
    if args.install_desktop or args.uninstall_desktop:
        from bpsim.desktop.integration import run_install

        return run_install(remove=args.uninstall_desktop)
    if args.self_test:
        from bpsim.desktop.self_test import run_self_test

        return run_self_test()
    if args.command == "presets":
        from bpsim.model.data.presets import PRESETS

        for name, preset in PRESETS.items():
            print(f"{name:10} {preset.title}")
        return 0
    if args.command == "export":
        from bpsim.export import run_export

        return run_export(args)
    from bpsim.desktop.platform_check import display_problem

    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    from bpsim.desktop.qt_start import start_application

    start_application()  # one clear line, not Qt's abort, when Qt cannot start
    from bpsim.app import run_app

    return run_app(preset=args.preset, session=args.session, fullscreen=args.fullscreen)
