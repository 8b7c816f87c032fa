"""HTML mail as readable text: pure (the standard library's `html.parser`).

Mail clients that send HTML only (Outlook, many web forms) still mean text: paragraphs,
line breaks, list items, links. Block elements end lines, `<br>` breaks one, list items get
a dash, a link keeps its address when it differs from its text, and scripts, styles and
the document head are dropped. Entities are decoded by the parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

_BLOCKS = {
    "p", "div", "table", "tr", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "section", "article", "header", "footer", "hr",
}  # fmt: skip
_SKIPPED = {"script", "style", "head", "title"}
_BLANK_LINES = re.compile(r"\n{3,}")
CHUNK = 64 * 1024  # markup fed between two looks at the clock
_LINE_SPACE = re.compile(r"[ \t\u00a0]+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.link: str | None = None
        self.link_text: list[str] = []
        self.quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self._newline()
        elif tag == "li":
            self._newline()
            self.parts.append("- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "a":
            self.link = dict(attrs).get("href")
            self.link_text = []
        elif tag in _BLOCKS:
            self._newline()
        if tag == "blockquote":
            self.quote_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "a":
            shown = "".join(self.link_text).strip()
            if self.link and self.link.startswith(("http://", "https://")) and self.link != shown:
                self.parts.append(f" ({self.link})")
            self.link = None
        elif tag in _BLOCKS:
            self._newline()
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        text = _LINE_SPACE.sub(" ", data.replace("\r", " ").replace("\n", " "))
        if self.link is not None:
            self.link_text.append(text)
        if self.quote_depth and (not self.parts or self.parts[-1].endswith("\n")):
            text = "> " * self.quote_depth + text.lstrip()
        self.parts.append(text)

    def _newline(self) -> None:
        self.parts.append("\n")


def html_to_text(html: str, *, check: Callable[[], None] | None = None) -> str:
    """The readable text of an HTML body: paragraphs and breaks kept, markup dropped.
    `check` is called between chunks of the markup (a time limit raises from it)."""
    collector = _TextCollector()
    for start in range(0, len(html), CHUNK):
        if check is not None:
            check()
        collector.feed(html[start : start + CHUNK])
    collector.close()
    lines = [line.strip() for line in "".join(collector.parts).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
