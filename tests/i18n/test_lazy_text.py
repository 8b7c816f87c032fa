"""Lazy texts: translated when shown, filled in safely, equal only when they read alike."""

from __future__ import annotations

import pytest

from centricity.kit.i18n import ViewerLocale, lazy, lazy_plural, translations, use_locale
from centricity.web.templating import templates


def test_it_translates_when_shown_not_when_made() -> None:
    text = lazy("Customers")
    with use_locale(ViewerLocale("pl")):
        assert str(text) == translations("pl").gettext("Customers") != "Customers"
    assert str(text) == "Customers"


def test_it_fills_in_numbers_and_nested_lazy_texts() -> None:
    inner = lazy("Customers")
    outer = lazy("%(n)d of %(what)s", n=3, what=inner)
    with use_locale(ViewerLocale("cs")):
        assert str(outer) == f"3 of {translations('cs').gettext('Customers')}"


def test_a_value_with_a_percent_sign_is_filled_in_as_written() -> None:
    assert str(lazy("line %(line)s: %(reason)s", line=2, reason="100% off")) == "line 2: 100% off"


def test_equal_lazy_texts_hash_alike() -> None:
    assert lazy("Customers") == lazy("Customers")
    assert hash(lazy("Customers")) == hash(lazy("Customers"))
    assert lazy_plural("%(n)s pair", "%(n)s pairs", 1) != lazy_plural(
        "%(n)s pair", "%(n)s pairs", 2
    )


def test_tojson_writes_lazy_texts_and_refuses_other_objects() -> None:
    page = templates.env.from_string("{{ data|tojson }}")
    with use_locale(ViewerLocale("sv")):
        assert translations("sv").gettext("Customers") in page.render(data={"t": lazy("Customers")})
    with pytest.raises(TypeError):
        page.render(data={"t": object()})
