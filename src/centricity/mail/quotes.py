"""The new part of a reply: quoted history and signature cut off; pure.

Agents read what the customer wrote this time, not the whole thread again. A reply's text
ends where the quoted history starts: the attribution line mail clients write in the
sender's language ("On … wrote:", "Dne … napsal(a):", "Den … skrev:", "W dniu …
napisał(a):", "… написал(а):", "… пишет:", "Am … schrieb", "… rašė:"), Outlook's
"-----Original Message-----" and its localised forms, an Outlook header block ("From: name
<address>" and two more header lines), an underscore rule, or a run of `>` lines at the
end. A signature after the standard "-- " delimiter is cut as well. Only short lines are
tried (an attribution is one line) and only the first 200,000 characters, so a hostile
message costs linear time. When cutting would leave nothing (a top-quoted forward with no
text of its own), the whole text stays. The original is always stored beside it.
"""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(
    r"^(?:"
    r"on\b.{0,200}\bwrote:"
    r"|dne\b.{0,200}\bnapsal(?:\(a\)|a)?:"
    r"|den\b.{0,200}\bskrev\b.{0,40}:"
    r"|w dniu\b.{0,200}\bnapisa(?:ł|l)(?:\(a\)|a)?:"
    r"|.{0,200}\bнаписал(?:\(а\)|а)?:"
    r"|.{0,200}\bпишет:"
    r"|am\b.{0,200}\bschrieb\b.{0,40}:"
    r"|.{0,200}\bra[sš][eė]:"
    r"|le\b.{0,200}\ba [ée]crit\s?:"
    r")\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^(?:-{2,}\s*(?:original message|původní zpráva|ursprungligt meddelande|"
    r"oryginalna wiadomość|wiadomość oryginalna|исходное сообщение|пересылаемое сообщение|"
    r"forwarded message|přeposlaná zpráva|vidarebefordrat meddelande|originali žinutė|"
    r"persiųstas laiškas|ursprüngliche nachricht)\s*-{2,}|_{20,})\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\*?(?:from|od|från|od kogo|от|nuo|von)\s*:\*?\s+\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\*?(?:sent|date|odesláno|datum|skickat|wysłano|отправлено|дата|išsiųsta|gesendet|"
    r"to|komu|till|do|кому|kam|an|subject|předmět|ämne|temat|тема|tema|betreff)\s*:",
    re.IGNORECASE,
)
_SIGNATURE = "-- "  # RFC 3676: dash, dash, space, alone on its line
LONGEST_LINE = 300  # an attribution or header line is short; longer lines are text
LONGEST_TEXT = 200_000  # characters searched for the history; beyond, the text is kept


def trim_reply(text: str) -> str:
    """The text without its quoted history and signature (the whole text when that would
    leave nothing)."""
    lines = text[:LONGEST_TEXT].split("\n")
    end = len(lines)
    for index, line in enumerate(lines):
        if line.rstrip("\r") == _SIGNATURE or _starts_history(lines, index):
            end = index
            break
    kept = lines[:end]
    while kept and (kept[-1].startswith(">") or not kept[-1].strip()):
        kept.pop()
    trimmed = "\n".join(kept).strip()
    return trimmed or text.strip()


def _starts_history(lines: list[str], index: int) -> bool:
    """Whether the quoted history starts at this line."""
    line = lines[index].strip()
    if not line or len(line) > LONGEST_LINE:
        return False
    if _ATTRIBUTION.match(line) or _SEPARATOR.match(line):
        return True
    # Clients wrap a long attribution ("On …, Name <address>\nwrote:") over two lines.
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    if following and len(following) <= LONGEST_LINE and _ATTRIBUTION.match(f"{line} {following}"):
        return True
    return _outlook_block(lines, index)


def _outlook_block(lines: list[str], index: int) -> bool:
    """A "From: name <address>" line followed by at least two more header lines ("Sent:",
    "To:", "Subject:" …) within the next four: a customer's own "Od: Jan" line is text."""
    line = lines[index].strip()
    if not _HEADER_FROM.match(line) or not ("@" in line or "<" in line or "[" in line):
        return False
    following = [entry.strip() for entry in lines[index + 1 : index + 5]]
    return sum(1 for entry in following if _HEADER_NEXT.match(entry)) >= 2
