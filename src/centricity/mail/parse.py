"""Read one raw RFC 5322 message into what the service desk needs: pure (standard library).

Parsed with the `email` package's `default` policy, which decodes encoded-word subjects and
names and each part's charset. What real mail gets wrong is handled here rather than
failing the message: an unknown or wrong charset label falls back to UTF-8 and then to
Windows-1250 (the usual mislabelled Central European mail), an HTML-only message is turned
into readable text (`html_text.py`), line breaks inside a subject or a name (a header
injection attempt) become spaces. The quoted history and the signature are cut from the
displayed reply (`quotes.py`); the whole text is kept beside it.

Automatic mail is recognised by its headers (RFC 3834 `Auto-Submitted`, `X-Autoreply`,
`Precedence: bulk|list|junk|auto_reply`, `List-Id`), delivery reports (`multipart/report`,
`MAILER-DAEMON`, a null return path), so it never opens a case or triggers a reply. For a
bounce, the Message-IDs it reports on and whether the failure is permanent (5.x.x) are read
from its `message/delivery-status` and the returned headers.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from centricity.mail.html_text import html_to_text
from centricity.mail.quotes import trim_reply

_PARSER = BytesParser(policy=policy.default)
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,248}>")
_SPACES = re.compile(r"\s+")
_SURROGATE = re.compile("[\udc80-\udcff]")
_STATUS = re.compile(r"^Status:\s*([245])\.\d{1,3}\.\d{1,3}", re.IGNORECASE | re.MULTILINE)
_LIST_PRECEDENCE = {"bulk", "list", "junk"}
MAX_THREAD_IDS = 50
MAX_HTML = 512 * 1024  # characters of an HTML body turned into text (the parser is slow on
# hostile markup: quadratic on Python 3.11.7, CVE-2025-6069); the raw message keeps the rest
PARSE_SECONDS = 10.0  # most one message may take to read; real mail takes milliseconds
MAX_ADDRESS = 254


class MailParseError(ValueError):
    """The bytes are not a message that can be read (kept raw in quarantine)."""


@dataclass(frozen=True)
class Attachment:
    """One attached file as sent: its name, declared type and content."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    """What a message says, decoded: headers, texts, attachments, and whether it was sent
    by a machine (`automatic`: auto-reply, list, bounce; None for a person's mail)."""

    message_id: str | None
    in_reply_to: list[str]
    references: list[str]
    subject: str
    from_address: str | None
    from_name: str
    to_addresses: list[str]
    sent_at: datetime | None
    text: str
    reply_text: str
    attachments: list[Attachment] = field(default_factory=list)
    automatic: str | None = None
    bounced_ids: list[str] = field(default_factory=list)
    bounce_permanent: bool = False

    @property
    def thread_ids(self) -> list[str]:
        """The Message-IDs this message answers, the most direct first (at most
        `MAX_THREAD_IDS`: a thread's last messages are the ones that find its case)."""
        ordered = [*self.in_reply_to[:5], *reversed(self.references)]
        return list(dict.fromkeys(ordered))[:MAX_THREAD_IDS]


class Deadline:
    """A wall-clock limit on reading one message, checked between its parts and while its
    HTML is turned into text: a message built to make parsing slow (thousands of parts,
    megabytes of nested markup) goes to quarantine instead of holding a worker. The
    standard library's own pass over the bytes is linear in their size, which the size
    limit bounds."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self) -> None:
        """Raise `MailParseError` once the time is up."""
        if time.monotonic() > self.ends:
            raise MailParseError(f"parsing took longer than {self.seconds:g} s")


def parse(raw: bytes, *, time_limit: float = PARSE_SECONDS) -> ParsedMail:
    """Read a raw message; raises `MailParseError` when it has no sender or no body
    structure at all, or when reading it takes longer than `time_limit` seconds."""
    deadline = Deadline(time_limit)
    if not raw.strip():
        raise MailParseError("the message is empty")
    try:
        mail = _PARSER.parsebytes(raw)
    except Exception as exc:  # noqa: BLE001 - any parser failure means: keep it raw
        raise MailParseError(f"unreadable message: {type(exc).__name__}") from exc
    if not isinstance(mail, EmailMessage) or not mail.keys():
        raise MailParseError("no headers")
    from_name, from_address = _sender(mail)
    parts = _parts(mail, deadline)
    text = _body_text(mail, parts, deadline)
    automatic, bounced, permanent = _classify(mail, parts, from_address)
    deadline.check()
    return ParsedMail(
        message_id=_first_id(_raw_value(mail, "Message-ID")),
        in_reply_to=_ids(_raw_value(mail, "In-Reply-To")),
        references=_ids(_raw_value(mail, "References")),
        subject=_one_line(_header(mail, "Subject")),
        from_address=from_address,
        from_name=from_name,
        to_addresses=_addresses(mail, "To") + _addresses(mail, "Cc"),
        sent_at=_date(_raw_value(mail, "Date")),
        text=text,
        reply_text=trim_reply(text),
        attachments=_attachments(parts, deadline),
        automatic=automatic,
        bounced_ids=bounced,
        bounce_permanent=permanent,
    )


def _header(mail: Message, name: str) -> str:
    """A header as text, '' when missing or undecodable (a broken header is no crash)."""
    raw = _raw_value(mail, name)
    if _SURROGATE.search(raw):
        return _unescaped(raw)  # 8-bit bytes: the policy would turn them into U+FFFD
    try:
        value = mail.get(name)
    except Exception:  # noqa: BLE001 - malformed header values raise on access
        return ""
    return _unescaped(str(value)) if value is not None else ""


def _raw_value(mail: Message, name: str) -> str:
    """A header's value as received, unfolded, before the policy decodes it ('' when
    missing). Identifiers and flags (Message-ID, References, Precedence …) are read so:
    the header registry's parsing was a third of the time spent on a message (profiled)."""
    wanted = name.lower()
    found = next((v for k, v in mail.raw_items() if k.lower() == wanted), "")
    return _SPACES.sub(" ", found).strip() if isinstance(found, str) else ""


@dataclass(frozen=True)
class _Part:
    part: Message
    kind: str
    disposition: str | None


def _parts(mail: Message, deadline: Deadline) -> list[_Part]:
    """Every part with its content type and disposition, each read once."""
    found = []
    for part in mail.walk():
        deadline.check()
        found.append(_Part(part, part.get_content_type(), part.get_content_disposition()))
    return found


def _unescaped(text: str) -> str:
    """Raw 8-bit bytes in a header (UTF-8 as RFC 6532 allows, or a legacy charset sent
    without encoding) reach us as surrogate escapes; read them as UTF-8, else
    Windows-1250, so no unencodable text reaches the store."""
    if not _SURROGATE.search(text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    for charset in ("utf-8", "windows-1250"):
        try:
            return raw.decode(charset)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")  # pragma: no cover - cp1250 maps nearly all


def _one_line(value: str) -> str:
    """Collapse line breaks and runs of space: a subject or name is one line."""
    return _SPACES.sub(" ", _unescaped(value)).strip()


def _ids(value: str) -> list[str]:
    return _MESSAGE_ID.findall(value)


def _first_id(value: str) -> str | None:
    found = _ids(value)
    return found[0] if found else None


def _sender(mail: Message) -> tuple[str, str | None]:
    raw = _header(mail, "From")
    try:
        header = None if _SURROGATE.search(_raw_value(mail, "From")) else mail["From"]
        addresses: tuple[Address, ...] = getattr(header, "addresses", ())
    except Exception:  # noqa: BLE001 - a malformed From is read by hand below
        addresses = ()
    if addresses:
        first = addresses[0]
        spec = _unescaped(first.addr_spec)
        address = spec if _usable(spec) else None
        return _one_line(first.display_name), address
    pairs = getaddresses([raw])
    if pairs and _usable(pairs[0][1].strip()):
        return _one_line(pairs[0][0]), pairs[0][1].strip()
    return _one_line(raw), None


def _usable(address: str) -> bool:
    """An address we can store and match: ASCII, with an @, not longer than SMTP allows."""
    return "@" in address and address.isascii() and len(address) <= MAX_ADDRESS


def _addresses(mail: Message, name: str) -> list[str]:
    return [a for _, a in getaddresses([_header(mail, name)]) if _usable(a)][:50]


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


def _decoded(part: Message) -> str:
    """A text part's content, surviving a wrong or unknown charset label."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    declared = part.get_content_charset() or "utf-8"
    for charset in (declared, "utf-8", "windows-1250"):
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")


def _body_text(mail: Message, parts: list[_Part], deadline: Deadline | None = None) -> str:
    """The message's text: its plain part, else its HTML part as text ('' for none)."""
    plain: str | None = None
    html: str | None = None
    for entry in parts:
        if deadline is not None:
            deadline.check()
        if entry.part is not mail and entry.kind.startswith("message/"):
            break  # a forwarded or returned message's own body is not this one's text
        if entry.part.is_multipart() or entry.disposition == "attachment":
            continue
        if entry.kind == "text/plain" and plain is None:
            plain = _decoded(entry.part)
        elif entry.kind == "text/html" and html is None:
            html = _decoded(entry.part)
    if plain is not None and plain.strip():
        return _normal_newlines(plain)
    if html is not None:
        check = deadline.check if deadline is not None else None
        return _normal_newlines(html_to_text(html[:MAX_HTML], check=check))
    return _normal_newlines(plain or "")


def _normal_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _attachments(parts: list[_Part], deadline: Deadline) -> list[Attachment]:
    found = []
    for entry in parts:
        deadline.check()
        if entry.part.is_multipart():
            continue
        filename = entry.part.get_filename()
        if entry.disposition != "attachment" and not filename:
            continue
        payload = entry.part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        found.append(
            Attachment(
                filename=_one_line(filename or "attachment")[:200],
                content_type=entry.kind,
                data=payload,
            )
        )
    return found


def _classify(
    mail: Message, parts: list[_Part], sender: str | None
) -> tuple[str | None, list[str], bool]:
    """Whether a machine sent this, and for a bounce which of our messages it reports."""
    # Only the message's own type counts: a customer forwarding a bounce writes to us.
    report = parts[0].kind == "multipart/report"
    local = (sender or "").partition("@")[0].lower()
    return_path = _raw_value(mail, "Return-Path")
    daemon = local == "mailer-daemon" or (local == "postmaster" and return_path == "<>")
    if report or daemon:
        bounced, permanent = _bounce_details(mail, parts)
        return "bounce", bounced, permanent
    auto = _raw_value(mail, "Auto-Submitted").lower()
    precedence = _raw_value(mail, "Precedence").lower()
    flagged = _raw_value(mail, "X-Autoreply") or _raw_value(mail, "X-Autorespond")
    if (auto and not auto.startswith("no")) or flagged or precedence == "auto_reply":
        return "auto-reply", [], False
    if precedence in _LIST_PRECEDENCE or _raw_value(mail, "List-Id"):
        return "list", [], False
    if return_path == "<>":
        return "bounce", [], False
    return None, [], False


def _bounce_details(mail: Message, parts: list[_Part]) -> tuple[list[str], bool]:
    """The Message-IDs a delivery report returns and whether it failed for good."""
    ids: list[str] = []
    permanent = False
    for entry in parts:
        part, kind = entry.part, entry.kind
        if kind == "message/delivery-status":
            status_text = "\n".join(
                str(value) for block in part.get_payload() for value in _values(block)
            )
            permanent = permanent or any(c == "5" for c in _STATUS.findall(status_text))
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            returned = part.get_payload()
            if isinstance(returned, list) and returned and isinstance(returned[0], Message):
                ids += _ids(_raw_value(returned[0], "Message-ID"))
            elif isinstance(returned, str):
                ids += _ids(_raw_value(_PARSER.parsebytes(returned.encode()), "Message-ID"))
    if not ids:  # a plain-text bounce quotes the headers in its body
        ids = _ids("\n".join(re.findall(r"(?im)^Message-ID:.*$", _body_text(mail, parts))))
    return list(dict.fromkeys(ids))[:MAX_THREAD_IDS], permanent


def _values(block: object) -> list[str]:
    if isinstance(block, Message):
        return [f"{k}: {v}" for k, v in block.items()]
    return [str(block)]
