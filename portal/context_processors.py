from branches.access import primary_grant

from .navigation import sections_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_sections": sections_for(user, request.path),
        "primary_grant": primary_grant(user),
    }


def notifications(request):
    """The bell's unread count: one cached COUNT per person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .notifications.services import unread_count

    return {"unread_notifications": unread_count(user)}
