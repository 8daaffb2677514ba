"""The base API viewset: every scoped endpoint derives from it."""

from rest_framework import viewsets


class FetchBeforeWriteMixin:
    """A write on one object outside the caller's write scope is 404 before its body is read, so a malformed
    body tells nothing about objects elsewhere (the permission walk checks every write)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD", "OPTIONS") and self.kwargs.get(
            self.lookup_url_kwarg or self.lookup_field
        ):
            self.get_object()


class ScopedViewSetMixin(FetchBeforeWriteMixin):
    """Restrict the queryset to the caller's scope. Out of scope answers 404.

    Set ``queryset`` (the base, with select_related) and ``scope_action``; write
    actions use ``write_scope_action``.
    """

    scope_action = "view"
    write_scope_action = "change"
    # Actions whose object is reached with another scope, e.g. {"reports": "view"}: a first secretary files
    # their own report on a posting they may see but not change. The fetch-before-write check uses it too.
    action_scopes: dict[str, str] = {}
    scoped = True

    def get_queryset(self):
        action = self.action_scopes.get(getattr(self, "action", None)) or (
            self.scope_action if self.request.method in ("GET", "HEAD", "OPTIONS") else self.write_scope_action
        )
        return super().get_queryset().visible_to(self.request.user, action)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass
