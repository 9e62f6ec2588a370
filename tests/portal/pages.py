"""What the access matrix and the fuzz test share: each page's forms read from its HTML as a
browser reads them (so a new form cannot escape either), the values a person would send, and a
snapshot of everything stored, to show that a request changed nothing."""

import datetime
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.apps import apps

# Tables a request may write to without changing anything the product holds: the log of
# exports (opening a printable record is logged, by design) and sign-in attempts (axes).
NOT_STATE = {"workflow.export"}
PROJECT_APPS = ["workflow", "people", "accounts", "proposals", "evaluation"]
FUTURE_DAYS = {"due_on", "expires_on", "next_review_on"}


@dataclass
class Field:
    name: str
    kind: str  # an <input>'s type, or "select", "textarea", "button"
    value: str = ""
    options: list = field(default_factory=list)
    checked: bool = False
    required: bool = False
    multiple: bool = False


@dataclass
class Form:
    action: str  # the path it posts to
    method: str
    multipart: bool
    fields: list = field(default_factory=list)

    def names(self) -> list[str]:
        """Each field a person fills in, once (a radio group or a list of boxes is one)."""
        seen = []
        for f in self.fields:
            if f.kind not in ("hidden", "button", "submit") and f.name not in seen:
                seen.append(f.name)
        return seen

    def kind_of(self, name) -> str:
        return next(f.kind for f in self.fields if f.name == name)

    def options_of(self, name) -> list[str]:
        options = []
        for f in self.fields:
            if f.name == name:
                options.extend(f.options if f.kind == "select" else [f.value])
        return [option for option in options if option]

    def field(self, name) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def data(self, fill=None, every=False) -> dict[str, list[str]]:
        """What a browser sends when the form is submitted as the page shows it; empty required
        fields (`every`: all empty fields) get `fill(field)` when given (a person filling the
        form in)."""
        data = {}
        groups = {}
        for f in self.fields:
            if f.kind in ("button", "submit", "reset", "image"):
                continue
            if f.kind in ("checkbox", "radio"):
                groups.setdefault(f.name, []).append(f)
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
                continue
            if f.kind == "select":
                chosen = [o for o, selected in f.options if selected] if f.options else []
                if not chosen and not f.multiple:
                    values = [o for o, _ in f.options]
                    chosen = values[:1]
                data.setdefault(f.name, []).extend(chosen)
                continue
            data.setdefault(f.name, []).append(f.value)
        if fill is None:
            return data
        for f in self.fields:
            wanted = f.required or every
            if not wanted or any(data.get(f.name, [])):
                continue
            if f.kind == "select":
                data[f.name] = [o for o, _ in f.options if o][:1]
            elif f.kind not in ("checkbox", "radio", "hidden", "file", "button"):
                data[f.name] = [fill(f)]
        for name, members in groups.items():
            wanted = every or any(m.required for m in members)
            if members[0].kind == "radio" and name not in data and wanted:
                data[name] = [members[0].value]
        return data

    def filled_in(self, data, names, fill) -> dict:
        """`data` with the fields the page named as wrong filled in, as a person would."""
        data = dict(data)
        for name in names:
            f = self.field(name)
            if f is None:
                continue
            if f.kind == "select":
                data[name] = [o for o, _ in f.options if o][:1]
            elif f.kind == "radio":
                data[name] = [f.value]
            elif f.kind == "checkbox":
                data[name] = [f.value or "on"]
            elif f.kind != "file":
                data[name] = [fill(f)]
        return data


class _Reader(HTMLParser):
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms = []
        self.form = None
        self.select = None
        self.option = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = urlsplit(urljoin(self.page, a.get("action") or self.page))
            self.form = Form(
                action=action.path + (f"?{action.query}" if action.query else ""),
                method=(a.get("method") or "get").lower(),
                multipart="multipart" in (a.get("enctype") or ""),
            )
            self.forms.append(self.form)
        if self.form is None or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            self.form.fields.append(
                Field(
                    name=a["name"],
                    kind=(a.get("type") or "text").lower(),
                    value=a.get("value") or "",
                    checked="checked" in a,
                    required="required" in a,
                )
            )
        elif tag == "button":
            self.form.fields.append(Field(name=a["name"], kind="button", value=a.get("value", "")))
        elif tag == "select":
            self.select = Field(
                name=a["name"], kind="select", required="required" in a, multiple="multiple" in a
            )
            self.form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "selected" in a, ""]
            self.select.options.append(self.option)
        elif tag == "textarea":
            self.textarea = Field(name=a["name"], kind="textarea", required="required" in a)
            self.form.fields.append(self.textarea)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data
        if self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None:
            self.select.options = [
                (value if value is not None else text.strip(), selected)
                for value, selected, text in self.select.options
            ]
            self.select = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea":
            if self.textarea is not None and self.textarea.value.startswith("\n"):
                self.textarea.value = self.textarea.value[1:]
            self.textarea = None


def forms_on(page_url: str, html: str) -> list[Form]:
    reader = _Reader(page_url)
    reader.feed(html)
    return reader.forms


class _Links(HTMLParser):
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.names = set()
        self.in_get_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.in_get_form = (a.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self.in_get_form and a.get("name"):
            self.names.add(a["name"])
        elif tag == "a" and a.get("href"):
            target = urlsplit(urljoin(self.page, a["href"]))
            if target.path == urlsplit(self.page).path:
                self.names.update(name for name, _ in parse_qsl(target.query, True))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_get_form = False


def query_names_on(page_url: str, html: str) -> set[str]:
    """The query parameters a page reads, as it offers them: its search and filter forms
    (method GET) and its links back to itself (paging, tabs, downloads)."""
    reader = _Links(page_url)
    reader.feed(html)
    return reader.names


def fields_in_error(html: str) -> list[str]:
    """The fields a page says are wrong (crispy forms marks each error with its field's id)."""
    return re.findall(r'id="error_\d+_id_([^"]+)"', html)


def plausible(f: Field, *, email: str) -> str:
    """What a person types into an empty required field, by its type and name: dates that the
    forms' own rules accept (a closing date four weeks out, a step done today)."""
    today = datetime.date.today()
    if f.kind == "email" or f.name.endswith("email"):
        return email
    if f.kind == "date":
        # Steps done and training completed are in the past; everything else is ahead.
        name = f.name.split("-")[-1]
        if name.endswith("_on") and name not in FUTURE_DAYS:
            return today.isoformat()
        return (today + datetime.timedelta(days=60)).isoformat()
    if f.kind == "number":
        return "5"
    if f.kind == "url":
        return "https://example.org/page"
    if f.kind == "textarea":
        return "Because the audience is not reached by the corporate account."
    return "Plain words"


def snapshot() -> dict:
    """Every row of every table the product keeps (except NOT_STATE), as stored."""
    state = {}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            label = model._meta.label_lower
            if label in NOT_STATE or model._meta.proxy:
                continue
            state[label] = list(model._base_manager.order_by("pk").values_list())
    return state


def changes(before: dict, after: dict) -> list[str]:
    """The tables whose rows differ, for a message that says where to look."""
    return [label for label in before if before[label] != after.get(label)]
