from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("portal/includes/nav_item.html", takes_context=True)
def nav_item(context, url_name, label):
    """A link in the top navigation, marked as the current page where it is one."""
    url = reverse(url_name)
    request = context.get("request")
    return {"url": url, "label": label, "current": request is not None and request.path == url}
