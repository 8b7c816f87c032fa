"""Forwarded addresses: believed only from the proxies listed, so the throttle cannot be dodged.

These run a real Uvicorn built as `centricity serve` builds it, because the header is read
by the server, not the app: Uvicorn's own default believes it from 127.0.0.1.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from centricity.accounts.models import Role
from centricity.config import Settings
from centricity.site.server import make_server
from fixtures_web import make_user
from live_server import served_store

SECRET = "forwarded-test-secret-key-0123456789abcdef"


def _bob(session: Session, _settings: Settings) -> None:
    make_user(session, "bob@test.example", Role.AGENT, "Department A")


def _served(data_dir: Path, forwarded_allow_ips: str) -> AbstractContextManager[str]:
    return served_store(data_dir, SECRET, _bob, forwarded_allow_ips=forwarded_allow_ips)


def _try(base: str, email: str, forwarded_for: str) -> int:
    """One failed sign-in through the real server, claiming to come from `forwarded_for`."""
    token = httpx.get(f"{base}/login").cookies["centricity_login_csrf"]
    headers = {"Cookie": f"centricity_login_csrf={token}", "X-Forwarded-For": forwarded_for}
    data = {"email": email, "password": "not-the-password", "csrf_token": token}
    return httpx.post(f"{base}/login", data=data, headers=headers).status_code


def test_it_throttles_within_six_tries_whatever_x_forwarded_for_says(tmp_path: Path) -> None:
    with _served(tmp_path, forwarded_allow_ips="") as base:
        rotating = [_try(base, f"guess-{i}@test.example", f"203.0.113.{i}") for i in range(6)]
    assert rotating == [400] * 5 + [429], "each try named another client and another account"


def test_it_believes_a_listed_proxy_and_still_throttles_each_client_and_account(
    tmp_path: Path,
) -> None:
    with _served(tmp_path, forwarded_allow_ips="127.0.0.1") as base:
        clients = [_try(base, f"guess-{i}@test.example", f"203.0.113.{i}") for i in range(6)]
        one_client = [_try(base, f"other-{i}@test.example", "198.51.100.9") for i in range(6)]
        one_account = [_try(base, "BOB@test.example", f"192.0.2.{i}") for i in range(6)]
    assert clients == [400] * 6, "clients behind the proxy are told apart"
    assert one_client == [400] * 5 + [429]
    assert one_account == [400] * 5 + [429]


def test_it_trusts_no_proxy_unless_told(tmp_path: Path) -> None:
    default = Settings(environment="test", data_dir=tmp_path, secret_key=SECRET)
    assert default.forwarded_allow_ips == ""
    config = make_server(default, host="127.0.0.1", port=1).config
    assert config.proxy_headers is False
    proxied = default.model_copy(update={"forwarded_allow_ips": "10.0.0.2"})
    config = make_server(proxied, host="127.0.0.1", port=1).config
    assert config.proxy_headers is True and config.forwarded_allow_ips == "10.0.0.2"


@pytest.mark.parametrize("value", ["proxy.example", "10.0.0.1/8", "*,10.0.0.1", "10.0.0.300"])
def test_it_refuses_a_forwarded_allow_list_it_cannot_read(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValidationError, match="CENTRICITY_FORWARDED_ALLOW_IPS"):
        Settings(data_dir=tmp_path, forwarded_allow_ips=value)


def test_it_reads_addresses_and_networks(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, forwarded_allow_ips=" 127.0.0.1, 10.0.0.0/8 ,::1 ")
    assert settings.forwarded_allow_ips == "127.0.0.1,10.0.0.0/8,::1"
    assert Settings(data_dir=tmp_path, forwarded_allow_ips="*").forwarded_allow_ips == "*"
