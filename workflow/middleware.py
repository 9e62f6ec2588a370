"""Requests no page can store or search for: a NUL character in a query or form value.
PostgreSQL refuses such strings outright, so they are answered 400 here, once, rather than
becoming a 500 wherever a page filters on what it was given."""

from django.http import HttpResponseBadRequest


class RefuseNullCharacters:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [*request.GET.lists(), *(request.POST.lists() if request.method == "POST" else [])]
        if any("\x00" in key or any("\x00" in value for value in vals) for key, vals in values):
            return HttpResponseBadRequest(
                "The address or form contains a character that is not allowed (NUL).",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
