"""Subjects of threaded mail: reply and forward prefixes in many languages, the case tag.

Clients prefix a reply's subject in their user's language: Re, Odp (Czech, Polish), Sv and
VS (Swedish, Danish, Norwegian; VS is also Finnish for a reply), AW and WG (German), Fwd,
Fw, PD (Polish forward), TR (French forward), Ats and Pers (Lithuanian), Ответ, Отв, Пересл,
Fwd in Cyrillic clients; sometimes counted ("Re[2]:", "Re(3):") and stacked. They are cut
from the subject of a new case. Our replies carry the case tag `[#123]` at the end.
"""

from __future__ import annotations

import re

_PREFIX = re.compile(
    r"^\s*(?:re|odp|odg|sv|vs|aw|wg|fwd|fw|pd|tr|rv|ats|pers|"
    r"ответ|отв|пересл)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*",
    re.IGNORECASE,
)
_CASE_TAG = re.compile(r"\[#(\d{1,12})\]")


def strip_prefixes(subject: str) -> str:
    """The subject without any reply or forward prefixes (stacked ones too)."""
    previous = None
    while previous != subject:
        previous = subject
        subject = _PREFIX.sub("", subject, count=1)
    return subject.strip()


def case_number(subject: str) -> int | None:
    """The case number a subject is tagged with (`[#123]`), the last tag when several."""
    found = _CASE_TAG.findall(subject)
    return int(found[-1]) if found else None


def without_tag(subject: str) -> str:
    """The subject without case tags (a new case must not carry another case's tag)."""
    return _CASE_TAG.sub("", subject).strip()


def tagged(subject: str, case_id: int) -> str:
    """Our subject for a reply on a case: "Re: <subject> [#ID]", once."""
    base = without_tag(strip_prefixes(subject)) or "-"
    return f"Re: {base} [#{case_id}]"
