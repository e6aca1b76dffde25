"""Rich text for formulas: subscripts, superscripts, escaping, readable colours."""

from __future__ import annotations

import html
import re

from PySide6.QtGui import QColor

# A name: letters (each perhaps with combining marks, as in m̂), then an
# optional number and optional "_part"s, not glued to a preceding letter,
# digit, "_" or "." (so "1.2e−5" keeps its "e"). A caret before a name
# ("e^net_o1"), a number or a parenthesised group makes it a superscript.
_MARKS = "\u0300-\u036f"
_SUPERSCRIPTS = "\u00b2\u00b3\u00b9\u2070-\u209f"  # "out_h1²": the square is not a subscript
_TOKEN = re.compile(
    rf"\^(?P<power>\([^()]*\)|[−-]?\d[\d.]*(?:e[−-]?\d+)?)"
    rf"|(?P<caret>\^)?(?<![\w.{_MARKS}])(?P<base>(?:[^\W\d_][{_MARKS}]*)+)(?P<number>\d*)"
    rf"(?P<parts>(?:_[^\W_{_SUPERSCRIPTS}]+)*)"
)
_HAS_MARK = re.compile(f"[{_MARKS}]")


def _token_html(match: re.Match[str]) -> str:
    power = match.group("power")
    if power is not None:
        inner = power[1:-1] if power.startswith("(") else power
        return f"<sup>{formula_html(inner)}</sup>"
    base, number, parts = match.group("base", "number", "parts")
    text = html.escape(base)
    if _HAS_MARK.search(base):
        # some sans fonts misplace combining marks (m̂); serif fonts set them right
        text = f'<span style="font-family:serif">{text}</span>'
    subscript = [number] if number else []
    subscript += [p for p in parts.split("_") if p]
    if subscript:
        text += f"<sub>{html.escape(','.join(subscript))}</sub>"
    return f"<sup>{text}</sup>" if match.group("caret") else text


def formula_html(text: str) -> str:
    """``text`` as rich text: names get subscripts (``net_h1`` → net<sub>h1</sub>,
    ``w5`` → w<sub>5</sub>, ``h2_1`` → h<sub>2,1</sub>), powers (``e^net_o1``,
    ``e^(−0.1)``) superscripts; everything else is escaped."""
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        out.append(html.escape(text[pos : match.start()]))
        out.append(_token_html(match))
        pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def readable(color: QColor, background: QColor, ratio: float = 4.5) -> QColor:
    """``color`` darkened (or lightened on a dark background) until text in it
    reads on ``background`` (WCAG contrast ``ratio``)."""
    out = QColor(color)
    dark_bg = background.lightness() < 128
    for _ in range(20):
        if contrast(out, background) >= ratio:
            break
        out = out.lighter(112) if dark_bg else out.darker(112)
    return out


def words(text: str) -> str:
    """Plain ``text`` escaped, its words held together on one line."""
    return html.escape(text).replace(" ", "&nbsp;")
