"""The personas of the access matrix and the fuzz test, each with a signed-in client (and an
anonymous visitor), and each form as the person it is meant for fills it in: read from the page
that shows it (tests/portal/pages.py), sent to the address it posts to (tests/portal/access.py
says who may)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import resolve

from tests.portal.access import form_action, form_page, may_post
from tests.portal.pages import changes, fields_in_error, forms_on, plausible, snapshot
from tests.portal.test_every_page import PERSONAS

# A minimal PDF: what the evidence form accepts (its type is read from these bytes).
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def sample_files(url, spare):
    """The file a form of this route takes, as its person would upload it."""
    route = resolve(url).route
    if route == "accounts/import/":
        office = spare.office.name
        text = f"platform,handle,url,office,owner_emails\ninstagram,BrandNewParl,,{office},"
        return {"file": SimpleUploadedFile("inventory.csv", f"{text}{spare.email}\n".encode())}
    if route == "accounts/<int:pk>/figures/":
        day = datetime.date.today() - datetime.timedelta(days=1)
        text = f"date,metric,value\n{day.isoformat()},Followers,120\n"
        return {"file": SimpleUploadedFile("figures.csv", text.encode())}
    if route == "proposals/<int:pk>/evidence/":
        return {"file": SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")}
    return {}


def form_key(url):
    """Which form a URL takes: its route, and the action or section where the route has one."""
    match = resolve(url.partition("?")[0])
    return match.route, str(match.kwargs.get("action") or match.kwargs.get("section") or "")


# Sent where nobody here may send the form (nobody sees it): a decision on a stale page.
FALLBACK = {"expected_state": "stale", "comment": "Because."}


def confirmations(url, answer) -> list[dict]:
    """A form the answer shows for the same address carrying what was sent (an import's
    preview, with its "import these rows" button): the second step of the same form."""
    if answer.status_code != 200 or "html" not in answer.get("Content-Type", ""):
        return []
    return [
        form.data()
        for form in forms_on(url, answer.content.decode(errors="replace"))
        if form.method == "post"
        and form.action == url
        and any(f.name == "payload" for f in form.fields)
    ]


class Personas:
    """The personas' clients, and each route's form as its person sends it."""

    def __init__(self, request, spare):
        self.spare = spare
        self.clients = {"anonymous": (Client(raise_request_exception=False), None)}
        for persona in PERSONAS:
            user = request.getfixturevalue(persona)
            self.clients[persona] = (Client(raise_request_exception=False), user)
            self.clients[persona][0].force_login(user)

    def fill(self, field):
        return plausible(field, email=self.spare.email)

    def sender(self, url):
        """The client of the first persona who may send the form that posts to `url`."""
        senders = (client for client, user in self.clients.values() if may_post(url, user))
        return next(senders, None)

    def form(self, url):
        """(the sender's client, the form as the page shows it to them), or (None, None)."""
        client = self.sender(url)
        if client is None:
            return None, None
        page = form_page(url)
        html = client.get(page).content.decode(errors="replace")
        found = [
            form
            for form in forms_on(page, html)
            if form.method == "post" and form.action == form_action(url)
        ]
        return client, (found[0] if found else None)

    def payloads(self, url) -> list[dict]:
        """The form filled in as its person sends it, and its second step if it has one."""
        client, form = self.form(url)
        if form is None:
            return [FALLBACK]
        first = {**form.data(fill=self.fill), **sample_files(url, self.spare)}
        if not form.multipart:  # only uploads are previewed before they are kept
            return [first]
        with transaction.atomic():
            second = confirmations(url, post(client, url, first))
            transaction.set_rollback(True)
        return [first, *second]

    def works(self, url) -> bool | None:
        """Whether the form, filled in by its person (every field they must, then every field;
        each time reading the errors the page names and filling those in too), changes what is
        stored."""
        client, form = self.form(url)
        if form is None:
            return None  # no page shows this form to anyone here
        for every in (False, True):
            data = {**form.data(fill=self.fill, every=every), **sample_files(url, self.spare)}
            for _ in range(3):
                with transaction.atomic():
                    before = snapshot()
                    answer = post(client, url, data)
                    for confirmation in confirmations(url, answer):
                        answer = post(client, url, confirmation)
                    changed = answer.status_code < 400 and changes(before, snapshot())
                    transaction.set_rollback(True)
                if changed:
                    return True
                named = fields_in_error(answer.content.decode(errors="replace"))
                if not named:
                    break
                data = form.filled_in(data, named, self.fill)
        return False


def post(client, url, payload):
    # Uploaded files are read once: each request gets its own copy.
    data = {
        name: SimpleUploadedFile(value.name, value.open().read() or b"", value.content_type)
        if isinstance(value, SimpleUploadedFile)
        else value
        for name, value in payload.items()
    }
    for value in payload.values():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
    return client.post(url, data)
