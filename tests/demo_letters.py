"""Letters only a language's own texts carry: the demo tests check each language's texts
are written in it, not in English with a language code."""

from __future__ import annotations

NATIVE = {
    "cs": set("áčďéěíňóřšťúůýž"),
    "sv": set("åäö"),
    "lt": set("ąčęėįšųūž"),
    "pl": set("ąćęłńóśźż"),
    "ru": {chr(c) for c in range(0x430, 0x450)},
}
