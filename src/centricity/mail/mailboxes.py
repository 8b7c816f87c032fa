"""The mailboxes the service desk reads, from `CENTRICITY_MAIL_MAILBOXES_FILE` (TOML).

One table per mailbox:

    [support]
    imap_url = "imaps://support%40firma.cz:secret@mail.firma.cz:993/INBOX"
    address = "support@firma.cz"
    department = "Support"
    priority = "normal"            # default priority of the cases it opens
    sender_name = "Firma Support"  # the From name of replies (default: the department)
    signature = "Firma s.r.o., +420 123 456 789"
    acknowledge = true             # answer a new case's first message with its number
    notify_solved = true           # tell the customer when their case is solved
    language = "cs"                # of those two when the customer has none we speak

Mail that reaches the webhook is given to the mailbox it was delivered to (`Delivered-To`,
`X-Original-To`), else the one it was sent to (`To`, `Cc`; the posting token's department's
mailbox first), else the first mailbox; without a file, to the department of the token
that posted it. The
password in `imap_url` stays in that file (owner-readable), never in the store or a log.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from centricity.cases.models import Priority
from centricity.config import Settings
from centricity.kit import i18n
from centricity.kit.errors import Invalid

WEBHOOK = "webhook"


@dataclass(frozen=True)
class Mailbox:
    """One mailbox: where it is read, which department its mail goes to, how replies sign."""

    name: str
    department: str | None
    address: str
    imap_url: str = ""
    priority: str = Priority.NORMAL.value
    sender_name: str = ""
    signature: str = ""
    acknowledge: bool = False  # answer a new case's first message with its case number
    notify_solved: bool = False  # tell the customer when their case is solved
    language: str | None = None  # of those notices when the customer has none we speak

    @property
    def imap(self) -> tuple[bool, str, int, str, str, str]:
        """(TLS, host, port, user, password, folder) of `imap_url`."""
        parts = urlsplit(self.imap_url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise Invalid(f"mailbox {self.name}: imap_url must be imap:// or imaps://")
        tls = parts.scheme == "imaps"
        port = parts.port or (993 if tls else 143)
        folder = unquote(parts.path.lstrip("/")) or "INBOX"
        return (
            tls,
            parts.hostname,
            port,
            unquote(parts.username or ""),
            unquote(parts.password or ""),
            folder,
        )


def load(settings: Settings) -> list[Mailbox]:
    """The configured mailboxes in file order ([] without a file); a wrong file is a clear
    error naming the mailbox and the field."""
    path = settings.mail_mailboxes_file
    if path is None:
        return []
    return parse(Path(path).read_text(encoding="utf-8"))


def parse(text: str) -> list[Mailbox]:
    """Mailboxes from the TOML text of a mailboxes file."""
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(f"the mailboxes file is not valid TOML: {exc}") from None
    boxes = []
    known = {p.value for p in Priority}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise Invalid(f"mailbox {name}: expected a table", field=name)
        address = str(table.get("address", "")).strip().lower()
        if "@" not in address:
            raise Invalid(f"mailbox {name}: address must be an e-mail address", field="address")
        priority = str(table.get("priority", Priority.NORMAL.value))
        if priority not in known:
            raise Invalid(
                f"mailbox {name}: priority must be one of {sorted(known)}", field="priority"
            )
        box = Mailbox(
            name=name[:100],
            department=str(table["department"]) if table.get("department") else None,
            address=address,
            imap_url=str(table.get("imap_url", "")),
            priority=priority,
            sender_name=str(table.get("sender_name", "")),
            signature=str(table.get("signature", "")),
            acknowledge=_flag(name, table, "acknowledge"),
            notify_solved=_flag(name, table, "notify_solved"),
            language=_language(name, table),
        )
        if box.imap_url:
            box.imap  # noqa: B018 - validates the address now, not at the first fetch
        boxes.append(box)
    return boxes


def _flag(name: str, table: dict[str, object], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise Invalid(f"mailbox {name}: {key} must be true or false", field=key)
    return value


def _language(name: str, table: dict[str, object]) -> str | None:
    value = table.get("language")
    if value is None:
        return None
    code = i18n.supported(str(value))
    if code is None:
        raise Invalid(f"mailbox {name}: language must be one of {i18n.LANGUAGES}", field="language")
    return code


def for_recipients(
    boxes: list[Mailbox], delivered_to: list[str], recipients: list[str], department: str | None
) -> Mailbox | None:
    """The mailbox a message was delivered to (`Delivered-To`, `X-Original-To`: what the
    mail server says), else the one it was sent to (`To`, `Cc`) — of those, the one of the
    posting token's `department` first, so a mail to support copied to sales reaches
    support when support's relay posts it — else the first mailbox."""
    for wanted in (delivered_to, recipients):
        addresses = {r.lower() for r in wanted}
        matching = [box for box in boxes if box.address in addresses]
        own = [box for box in matching if department is not None and box.department == department]
        if own or matching:
            return (own or matching)[0]
    return boxes[0] if boxes else None


def by_name(boxes: list[Mailbox], name: str) -> Mailbox | None:
    """The mailbox with this name (None when it is not configured any more)."""
    return next((box for box in boxes if box.name == name), None)
