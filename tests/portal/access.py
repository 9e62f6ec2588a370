"""Who may open each page and who may send each form: the access matrix's expectations, one rule
per route, read from the apps' own permission rules (each tested on its own in
tests/<app>/test_permissions.py). What is checked here is that every view applies its rule, and
in the right order: 302 to sign in for anonymous visitors, 404 for an object this person may not
see (so that its existence does not leak), 403 for one they may see but not act on, 405 for a
method a page does not take."""

from django.urls import resolve

from accounts import permissions as account_rules
from accounts import services as account_services
from accounts.models import Account, ImpersonationReport
from evaluation import permissions as evaluation_rules
from evaluation.models import Recertification, Review
from portal import permissions as portal_rules
from proposals import permissions as proposal_rules
from proposals import services as proposal_services
from proposals.forms import SECTIONS
from proposals.models import Proposal
from workflow import transitions

# Pages anybody may open without signing in. A view made public elsewhere fails the matrix
# until it is added here, so that access never widens unnoticed.
PUBLIC = {
    "sign-in/",
    "sso/start/",
    "sso/callback/",
    "password/reset/",
    "password/reset/sent/",
    "password/reset/<uidb64>/<token>/",
    "password/reset/complete/",
    "health/",
    "health/live/",
    "favicon.ico",
    "accessibility/",
    "privacy/",
    "register/",
    "register/feed/",
    "register/report/",
    "register/report/sent/",
    "register.csv",
    "api/v1/accounts/",
    "api/v1/verify",
    "api/v1/openapi.json",
}
# Views that only take POST: their forms are on another page (FORM_PAGES).
POST_ONLY = {
    "sign-out/",
    "proposals/<int:pk>/comments/",
    "proposals/<int:pk>/evidence/",
    "accounts/<int:pk>/setup/",
    "accounts/<int:pk>/details/",
    "accounts/<int:pk>/exit-steps/",
    "accounts/<int:pk>/team/",
    "accounts/<int:pk>/team/<int:member_id>/owner/",
    "accounts/<int:pk>/training/",
    "reviews/<int:pk>/report/",
    "accounts/<int:pk>/recertification-date/",
    "accounts/<int:pk>/feed/",
}


def _signed_in(user):
    return user is not None


def _object(route, pk):
    """The object a route's `pk` names, read afresh, or None."""
    if route.startswith("proposals/"):
        model = Proposal
    elif route.startswith("reviews/"):
        model = Review
    elif route.startswith("recertifications/"):
        model = Recertification
    elif route.startswith("accounts/impersonation/"):
        model = ImpersonationReport
    else:
        model = Account
    return model._base_manager.filter(pk=pk).first()


def may_view(route, obj, user) -> bool:
    if route.startswith("proposals/"):
        return proposal_rules.can_view(obj, user)
    if route.startswith(("reviews/", "recertifications/")):
        return evaluation_rules.can_view(obj, user)
    if route.startswith("accounts/impersonation/"):
        return account_rules.sees_impersonation_reports(user)
    return account_rules.can_view(obj, user)


# What each transition page offers: an action outside it is a 404.
TRANSITION_PAGES = {
    "proposals/<int:pk>/act/<slug:action>/": lambda kw: set(proposal_services.ACTIONS) - {"submit"},
    "accounts/<int:pk>/act/<slug:action>/": lambda kw: set(account_services.ACTIONS),
    "accounts/impersonation/<int:pk>/act/<slug:action>/": lambda kw: set(
        account_services.REPORT_ACTIONS
    ),
    "reviews/<int:pk>/assess/": lambda kw: {"assess"},
    "recertifications/<int:pk>/submit/": lambda kw: {"submit"},
    "recertifications/<int:pk>/follow-up/": lambda kw: {"close_follow_up"},
}


def _action(route, kwargs):
    return kwargs.get("action") or next(iter(TRANSITION_PAGES[route](kwargs)))


def _transition(route, kwargs, obj, user) -> set[int]:
    action = _action(route, kwargs)
    if action not in TRANSITION_PAGES[route](kwargs):
        return {404}
    if transitions.transition_of(obj, action) is None:
        return {302}  # not possible in this state: back to the object, with a message
    return {200} if transitions.may_take(obj, action, user) else {403}


def _current_member(obj, kwargs):
    return obj.members.filter(pk=kwargs["member_id"], removed_on__isnull=True).exists()


# Object pages beyond "may see it": the rule of each, as (user, obj, kwargs) -> statuses.
OBJECT_PAGES = {
    "proposals/<int:pk>/edit/<int:section>/": lambda u, o, kw: (
        {403}
        if not proposal_rules.can_edit(o, u)
        else {200}
        if 1 <= kw["section"] <= len(SECTIONS)
        else {404}
    ),
    "proposals/<int:pk>/submit/": lambda u, o, kw: (
        {302}
        if proposal_rules.is_proposer(o, u) and o.state != "draft"
        else {200}
        if proposal_rules.may_submit(o, u)
        else {403}
    ),
    # Evidence whose file is missing (as in the fixture) is a 404 too.
    "proposals/<int:pk>/evidence/<int:attachment_id>/": lambda u, o, kw: (
        {200, 404} if o.attachments.filter(pk=kw["attachment_id"]).exists() else {404}
    ),
    "accounts/<int:pk>/team/<int:member_id>/remove/": lambda u, o, kw: (
        {403}
        if not account_rules.can_manage_team(o, u)
        else {200}
        if _current_member(o, kw)
        else {404}
    ),
    "accounts/<int:pk>/evaluation/": lambda u, o, kw: (
        {200} if evaluation_rules.may_adjust_kpis(o, u) else {403}
    ),
    "accounts/<int:pk>/figures/": lambda u, o, kw: (
        {200} if evaluation_rules.may_import_metrics(o, u) else {403}
    ),
}

# Pages of a role: the rule that lets a person in (everyone else: 403).
ROLE_PAGES = {
    "dashboard/": portal_rules.may_see_dcct_dashboard,
    "hec/": portal_rules.may_see_hec_inbox,
    "office/": portal_rules.may_see_office_view,
    "reports/": portal_rules.may_see_reports,
    "proposals/new/": proposal_rules.may_propose,
    "proposals/queue/": proposal_rules.may_see_queue,
    "accounts/import/": account_rules.may_import_inventory,
    "accounts/impersonation/": account_rules.sees_impersonation_reports,
}


def expected_get(url, user) -> set[int]:
    """The statuses a GET of `url` may answer `user` (None: not signed in)."""
    path, _, query = url.partition("?")
    match = resolve(path)
    route, kwargs = match.route, match.kwargs
    if "%00" in query:
        return {400}  # refused before anything else (workflow.middleware)
    if user is None and route not in PUBLIC:
        return {302}  # to the sign-in page
    if route in POST_ONLY:
        return {405}
    statuses = _expected_get(route, kwargs, user)
    if query and route.startswith("api/"):
        statuses |= {400, 404}  # the API refuses a page or filter it cannot read
    return statuses


def _expected_get(route, kwargs, user):
    if route == "sign-in/":
        return {302} if user else {200}
    if route == "api/v1/verify":
        return {400}  # no ?url= given
    if route == "favicon.ico":
        return {302}  # to the icon among the static files
    if route in ("sso/start/", "sso/callback/"):
        return {404}  # single sign-on is off in the tests that read every page (test_sso.py)
    if route == "health/":
        return {200, 503}  # 503 until the scheduler and worker beat (tests/config/test_health.py)
    if route in ROLE_PAGES:
        return {200} if ROLE_PAGES[route](user) else {403}
    if "pk" not in kwargs:
        return {200}
    obj = _object(route, kwargs["pk"])
    if obj is None or not may_view(route, obj, user):
        return {404}
    if route in TRANSITION_PAGES:
        return _transition(route, kwargs, obj, user)
    if route in OBJECT_PAGES:
        return OBJECT_PAGES[route](user, obj, kwargs)
    return {200}


# Who may send each form (every other route changes nothing, whoever posts to it).
WRITES = {
    "sign-in/": lambda u, o, kw: True,
    "sign-out/": lambda u, o, kw: True,
    "password/reset/": lambda u, o, kw: True,
    "password/reset/<uidb64>/<token>/": lambda u, o, kw: True,
    "register/report/": lambda u, o, kw: True,
    "email-settings/": lambda u, o, kw: _signed_in(u),
    "password/change/": lambda u, o, kw: _signed_in(u),
    "proposals/new/": lambda u, o, kw: proposal_rules.may_propose(u),
    "proposals/<int:pk>/edit/<int:section>/": lambda u, o, kw: proposal_rules.can_edit(o, u),
    "proposals/<int:pk>/submit/": lambda u, o, kw: proposal_rules.may_submit(o, u),
    "proposals/<int:pk>/comments/": lambda u, o, kw: proposal_rules.can_view(o, u),
    "proposals/<int:pk>/evidence/": lambda u, o, kw: proposal_rules.can_add_evidence(o, u),
    "accounts/import/": lambda u, o, kw: account_rules.may_import_inventory(u),
    "accounts/<int:pk>/setup/": lambda u, o, kw: account_rules.can_tick_setup(o, u),
    "accounts/<int:pk>/details/": lambda u, o, kw: account_rules.can_tick_setup(o, u),
    "accounts/<int:pk>/exit-steps/": lambda u, o, kw: account_rules.can_tick_exit_steps(o, u),
    "accounts/<int:pk>/team/": lambda u, o, kw: account_rules.can_manage_team(o, u),
    "accounts/<int:pk>/team/<int:member_id>/remove/": lambda u, o, kw: (
        account_rules.can_manage_team(o, u)
    ),
    "accounts/<int:pk>/team/<int:member_id>/owner/": lambda u, o, kw: account_rules.can_manage_team(
        o, u
    ),
    "accounts/<int:pk>/training/": lambda u, o, kw: account_rules.can_record_training(o, u),
    "reviews/<int:pk>/report/": lambda u, o, kw: evaluation_rules.may_report(o, u),
    "accounts/<int:pk>/evaluation/": lambda u, o, kw: evaluation_rules.may_adjust_kpis(o, u),
    "accounts/<int:pk>/figures/": lambda u, o, kw: evaluation_rules.may_import_metrics(o, u),
    "accounts/<int:pk>/recertification-date/": lambda u, o, kw: (
        evaluation_rules.may_move_recertification(o, u)
    ),
    "accounts/<int:pk>/feed/": lambda u, o, kw: evaluation_rules.may_set_feed(o, u),
    **{
        route: lambda u, o, kw, route=route: (
            transitions.may_take(o, _action(route, kw), u)
            if _action(route, kw) in TRANSITION_PAGES[route](kw)
            else False
        )
        for route in TRANSITION_PAGES
    },
}


def may_post(url, user) -> bool:
    """Whether `user` may send the form that posts to `url`: signed in where the page needs it,
    seeing the object, and holding the route's rule for it."""
    match = resolve(url.partition("?")[0])
    route, kwargs = match.route, match.kwargs
    if route not in WRITES or (user is None and route not in PUBLIC):
        return False
    obj = None
    if "pk" in kwargs:
        obj = _object(route, kwargs["pk"])
        if obj is None or user is None or not may_view(route, obj, user):
            return False
    return bool(WRITES[route](user, obj, kwargs))


def expected_refusal(url, user) -> set[int]:
    """How a POST by somebody who may not send it is answered: as a GET of the same page is
    (302 to sign in, 404 for what they may not see, 403 for what they may see but not do, 302
    back to the object when the step is not possible in its state); a form without a page of
    its own, 404 for what they may not see and 403 (or 302, when the object has moved on)
    otherwise."""
    match = resolve(url.partition("?")[0])
    route, kwargs = match.route, match.kwargs
    if user is None and route not in PUBLIC:
        return {302}
    if route not in POST_ONLY:
        return expected_get(url, user)
    obj = _object(route, kwargs["pk"]) if "pk" in kwargs else None
    if "pk" in kwargs and (obj is None or not may_view(route, obj, user)):
        return {404}
    return {302, 403}


# Where the form of a POST-only view is shown: the object's page it belongs to.
FORM_PAGES = {
    "proposals/<int:pk>/comments/": "/proposals/{pk}/",
    "proposals/<int:pk>/evidence/": "/proposals/{pk}/",
    "accounts/<int:pk>/setup/": "/accounts/{pk}/",
    "accounts/<int:pk>/details/": "/accounts/{pk}/",
    "accounts/<int:pk>/exit-steps/": "/accounts/{pk}/",
    "accounts/<int:pk>/team/": "/accounts/{pk}/",
    "accounts/<int:pk>/team/<int:member_id>/owner/": "/accounts/{pk}/",
    "accounts/<int:pk>/training/": "/accounts/{pk}/",
    "reviews/<int:pk>/report/": "/reviews/{pk}/",
    "accounts/<int:pk>/recertification-date/": "/accounts/{pk}/evaluation/",
    "accounts/<int:pk>/feed/": "/accounts/{pk}/evaluation/",
    "sign-out/": "/",
}


# A view whose form is another's: the account's details are sent with its set-up checklist.
SAME_FORM = {"accounts/<int:pk>/details/": "/accounts/{pk}/setup/"}


def form_page(url) -> str:
    match = resolve(url.partition("?")[0])
    template = FORM_PAGES.get(match.route)
    return template.format(**match.kwargs) if template else url


def form_action(url) -> str:
    """The address the form sent to `url` posts to on its page."""
    match = resolve(url.partition("?")[0])
    template = SAME_FORM.get(match.route)
    return template.format(**match.kwargs) if template else url
