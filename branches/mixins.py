"""Base view mixins: every page that shows scoped records goes through these."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.http import HttpResponse

from .models import Organization


class FragmentLoginMixin(LoginRequiredMixin):
    """For a view whose GET also answers htmx with a part of a page: a visitor signed out meanwhile gets 401,
    not the login page swapped into the page (the part's ``data-failed`` note asks to reload, and the reload
    leads to the login). Other requests go to the login as usual."""

    def handle_no_permission(self):
        if self.request.headers.get("HX-Request") == "true":
            return HttpResponse(status=401)
        return super().handle_no_permission()


class ScopedMixin(LoginRequiredMixin):
    """Restrict ``get_queryset`` to what the user may see; anything else is a 404.

    Set ``model`` and optionally ``scope_action`` (default ``"view"``). The
    permission walk test finds every view with this mixin by itself.
    """

    scope_action = "view"
    scoped = True

    def get_base_queryset(self):
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model")
        return self.model._default_manager.all()

    def get_queryset(self):
        return self.get_base_queryset().visible_to(self.request.user, self.scope_action)


class PaginatedMixin:
    paginate_by = 30

    def paginate(self, queryset):
        paginator = Paginator(queryset, self.paginate_by)
        return paginator.get_page(self.request.GET.get("page"))


def breadcrumbs_for(user, organization: Organization) -> list[Organization]:
    """The visible ancestors of an organisation (one query), root first."""
    ids = organization.ancestor_ids()
    if not ids:
        return []
    visible = Organization.objects.visible_to(user).filter(pk__in=ids).only("id", "name", "path")
    return sorted(visible, key=lambda o: o.path)
