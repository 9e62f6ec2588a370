"""Single sign-on over OpenID Connect (Microsoft Entra ID, or any provider), with
mozilla-django-oidc: switched on by OIDC_ISSUER, OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET.

- The provider's endpoints come from its discovery document (`<issuer>/.well-known/
  openid-configuration`), read when first needed and kept in the cache for a day.
- The ID token is checked in full: its signature against the provider's keys, its issuer,
  its audience (this client), its authorised party, when it was issued and when it expires
  (mozilla-django-oidc checks only the signature and the expiry), and its nonce.
- A person is matched by their verified email address, and linked at their first sign-in to
  the provider's subject (issuer and `sub`), which every later sign-in must match. Someone new
  is created on their first sign-in only when their address's domain is in
  SSO_ALLOWED_DOMAINS; their office and roles are then given in the app, as everyone's are. A
  deactivated person is refused, and so is an address the provider has not verified
  (SSO_TRUST_EMAIL says the provider vouches for every address it sends, as an organisation's
  own directory does: then it must not let people edit their own address).
- Every refusal says why on the sign-in page, and is logged without the address.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from people.models import User, normalise_email

logger = logging.getLogger(__name__)

DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_SECONDS = 24 * 60 * 60


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def discovery() -> dict:
    """The provider's discovery document, from the cache or the provider."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    key = f"sso:discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != issuer:
            raise ImproperlyConfigured(
                f"The provider at {issuer} says it is {document.get('issuer')!r}: set "
                "OIDC_ISSUER to the issuer its discovery document gives."
            )
        cache.set(key, document, DISCOVERY_SECONDS)
    return document


def setting(attr, *default):
    """mozilla-django-oidc's settings, with the provider's endpoints from its discovery."""
    if attr in DISCOVERED and not getattr(settings, attr, None):
        return discovery()[DISCOVERED[attr]]
    return import_from_settings(attr, *default)


class Refused(PermissionDenied):
    """A sign-in refused for a reason the person is told (Django's authenticate stops at a
    PermissionDenied and tries no other backend)."""


class Backend(OIDCAuthenticationBackend):
    get_settings = staticmethod(setting)

    def __init__(self, *args, **kwargs):
        # Django makes every backend for every sign-in, passwords included: the provider is
        # asked nothing until a callback from it is being answered (configure).
        self.UserModel = User

    def configure(self) -> "Backend":
        """Read the client's settings and the provider's endpoints (its discovery)."""
        super().__init__()
        return self

    def authenticate(self, request, **kwargs):
        """Only the callback's own call (Callback, with the nonce and PKCE verifier its session
        kept): never a password form's, whatever its address says."""
        match = getattr(request, "resolver_match", None)
        if (
            not enabled()
            or match is None
            or match.url_name != "sso-callback"
            or "nonce" not in kwargs
            or {"username", "password"} & kwargs.keys()
        ):
            return None
        self.configure()
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        self._token_subject = f"{payload['iss']}|{payload['sub']}"
        return super().get_or_create_user(access_token, id_token, payload)

    def _refuse(self, reason: str, why: str):
        logger.warning("Single sign-on refused: %s", why)
        if getattr(self, "request", None) is not None:
            self.request.sso_refusal = reason
        raise Refused(reason)

    def _verify_jws(self, payload, key):
        """The signature, and what mozilla-django-oidc leaves unchecked: issuer, audience,
        authorised party, issue time."""
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.DecodeError:
            self._refuse(TAMPERED, "the ID token is not a JWT")
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            self._refuse(TAMPERED, f"the ID token is signed with {header.get('alg')!r}")
        try:
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=discovery()["issuer"],
                leeway=settings.OIDC_LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            self._refuse(EXPIRED, "the ID token has expired")
        except jwt.InvalidAudienceError:
            self._refuse(NOT_FOR_US, "the ID token is for another client")
        except jwt.InvalidIssuerError:
            self._refuse(NOT_FOR_US, "the ID token is from another issuer")
        except jwt.ImmatureSignatureError:
            self._refuse(EXPIRED, "the ID token is not valid yet")
        except jwt.InvalidTokenError as error:  # a bad signature, a missing claim
            self._refuse(TAMPERED, f"the ID token is not valid ({type(error).__name__})")
        party = claims.get("azp")
        if party is not None and party != self.OIDC_RP_CLIENT_ID:
            self._refuse(NOT_FOR_US, "the ID token was issued to another party")
        return claims

    def verify_token(self, token, **kwargs):
        try:
            return super().verify_token(token, **kwargs)
        except SuspiciousOperation as error:  # a nonce that does not match: a replayed token
            self._refuse(TAMPERED, str(error))

    def verify_claims(self, claims):
        """`claims` are the user info's: about the same person as the ID token, or refused."""
        subject = getattr(self, "_token_subject", "")
        if subject and claims.get("sub") != subject.rpartition("|")[2]:
            self._refuse(TAMPERED, "the user info is about someone else than the ID token")
        if not claims.get("email"):
            self._refuse(NO_EMAIL, "the provider sent no email address")
        if claims.get("email_verified") is not True and not settings.SSO_TRUST_EMAIL:
            self._refuse(UNVERIFIED, "the provider has not verified the email address")
        return True

    def filter_users_by_claims(self, claims):
        """The person with this address, active or not (a deactivated one is refused by
        name, never replaced by a new one)."""
        return User.objects.filter(email=normalise_email(claims["email"]))

    def create_user(self, claims):
        email = normalise_email(claims["email"])
        domain = email.rpartition("@")[2]
        if domain not in settings.SSO_ALLOWED_DOMAINS:
            self._refuse(NOT_ALLOWED, f"no account for this address, and {domain} is not allowed")
        if User.objects.filter(sso_subject=self._token_subject).exists():
            self._refuse(LINKED_ELSEWHERE, "the subject is linked to another person")
        name = " ".join(str(claims.get("name") or "").split()) or email.partition("@")[0]
        user = User.objects.create_user(email=email, full_name=name[:150])
        user.sso_subject = self._token_subject
        user.save(update_fields=["sso_subject"])
        logger.info("Single sign-on created person %s", user.pk)
        return user

    def update_user(self, user, claims):
        """The person with this address: deactivated, refused; linked at their first sign-in to
        the provider's subject (issuer and `sub`), which every later one must match, so that an
        address given to someone else in the directory does not sign them in as this person."""
        if not user.is_active:
            self._refuse(DEACTIVATED, f"person {user.pk} is deactivated")
        if not user.sso_subject:
            elsewhere = User.objects.filter(sso_subject=self._token_subject).exclude(pk=user.pk)
            if elsewhere.exists():  # the directory moved an address from one person to another
                self._refuse(LINKED_ELSEWHERE, "the subject is linked to another person")
            user.sso_subject = self._token_subject
            user.save(update_fields=["sso_subject"])
            logger.info("Single sign-on linked person %s", user.pk)
        elif user.sso_subject != self._token_subject:
            self._refuse(LINKED_ELSEWHERE, f"person {user.pk} is linked to another subject")
        return user

    def get_user(self, user_id):
        """As Django's own backends: a deactivated person's session no longer signs them in."""
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


# What the sign-in page says for each refusal.
TAMPERED = "The sign-in could not be checked. Try again; if it happens again, tell the help desk."
EXPIRED = "The sign-in took too long and has expired. Try again."
NOT_FOR_US = "The sign-in was meant for another service. Try again from this page."
NO_EMAIL = "Your organisation's sign-in did not give your email address, which this service needs."
UNVERIFIED = "Your organisation's sign-in has not confirmed your email address."
NOT_ALLOWED = (
    "There is no account in this service for your email address. Ask an administrator to add you."
)
DEACTIVATED = (
    "Your account in this service has been switched off. If you think this is wrong, ask an "
    "administrator."
)
UNAVAILABLE = "Your organisation's sign-in did not answer. Try again in a few minutes."
LINKED_ELSEWHERE = (
    "Your email address belongs to someone else's account in this service. Ask an administrator."
)


def _require_enabled():
    if not enabled():
        raise Http404("Single sign-on is not switched on.")


@method_decorator(login_not_required, name="dispatch")
class Start(OIDCAuthenticationRequestView):
    """Sends the browser to the provider, with a state, a nonce and a PKCE challenge kept in
    the session for the way back."""

    get_settings = staticmethod(setting)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the provider is asked only once this is a GET of ours

    def get(self, request):
        _require_enabled()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError, KeyError, ImproperlyConfigured):
            logger.warning("Single sign-on: the provider's discovery failed", exc_info=True)
            messages.error(request, UNAVAILABLE)
            return HttpResponseRedirect(reverse("sign-in"))
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class Callback(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here: the code is exchanged for tokens, checked,
    and the person signed in; or they are back on the sign-in page, told why not."""

    get_settings = staticmethod(setting)

    @property
    def failure_url(self):
        return reverse("sign-in")

    def get(self, request):
        _require_enabled()
        try:
            return super().get(request)
        except requests.RequestException as error:  # the code refused, or the provider away
            logger.warning("Single sign-on: the token exchange failed", exc_info=True)
            refused = isinstance(error, requests.HTTPError)
            request.sso_refusal = NOT_FOR_US if refused else UNAVAILABLE
            return self.login_failure()
        except SuspiciousOperation:  # a state this browser never started: a forged callback
            logger.warning("Single sign-on: a callback with an unknown state")
            request.sso_refusal = TAMPERED
            return self.login_failure()

    def login_failure(self):
        reason = getattr(self.request, "sso_refusal", None)
        if reason is None and self.request.GET.get("error"):
            reason = "You did not finish signing in with your organisation."
        messages.error(self.request, reason or TAMPERED)
        return super().login_failure()
