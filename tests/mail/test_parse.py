"""Reading real-world-shaped mail: charsets, HTML, quoting, signatures, machine mail."""

from __future__ import annotations

import corpus
import pytest

from centricity.mail import subjects
from centricity.mail.parse import MailParseError, parse


def test_outlook_html_in_windows_1250_reads_as_text_without_the_history() -> None:
    mail = parse(corpus.outlook_html_cp1250())
    assert mail.from_name == "Petr Dvořák"
    assert mail.from_address == "Petr.Dvorak@Example.CZ"
    assert mail.subject == "Reklamace zboží"
    assert "<p>" not in mail.text and "<b>" not in mail.text and "poškozené" in mail.text
    assert "- krabice" in mail.text and "(https://example.cz/foto)" in mail.text
    assert "Stará zpráva" in mail.text  # the original is kept whole
    assert "Stará zpráva" not in mail.reply_text and "Sent:" not in mail.reply_text
    assert mail.reply_text.startswith("Dobrý den,") and "sklo" in mail.reply_text
    assert mail.automatic is None


def test_gmail_quoting_with_a_wrapped_attribution_is_cut() -> None:
    mail = parse(corpus.gmail_reply("<ours-1@firma.cz>", "<eva-1@example.cz> <ours-1@firma.cz>"))
    assert mail.reply_text == "Děkuji, ale pořád nic."
    assert mail.in_reply_to == ["<ours-1@firma.cz>"]
    assert mail.thread_ids == ["<ours-1@firma.cz>", "<eva-1@example.cz>"]


def test_a_signature_after_the_delimiter_is_cut_and_swedish_survives() -> None:
    mail = parse(corpus.apple_mail_signature())
    assert mail.subject == "Fråga om leverans"
    assert mail.reply_text == "Hej!\nNär kommer min beställning?"
    assert "070-123 45 67" in mail.text


def test_koi8_r_body_and_subject_with_a_russian_reply_prefix() -> None:
    mail = parse(corpus.thunderbird_koi8r())
    assert mail.from_name == "Иван"
    assert mail.subject == "Ответ: Заказ"
    assert subjects.strip_prefixes(mail.subject) == "Заказ"
    assert mail.reply_text == "Здравствуйте!\nКогда придёт заказ?"


def test_iso_8859_2_polish_with_its_attribution() -> None:
    mail = parse(corpus.polish_iso_8859_2())
    assert mail.reply_text == "Dzień dobry,\nproszę o zwrot pieniędzy."


def test_an_unknown_charset_label_falls_back_instead_of_failing() -> None:
    mail = parse(corpus.broken_charset())
    assert mail.text == "Dobrý den, zboží nepřišlo."


def test_a_forwarded_message_keeps_the_forwarders_text() -> None:
    mail = parse(corpus.forwarded())
    assert mail.text == "See the forwarded mail below."


def test_a_calendar_invite_keeps_its_text_and_the_ics_as_an_attachment() -> None:
    mail = parse(corpus.calendar_invite())
    assert mail.text == "Meeting on Monday."
    assert [(a.filename, a.content_type) for a in mail.attachments] == [
        ("invite.ics", "text/calendar")
    ]


def test_an_empty_body_is_an_empty_text_and_empty_bytes_are_unreadable() -> None:
    assert parse(corpus.empty_body()).text == ""
    with pytest.raises(MailParseError):
        parse(b"")
    with pytest.raises(MailParseError):
        parse(b"\r\n\r\n")


def test_line_breaks_smuggled_into_a_subject_or_name_become_spaces() -> None:
    raw = corpus.plain(subject="Hi\r\nBcc: victim@example.com", sender="Eve\r\nX: y <e@x.cz>")
    mail = parse(raw)
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert mail.subject == "Hi Bcc: victim@example.com"
    assert "\n" not in mail.from_name


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Auto-Submitted: auto-replied", "auto-reply"),
        ("Auto-Submitted: auto-generated", "auto-reply"),
        ("X-Autoreply: yes", "auto-reply"),
        ("Precedence: auto_reply", "auto-reply"),
        ("Precedence: bulk", "list"),
        ("List-Id: <news.example.cz>", "list"),
        ("Return-Path: <>", "bounce"),
    ],
)
def test_machine_mail_is_recognised(header: str, kind: str) -> None:
    assert parse(corpus.auto_reply(header)).automatic == kind


def test_auto_submitted_no_is_a_person_writing() -> None:
    assert parse(corpus.auto_reply("Auto-Submitted: no")).automatic is None


def test_a_delivery_report_names_our_message_and_whether_it_failed_for_good() -> None:
    mail = parse(corpus.bounce("<ours-7@firma.cz>"))
    assert mail.automatic == "bounce"
    assert mail.bounced_ids == ["<ours-7@firma.cz>"]
    assert mail.bounce_permanent is True
    assert parse(corpus.bounce("<ours-8@firma.cz>", status="4.2.2")).bounce_permanent is False


def test_reply_and_forward_prefixes_in_many_languages_and_the_case_tag() -> None:
    stacked = "Re: Odp: SV: VS: AW: WG: Fwd: PD: Ответ: Пересл: RE[2]: Tr: Doprava"
    assert subjects.strip_prefixes(stacked) == "Doprava"
    assert subjects.strip_prefixes("Reklamace") == "Reklamace"  # a word, not a prefix
    assert subjects.case_number("Re: Doprava [#12] [#345]") == 345
    assert subjects.case_number("Doprava #12") is None
    assert subjects.tagged("Re: Doprava [#12]", 12) == "Re: Doprava [#12]"


def test_raw_8_bit_headers_are_read_as_utf_8_or_windows_1250() -> None:
    utf8 = "From: Eva Malá <eva@example.cz>\r\nSubject: Objednávka\r\n\r\nText\r\n".encode()
    mail = parse(utf8)
    assert (mail.from_name, mail.subject) == ("Eva Malá", "Objednávka")
    legacy = "From: Dvořák <petr@example.cz>\r\nSubject: Zboží\r\n\r\nText\r\n".encode("cp1250")
    old = parse(legacy)
    assert (old.from_name, old.from_address, old.subject) == ("Dvořák", "petr@example.cz", "Zboží")
    for text in (mail.from_name, mail.subject):
        text.encode("utf-8")  # no surrogate escapes left to fail in the store


def test_a_customer_s_own_od_do_lines_and_a_bare_double_dash_are_text() -> None:
    body = "Hi\nOd: Jan\nDo: pondělí prosím\n--\nJan"
    assert parse(corpus.plain(body=body)).reply_text == body


def test_a_person_writing_from_postmaster_is_not_a_bounce() -> None:
    mail = parse(corpus.plain(sender="Admin <postmaster@example.cz>"))
    assert mail.automatic is None
    assert parse(corpus.forwarded_bounce()).automatic is None


def test_a_huge_references_header_keeps_the_latest_fifty_ids() -> None:
    references = " ".join(f"<r{n}@example.cz>" for n in range(5000))
    mail = parse(corpus.plain(extra=f"References: {references}\nIn-Reply-To: <r4999@example.cz>\n"))
    assert mail.thread_ids[:2] == ["<r4999@example.cz>", "<r4998@example.cz>"]
    assert len(mail.thread_ids) == 50


def test_a_message_that_takes_too_long_to_read_is_refused_with_the_reason() -> None:
    parts = "".join(f"--b\r\nContent-Type: text/plain\r\n\r\npart {n}\r\n" for n in range(3000))
    raw = (
        "From: eva@example.cz\r\nSubject: many parts\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + parts + "--b--\r\n"
    ).encode()
    assert parse(raw).text.startswith("part 0")  # within the default limit
    with pytest.raises(MailParseError, match="parsing took longer than 0.001 s"):
        parse(raw, time_limit=0.001)
