"""The base API viewset: every scoped endpoint derives from it."""

from rest_framework import viewsets


class ScopedViewSetMixin:
    """Restrict the queryset to the caller's scope. Out of scope answers 404.

    Set ``queryset`` (the base, with select_related) and ``scope_action``; write
    actions use ``write_scope_action``.
    """

    scope_action = "view"
    write_scope_action = "change"
    scoped = True

    def get_queryset(self):
        action = self.scope_action if self.request.method in ("GET", "HEAD", "OPTIONS") else self.write_scope_action
        return super().get_queryset().visible_to(self.request.user, action)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass
