from django import template

register = template.Library()


@register.inclusion_tag("documents/_number.html", takes_context=True)
def document_number(context, kind, ref, record=None):
    """Beside a document's downloads: its 发文字号, or the button that issues it (for whoever may).

    ``record``: the object the page already loaded within the user's scope (what the kind's ``find``
    would return for ``ref``), saving the second look-up."""
    from branches.documents.services import number_state

    request = context["request"]
    return {
        **number_state(request.user, kind, ref, record=record),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
