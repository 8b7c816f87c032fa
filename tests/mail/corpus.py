"""Real-world-shaped raw messages for the mail tests: the way Outlook, Gmail, Apple Mail and
Thunderbird write them, in Czech, Polish, Swedish and Russian charsets, plus the machine
mail (auto-replies, lists, delivery reports) a help desk must not answer."""

from __future__ import annotations

import base64
import quopri


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")


def plain(
    *,
    sender: str = "Eva Malá <eva@example.cz>",
    to: str = "podpora@firma.cz",
    subject: str = "Objednávka nedorazila",
    body: str = "Dobrý den,\nobjednávka 1234 stále nedorazila.\nEva",
    message_id: str = "<eva-1@example.cz>",
    extra: str = "",
) -> bytes:
    """A UTF-8 plain-text message (quoted-printable), as most clients send one."""
    encoded = quopri.encodestring(body.encode("utf-8")).decode("ascii")
    subject_word = "=?utf-8?b?" + base64.b64encode(subject.encode()).decode() + "?="
    name, _, address = sender.partition(" <")
    sender_header = (
        f"=?utf-8?q?{quopri.encodestring(name.encode(), header=True).decode()}?= <{address}"
        if address
        else sender
    )
    return _crlf(
        f"From: {sender_header}\nTo: {to}\nSubject: {subject_word}\n"
        f"Message-ID: {message_id}\nDate: Mon, 02 Mar 2026 09:15:00 +0100\n{extra}"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        f"Content-Transfer-Encoding: quoted-printable\n\n{encoded}\n"
    )


def outlook_html_cp1250() -> bytes:
    """Outlook: HTML only, windows-1250, its "From: … Sent: …" block above the history."""
    html = (
        "<html><head><style>p{margin:0}</style></head><body>"
        "<p>Dobrý den,</p><p>reklamace č. 88 – zboží přišlo <b>poškozené</b>.</p>"
        "<ul><li>krabice</li><li>sklo</li></ul>"
        '<p>Foto: <a href="https://example.cz/foto">odkaz</a></p>'
        "<div><b>From:</b> Podpora &lt;podpora@firma.cz&gt;<br><b>Sent:</b> Monday"
        "<br><b>To:</b> Petr<br><b>Subject:</b> Reklamace</div><p>Stará zpráva</p>"
        "</body></html>"
    )
    encoded = quopri.encodestring(html.encode("windows-1250")).decode("ascii")
    return _crlf(
        "From: =?windows-1250?q?Petr_Dvo=F8=E1k?= <Petr.Dvorak@Example.CZ>\n"
        "To: podpora@firma.cz\nSubject: =?windows-1250?q?Reklamace_zbo=9E=ED?=\n"
        "Message-ID: <outlook-1@example.cz>\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=windows-1250\n"
        f"Content-Transfer-Encoding: quoted-printable\n\n{encoded}\n"
    )


def gmail_reply(in_reply_to: str, references: str, sender: str = "eva@example.cz") -> bytes:
    """Gmail: multipart/alternative, the attribution wrapped over two lines, `>` quoting."""
    text = (
        "Děkuji, ale pořád nic.\n\nOn Mon, 2 Mar 2026 at 10:00, Firma Podpora <\n"
        "podpora@firma.cz> wrote:\n> Dobrý den, řešíme to.\n>\n> Podpora\n"
    )
    html = "<div>Děkuji, ale pořád nic.</div><blockquote>Dobrý den, řešíme to.</blockquote>"
    return _crlf(
        f"From: Eva Mala <{sender}>\nTo: podpora@firma.cz\n"
        "Subject: Re: Objednavka nedorazila\n"
        + f"Message-ID: <gmail-{abs(hash(in_reply_to))}@mail.gmail.com>\n"
        f"In-Reply-To: {in_reply_to}\nReferences: {references}\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="b1"\n\n--b1\n'
        "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n"
        f"{base64.encodebytes(text.encode()).decode()}\n--b1\n"
        "Content-Type: text/html; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n"
        f"{base64.encodebytes(html.encode()).decode()}\n--b1--\n"
    )


def apple_mail_signature() -> bytes:
    """Apple Mail: plain text with a "-- " signature."""
    return plain(
        sender="Anna Svensson <anna@example.se>",
        subject="Fråga om leverans",
        body="Hej!\nNär kommer min beställning?\n\n-- \nAnna Svensson\n070-123 45 67",
        message_id="<apple-1@example.se>",
    )


def thunderbird_koi8r() -> bytes:
    """Thunderbird in Russian: KOI8-R body and encoded-word subject with "Ответ:"."""
    body = "Здравствуйте!\nКогда придёт заказ?\n\n12.03.2026 10:00, Поддержка пишет:\n> старое"
    subject = "=?koi8-r?b?" + base64.b64encode("Ответ: Заказ".encode("koi8-r")).decode() + "?="
    return _crlf(
        "From: =?koi8-r?b?" + base64.b64encode("Иван".encode("koi8-r")).decode() + "?= "
        "<ivan@example.ru>\nTo: podpora@firma.cz\n"
        f"Subject: {subject}\nMessage-ID: <tb-1@example.ru>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=KOI8-R\nContent-Transfer-Encoding: base64\n\n"
        f"{base64.encodebytes(body.encode('koi8-r')).decode()}\n"
    )


def polish_iso_8859_2() -> bytes:
    """A Polish client: ISO-8859-2 body, "W dniu … napisał(a):" above the history."""
    body = (
        "Dzień dobry,\nproszę o zwrot pieniędzy.\n\n"
        "W dniu 2.03.2026 o 10:00, Podpora napisał(a):\n> Stara wiadomość"
    )
    return _crlf(
        "From: Zofia <zofia@example.pl>\nTo: podpora@firma.cz\nSubject: Odp: Zwrot\n"
        "Message-ID: <pl-1@example.pl>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=iso-8859-2\nContent-Transfer-Encoding: base64\n\n"
        f"{base64.encodebytes(body.encode('iso-8859-2')).decode()}\n"
    )


def broken_charset() -> bytes:
    """A charset label no codec knows, on a body that is really Windows-1250."""
    body = "Dobrý den, zboží nepřišlo.".encode("windows-1250")
    return (
        _crlf(
            "From: jan@example.cz\nTo: podpora@firma.cz\nSubject: Test\n"
            "Message-ID: <broken-1@example.cz>\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=x-no-such-charset\n"
            "Content-Transfer-Encoding: 8bit\n\n"
        )
        + body
        + b"\r\n"
    )


def forwarded() -> bytes:
    """A message forwarded as an attachment: the text is the forwarder's own."""
    inner = plain(sender="Shop <shop@example.com>", subject="Your order", body="Shipped.")
    return (
        _crlf(
            "From: Jan <jan@example.cz>\nTo: podpora@firma.cz\nSubject: Fwd: Your order\n"
            "Message-ID: <fwd-1@example.cz>\nMIME-Version: 1.0\n"
            'Content-Type: multipart/mixed; boundary="f1"\n\n--f1\n'
            "Content-Type: text/plain; charset=us-ascii\n\nSee the forwarded mail below.\n--f1\n"
            "Content-Type: message/rfc822\n\n"
        )
        + inner
        + _crlf("\n--f1--\n")
    )


def calendar_invite() -> bytes:
    """An invitation: a text part and a text/calendar part named invite.ics."""
    return _crlf(
        "From: Jan <jan@example.cz>\nTo: podpora@firma.cz\nSubject: Meeting\n"
        "Message-ID: <ics-1@example.cz>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="c1"\n\n--c1\n'
        "Content-Type: text/plain; charset=us-ascii\n\nMeeting on Monday.\n--c1\n"
        'Content-Type: text/calendar; method=REQUEST; name="invite.ics"\n\n'
        "BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n--c1--\n"
    )


def empty_body() -> bytes:
    """Headers and nothing else."""
    return _crlf(
        "From: jan@example.cz\nTo: podpora@firma.cz\nSubject: (empty)\n"
        "Message-ID: <empty-1@example.cz>\n\n"
    )


def with_attachment(name: str, content_type: str, size: int, message_id: str) -> bytes:
    """A message with one attachment of `size` bytes."""
    data = base64.encodebytes(b"\x00" * size).decode()
    return _crlf(
        "From: jan@example.cz\nTo: podpora@firma.cz\nSubject: Files\n"
        f"Message-ID: {message_id}\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="a1"\n\n--a1\n'
        "Content-Type: text/plain; charset=us-ascii\n\nSee attached.\n--a1\n"
        f'Content-Type: {content_type}; name="{name}"\n'
        f'Content-Disposition: attachment; filename="{name}"\n'
        f"Content-Transfer-Encoding: base64\n\n{data}--a1--\n"
    )


def auto_reply(header: str) -> bytes:
    """An out-of-office or list message marked by `header`."""
    return plain(
        sender="Eva <eva@example.cz>",
        subject="Automatic reply: Re: Objednávka",
        body="I am out of office until Monday.",
        message_id=f"<auto-{abs(hash(header))}@example.cz>",
        extra=f"{header}\n",
    )


def bounce(of_message_id: str, status: str = "5.1.1") -> bytes:
    """A delivery status notification about one of our messages (RFC 3464)."""
    return _crlf(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.cz>\nTo: podpora@firma.cz\n"
        "Subject: Undelivered Mail Returned to Sender\nMessage-ID: <dsn-1@mx.example.cz>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r1"\n\n'
        "--r1\nContent-Type: text/plain; charset=us-ascii\n\n"
        "The mail system could not deliver your message to eva@example.cz.\n--r1\n"
        "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.cz\n\n"
        f"Final-Recipient: rfc822; eva@example.cz\nAction: failed\nStatus: {status}\n--r1\n"
        "Content-Type: text/rfc822-headers\n\n"
        f"From: podpora@firma.cz\nTo: eva@example.cz\nMessage-ID: {of_message_id}\n"
        "Subject: Re: Objednávka [#1]\n--r1--\n".encode("ascii", "replace").decode()
    )


def forwarded_bounce() -> bytes:
    """A customer forwarding a delivery report they got: their own words, not a bounce."""
    return (
        _crlf(
            "From: Jan <jan@example.cz>\nTo: podpora@firma.cz\nSubject: Fwd: Undelivered\n"
            "Message-ID: <fwd-bounce@example.cz>\nMIME-Version: 1.0\n"
            'Content-Type: multipart/mixed; boundary="m1"\n\n--m1\n'
            "Content-Type: text/plain; charset=us-ascii\n\nMy order mail bounced, why?\n--m1\n"
            "Content-Type: message/rfc822\n\n"
        )
        + bounce("<elsewhere@shop.example>")
        + _crlf("\n--m1--\n")
    )
