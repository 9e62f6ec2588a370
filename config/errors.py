"""The page for an error on our side (500), in the product's layout. It reads nothing from the
database or the request, which may be what failed: only settings and the template."""

import logging

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)

PLAIN = (
    "Something went wrong on our side and the page could not be shown. Please try again in a "
    "few minutes."
)


def server_error(request, template_name="500.html"):
    try:
        body = loader.get_template(template_name).render({"help_email": settings.HELP_EMAIL})
    except Exception:  # the layout itself failed: still answer, in plain words
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError(PLAIN, content_type="text/plain; charset=utf-8")
    return HttpResponseServerError(body)
