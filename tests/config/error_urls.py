"""The product's URLs, plus pages that fail on purpose, for tests/config/test_error_pages.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from config.urls import handler500, urlpatterns

__all__ = ["handler500", "urlpatterns"]


def crash(request):
    raise RuntimeError("a bug")


def refuse(request):
    raise PermissionDenied("Only DCCT may endorse a proposal.")


def missing(request):
    raise Http404("no such thing")


def suspicious(request):
    raise SuspiciousOperation("a forged header")


urlpatterns = [
    *urlpatterns,
    path("test/crash/", crash),
    path("test/refuse/", refuse),
    path("test/missing/", missing),
    path("test/suspicious/", suspicious),
]
