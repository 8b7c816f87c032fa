"""The notices the mail channel gives staff, registered wherever the app or a worker runs
(the notification settings list every kind, so the web app must know them too)."""

from __future__ import annotations

from centricity.kit.i18n import noop, pnoop, register_labels
from centricity.notifications import service as notifications
from centricity.notifications.service import NoticeKind

register_labels(
    "notice kind",
    {"mail.failing": pnoop("notice kind", "A mailbox cannot be read")},
)
FAILING = notifications.register_kind(
    NoticeKind(
        kind="mail.failing",
        title=noop("Mailbox %(mailbox)s cannot be read"),
        body=noop(
            "Reading mailbox %(mailbox)s failed %(failures)s times in a row (%(error)s). "
            "Its mail waits on the server until it can be read again."
        ),
    )
)
