"""The accessibility statement and the privacy notice: open to anyone, in the form the
regulations require, linked from every page; and every page's title its own."""

import io
import re
from collections import defaultdict

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory


def test_the_statement_has_every_part_the_regulations_require(client, db):
    page = client.get(reverse("accessibility")).content.decode()
    for part in [
        "Compliance status",
        "partially compliant",
        "Content that is not accessible",
        "Feedback and contact information",
        "Enforcement procedure",
        "Equality Advisory and Support Service",
        "Preparation of this accessibility statement",
        "was last tested on 26 November 2026",
    ]:
        assert part in page, part


def test_the_privacy_notice_says_what_why_who_how_long_and_rights(client, db):
    page = client.get(reverse("privacy")).content.decode()
    for heading in [
        "What we hold",
        "lawful basis",
        "Who sees it",
        "How long we keep it",
        "Your rights",
    ]:
        assert heading in page, heading
    assert "Information Commissioner" in page


def test_every_page_links_to_both_signed_in_or_not(client, db):
    pages = [reverse("sign-in"), reverse("public-register"), "/no-such-page/"]
    client_in = Client()
    client_in.force_login(UserFactory())
    for c, url in [(client, u) for u in pages] + [(client_in, reverse("home"))]:
        page = c.get(url).content.decode()
        assert 'href="/accessibility/">Accessibility</a>' in page, url
        assert 'href="/privacy/">Privacy</a>' in page, url


# Downloads, the admin, signing out, and further pages of a list (their title is the list's).
SKIPPED = re.compile(
    r"/admin/|/sign-out|\.csv|/feed/|/api/|/static/|/record/|export=|format=|page="
)


def test_no_two_pages_a_role_reaches_share_a_title(db):
    """From each demo role's home page, every link followed, filters included: a title names
    its page, its object and its filter, so two different addresses never share one."""
    call_command("seed_demo", stdout=io.StringIO())
    from people.models import User

    for email in ["staff@example.org", "dcct@example.org", "hec@example.org"]:
        client = Client()
        client.force_login(User.objects.get(email=email))
        titles, queue, seen = defaultdict(set), ["/"], set()
        while queue and len(seen) < 200:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            page = response.content.decode()
            titles[re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()].add(url)
            for href in re.findall(r'href="(/[^"#]*)"', page):
                href = href.replace("&amp;", "&")
                if not SKIPPED.search(href):
                    queue.append(href)
        shared = {title: urls for title, urls in titles.items() if len(urls) > 1}
        assert len(seen) > 30
        assert shared == {}, (email, shared)


def test_every_page_names_the_sites_icon_and_favicon_ico_leads_to_it(client):
    page = client.get("/accessibility/").text
    icon = client.get("/favicon.ico")

    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    assert (icon.status_code, icon["Location"]) == (302, "/static/img/favicon.svg")
    assert client.post("/favicon.ico").status_code == 405
