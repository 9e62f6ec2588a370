"""Requests no page can take, answered here, once, before any page sees them."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader


class RefuseOversizedRequests:
    """A body larger than any page accepts is answered 413, with a page in the product's layout
    that says why, before a byte of it is read. With files (multipart) the limit is
    UPLOAD_MAX_REQUEST_BYTES, the largest file and its form's text; otherwise it is
    DATA_UPLOAD_MAX_MEMORY_SIZE, past which Django would answer a bare 400. It comes before
    anything that reads the body (RefuseNullCharacters, the CSRF check) and, like the 400 and
    500 pages, renders without the request: nothing about the sender (session, cookies) is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if request.content_type == "multipart/form-data":
            limit = settings.UPLOAD_MAX_REQUEST_BYTES
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and size > limit:
            page = loader.get_template("413.html").render({"size": size, "limit": limit})
            return HttpResponse(page, status=413)
        return self.get_response(request)


class RefuseNullCharacters:
    """Requests no page can store or search for: a NUL character in a query, a form (URL-encoded
    or multipart: request.POST holds the text of both) or a cookie (the session's is looked up
    in the database). PostgreSQL refuses such strings outright, so they are answered 400 here,
    once, rather than becoming a 500 wherever a page filters on what it was given. Uploaded
    files' names need no check (Django's parser keeps only their printable characters), and no
    page reads a JSON body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [
            *request.GET.lists(),
            *(request.POST.lists() if request.method == "POST" else []),
            *((name, [value]) for name, value in request.COOKIES.items()),
        ]
        if any("\x00" in key or any("\x00" in value for value in vals) for key, vals in values):
            return HttpResponseBadRequest(
                "The address or form contains a character that is not allowed (NUL).",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
