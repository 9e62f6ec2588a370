"""The load test `make load` runs (loadtest/run): people of each role signed in through the real
sign-in form, browsing what their role uses, beside members of the public on the register and
its API.

Signed-in users click through: the ids of proposals, accounts and reviews they open are the
ones their list pages showed them. Each request says it came through the TLS proxy production
settings expect (X-Forwarded-Proto, and the visitor's address in X-Forwarded-For), so the server
runs exactly as deployed: HTTPS-only cookies and redirects stay on.

The people and their password come from loadtest/personas.py (LOAD_PERSONAS names the file).
"""

import json
import math
import os
import random
import re
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlsplit

from locust import FastHttpUser, between, task

PERSONAS = json.loads(
    Path(os.environ.get("LOAD_PERSONAS", "var/loadtest/personas.json")).read_text()
)
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LINKS = {
    kind: re.compile(rf'href="/{kind}/(\d+)/"')
    for kind in ("proposals", "accounts", "reviews", "recertifications")
}
API_PAGE_SIZE = 50  # REST_FRAMEWORK["PAGE_SIZE"]
# What people type into the register's search and paste into "is this account official?".
SEARCHES = ["parliament", "scot", "committee", "education", "petitions", "visit", "news", "mp"]
NOT_OFFICIAL = [
    "@ScottishParliament_Official",
    "https://www.facebook.com/holyrood.fans",
    "https://x.com/notthescotparl",
    "@msp_news_feed",
]


class Visitor(FastHttpUser):
    """Somebody behind the TLS proxy, thinking a few seconds between pages. With 50 of them the
    rate is about 20 requests a second whatever the server can do; LOAD_THINK="0.1 0.5"
    (seconds, least and most) makes them impatient, to find the server's capacity."""

    abstract = True
    wait_time = between(*map(float, os.environ.get("LOAD_THINK", "1 4").split()))

    def on_start(self):
        # Each visitor its own address, as the proxy reports it (limits count by address).
        self.address = (
            f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        )
        origin = urlsplit(self.host)
        # As a browser would send on a form post over HTTPS (Django checks it against the host).
        self.origin = f"https://{origin.netloc}"
        # The plain-HTTP hop to 127.0.0.1 stands for the TLS proxy's: send the Secure cookies
        # (session, CSRF) over it, as a browser does over HTTPS.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "http")))

    @property
    def headers(self) -> dict:
        return {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.address}

    def get(self, path: str, name: str | None = None, **kwargs):
        return self.client.get(path, name=name or path, headers=self.headers, **kwargs)


class SignedIn(Visitor):
    """A person of one role: signs in through the form, opens their pages, now and then signs
    out and in again (a new working day)."""

    abstract = True
    role = ""

    def on_start(self):
        super().on_start()
        self.email = random.choice(PERSONAS["personas"][self.role])
        self.seen = {kind: set() for kind in LINKS}
        self.csrf_token = ""
        self.sign_in()

    def sign_in(self):
        form = self.get("/sign-in/", name="sign-in form")
        token = CSRF_TOKEN.search(form.text or "")
        if not token:
            return
        with self.client.post(
            "/sign-in/",
            name="sign-in (POST)",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": self.email,
                "password": PERSONAS["password"],
            },
            headers={**self.headers, "Origin": self.origin},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/sign-in/" in response.headers.get("Location", ""):
                response.failure(f"{self.email} not signed in: {response.status_code}")
        self.page("/", "home")

    def page(self, path: str, name: str):
        """A page that must answer 200 itself: a redirect would mean the session was lost."""
        with self.client.get(
            path,
            name=name,
            headers=self.headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {self.email}")
                return response
            text = response.text or ""
            for kind, pattern in LINKS.items():
                self.seen[kind].update(pattern.findall(text))
            if token := CSRF_TOKEN.search(text):
                self.csrf_token = token.group(1)
        return response

    def one_of(self, kind: str, listed_on: str, list_name: str):
        """Open one of the objects a list showed; the list first, while none has been seen."""
        if not self.seen[kind]:
            self.page(listed_on, list_name)
        if self.seen[kind]:
            pk = random.choice(sorted(self.seen[kind]))
            self.page(f"/{kind}/{pk}/", f"/{kind}/[id]/")

    @task(3)
    def home(self):
        self.page("/", "home")

    @task(2)
    def account(self):
        self.one_of("accounts", "/accounts/", "/accounts/ (register)")

    @task(1)
    def accounts_register(self):
        self.page("/accounts/", "/accounts/ (register)")

    @task(1)
    def review(self):
        self.one_of("reviews", "/reviews/", "/reviews/")

    @task(1)
    def new_day(self):
        if random.random() < 0.1:
            self.client.post(
                "/sign-out/",
                name="sign-out (POST)",
                data={"csrfmiddlewaretoken": self.csrf_token},
                headers={**self.headers, "Origin": self.origin},
                allow_redirects=False,
            )
            self.sign_in()


class Staff(SignedIn):
    weight = 15
    role = "staff"

    @task(3)
    def my_proposals(self):
        self.page("/proposals/", "/proposals/ (mine)")

    @task(3)
    def proposal(self):
        self.one_of("proposals", "/proposals/", "/proposals/ (mine)")

    @task(1)
    def reviews(self):
        self.page("/reviews/", "/reviews/")


class OfficeHead(SignedIn):
    weight = 6
    role = "head"

    @task(3)
    def awaiting(self):
        self.page("/proposals/awaiting/", "/proposals/awaiting/")

    @task(3)
    def office(self):
        self.page("/office/", "/office/")

    @task(2)
    def proposal(self):
        self.one_of("proposals", "/office/", "/office/")


class Dcct(SignedIn):
    weight = 6
    role = "dcct"

    @task(4)
    def dashboard(self):
        self.page("/dashboard/", "/dashboard/")

    @task(3)
    def queue(self):
        self.page("/proposals/queue/", "/proposals/queue/")

    @task(3)
    def proposal(self):
        self.one_of("proposals", "/proposals/queue/", "/proposals/queue/")

    @task(1)
    def search_register(self):
        self.page(f"/accounts/?q={random.choice(SEARCHES)}", "/accounts/?q= (search)")

    @task(1)
    def reviews(self):
        self.page("/reviews/", "/reviews/")

    @task(1)
    def recertifications(self):
        self.page("/recertifications/", "/recertifications/")

    @task(1)
    def recertification(self):
        self.one_of("recertifications", "/recertifications/", "/recertifications/")

    @task(1)
    def impersonation_reports(self):
        self.page("/accounts/impersonation/", "/accounts/impersonation/")

    @task(1)
    def reports(self):
        self.page("/reports/", "/reports/")


class Hec(SignedIn):
    weight = 3
    role = "hec"

    @task(4)
    def inbox(self):
        self.page("/hec/", "/hec/")

    @task(2)
    def reports(self):
        self.page("/reports/", "/reports/")

    @task(2)
    def proposal(self):
        self.one_of("proposals", "/hec/", "/hec/")


class Public(Visitor):
    """A member of the public, or a script, checking the register: no sign-in."""

    weight = 20

    def on_start(self):
        super().on_start()
        self.known = ["@ScotParl"]
        listing = self.get("/api/v1/accounts/", name="/api/v1/accounts/")
        try:
            found = listing.json()
        except (TypeError, ValueError):
            found = {}
        self.known += [account["url"] or account["handle"] for account in found.get("results", [])]
        self.pages = max(1, math.ceil(found.get("count", 0) / API_PAGE_SIZE))

    @task(4)
    def register(self):
        self.get("/register/", name="/register/")

    @task(3)
    def search(self):
        self.get(f"/register/?q={random.choice(SEARCHES)}", name="/register/?q= (search)")

    @task(2)
    def verify_on_page(self):
        self.get(
            "/register/", name="/register/?verify=", params={"verify": self.something_to_check()}
        )

    @task(4)
    def verify_api(self):
        self.get("/api/v1/verify", name="/api/v1/verify", params={"url": self.something_to_check()})

    @task(2)
    def api_list(self):
        page = random.randint(1, self.pages)
        self.get(f"/api/v1/accounts/?page={page}", name="/api/v1/accounts/?page=")

    def something_to_check(self) -> str:
        return random.choice(self.known if random.random() < 0.7 else NOT_OFFICIAL)
