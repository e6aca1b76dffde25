"""``bpsim export``: frames (PNG) and animations (GIF) of a training step,
rendered offscreen, for slides. Works without a display.

The command line's part: its arguments checked and the session opened; the
rendering is :mod:`bpsim.ui.export`'s.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bpsim.model.sessions.session_file import open_session
from bpsim.ui.export.gif import check_fps, check_gif_path, write_gif
from bpsim.ui.export.images import ExportError, write_frames
from bpsim.viewmodel.file_errors import FILE_ERRORS, file_error_message
from bpsim.viewmodel.timeline import Timeline


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ExportError(f"size must look like 1280x720, not {text!r}") from None
    if not (64 <= w <= 8192 and 64 <= h <= 8192):
        raise ExportError(f"size {w}x{h} is out of range (64 to 8192 pixels a side)")
    return w, h


def parse_frames(text: str, n_frames: int) -> range:
    """``A:B`` (B excluded, either may be left out) or a single ``A``."""
    try:
        if ":" in text:
            a, b = text.split(":", 1)
            start = int(a) if a.strip() else 0
            stop = int(b) if b.strip() else n_frames
        else:
            start = int(text)
            stop = start + 1
    except ValueError:
        raise ExportError(f"frames must look like 0:10 or 5, not {text!r}") from None
    if not 0 <= start < stop <= n_frames:
        raise ExportError(f"frames {text} are outside this step's frames 0:{n_frames}")
    return range(start, stop)


def run_export(args: argparse.Namespace) -> int:
    """The ``bpsim export`` command; one line on stderr and status 2 on error."""
    try:
        size = parse_size(args.size)
        check_fps(args.fps)
        if args.frames is not None and not args.out:
            raise ExportError("--frames needs --out DIR")
        if args.animation is not None:
            if args.out:
                raise ExportError("--out goes with --frames; --animation takes the GIF's path")
            check_gif_path(Path(args.animation))
        if args.lecture:
            return _export_lecture(args, size)
        if args.pdf:
            raise ExportError("--pdf goes with --lecture")
        session = open_session(args.preset, args.session)
        timeline = Timeline(session)
        trace, names = timeline.trace, session.trainer.net.activation_names
        if args.frames is not None:
            frames = parse_frames(args.frames, len(trace))
            written = write_frames(trace, names, frames, args.out, size, args.edges)
            print(f"wrote {len(written)} frame{'' if len(written) == 1 else 's'} to {args.out}")
        else:
            shown = write_gif(trace, names, args.animation, size, args.fps, args.edges)
            print(f"wrote {args.animation} ({len(shown.frames)} frames, {shown.describe()})")
    except FILE_ERRORS as exc:  # one line, whatever is wrong with the file or the options
        print(f"bpsim export: {file_error_message(exc)}", file=sys.stderr)
        return 2
    return 0


def _export_lecture(args: argparse.Namespace, size: tuple[int, int]) -> int:
    """``--lecture``: the bookmarks as PNG files and/or a PDF deck."""
    from bpsim.ui.export.lecture_deck import write_lecture_pdf, write_lecture_pngs

    if not args.out and not args.pdf:
        raise ExportError("--lecture needs --out DIR (PNG files) or --pdf FILE.pdf, or both")
    session = open_session(args.preset, args.session)
    lecture = session.lecture
    if lecture is None or not lecture.bookmarks:
        what = f"preset {args.preset!r}" if args.session is None else args.session
        raise ExportError(f"{what} has no lecture to export")
    timeline = Timeline(session)
    early = [k + 1 for k, b in enumerate(lecture.bookmarks) if b.step < timeline.first_step]
    if early:
        numbers = ", ".join(map(str, early))
        print(
            f"note: bookmark(s) {numbers} come before step {timeline.first_step:,}, where this"
            " session was saved; their pages show that step",
            file=sys.stderr,
        )
    if args.out:
        written = write_lecture_pngs(timeline, lecture, args.out, size, args.edges)
        print(f"wrote {len(written)} bookmark pictures to {args.out}")
    if args.pdf:
        pages = write_lecture_pdf(timeline, lecture, args.pdf, size, args.edges)
        print(f"wrote {args.pdf} ({pages} pages)")
    return 0
