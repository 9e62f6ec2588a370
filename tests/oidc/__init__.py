"""A real OpenID provider for the single sign-on tests (provider.mjs, oidc-provider on Node), and
a person's way through its pages without a browser."""

import contextlib
import html
import json
import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

HERE = Path(__file__).resolve().parent
CLIENT_ID = "socialgov"
CLIENT_SECRET = "a-test-only-secret"
OTHER_CLIENT_ID = "another-service"
# The provider's people: logins and what it says of each.
PEOPLE = {
    "shona": {"email": "Shona.MacLeod@example.org", "email_verified": True, "name": "Shona"},
    "newcomer": {"email": "new.person@example.org", "email_verified": True, "name": "New Person"},
    "outsider": {"email": "someone@elsewhere.example", "email_verified": True, "name": "Out"},
    "unverified": {"email": "unverified@example.org", "email_verified": False, "name": "Un"},
    "gone": {"email": "gone@example.org", "email_verified": True, "name": "Gone"},
}


@dataclass
class Provider:
    issuer: str
    redirect_uri: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_provider(redirect_uri: str):
    """oidc-provider on a free port of 127.0.0.1, with this service's client and another's
    (both sent back to `redirect_uri`) and PEOPLE; stopped afterwards."""
    node = shutil.which("node")
    installed = (HERE / "node_modules" / "oidc-provider").exists()
    if node is None or not installed:
        message = "the test OpenID provider needs Node and its packages (make test-provider)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    clients = [
        {"client_id": client, "client_secret": CLIENT_SECRET, "redirect_uris": [redirect_uri]}
        for client in (CLIENT_ID, OTHER_CLIENT_ID)
    ]
    process = subprocess.Popen(
        [node, str(HERE / "provider.mjs")],
        env={
            **os.environ,
            "PORT": str(port),
            "CLIENTS": json.dumps(clients),
            "PEOPLE": json.dumps(PEOPLE),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        issuer = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("The test OpenID provider did not start") from None
                time.sleep(0.1)
        yield Provider(issuer=issuer, redirect_uri=redirect_uri)
    finally:
        process.terminate()
        process.wait(timeout=10)


def through_provider(authorize_url: str, login: str, *, stop_at: str) -> str:
    """What a person does on the provider's (development) pages: signs in as `login` and
    agrees to share their details. Returns the address the provider sends them back to."""
    session = requests.Session()
    response = session.get(authorize_url, allow_redirects=False, timeout=10)
    for _ in range(12):
        location = response.headers.get("location")
        if response.is_redirect and location:
            url = urljoin(response.url, location)
            if url.startswith(stop_at):
                return url
            response = session.get(url, allow_redirects=False, timeout=10)
            continue
        action = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        assert action, response.text[:500]
        target = urljoin(response.url, html.unescape(action.group(1)))
        if 'name="login"' in response.text:
            data = {"prompt": "login", "login": login, "password": "any"}
        else:
            data = {"prompt": "consent"}
        response = session.post(target, data=data, allow_redirects=False, timeout=10)
    raise AssertionError("The provider never sent the person back")
