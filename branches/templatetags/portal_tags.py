from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination and sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def query_page(context, param, number):
    """The current query string with page parameter ``param`` set to ``number`` (a page with two paged lists)."""
    return query_with(context, **{param or "page": number})


@register.filter
def indent_px(depth):
    try:
        return int(depth) * 20
    except (TypeError, ValueError):
        return 0
