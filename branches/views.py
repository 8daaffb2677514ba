from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.views.generic import DetailView, ListView

from .access import has_permission
from .mixins import PaginatedMixin, ScopedMixin, breadcrumbs_for
from .models import CommitteeSeat, Organization
from .register import services as register
from .stats import kept_member_counts


def with_member_counts(orgs):
    """Set ``member_count`` on each organisation (``stats.kept_member_counts``); returns the list."""
    orgs = list(orgs)
    counts = kept_member_counts(orgs)
    for o in orgs:
        o.member_count = counts[o.pk]
    return orgs


def _with_counts(queryset):
    """Direct children and the current secretary of each organisation (member counts: ``with_member_counts``)."""
    children = Organization.objects.filter(parent=OuterRef("pk")).order_by().values(one=Value(1))
    return queryset.select_related("unit").annotate(
        child_count=Coalesce(Subquery(children.annotate(n=Count("pk")).values("n")), 0),
        secretary_name=Subquery(
            CommitteeSeat.objects.filter(
                term__organization=OuterRef("pk"), end__isnull=True, position__is_secretary=True
            ).values("member__name")[:1]
        ),
    )


class OrganizationListView(ScopedMixin, PaginatedMixin, ListView):
    """The organisation tree as far as the user may see it, indented by depth."""

    model = Organization
    template_name = "branches/organization_list.html"
    paginate_by = 50  # as the other lists: a city tree is 1,100 organisations, 22 pages

    def get_queryset(self):
        qs = _with_counts(super().get_queryset()).order_by("path")
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(name__icontains=q)
        kind = self.request.GET.get("kind")
        if kind:
            qs = qs.filter(kind=kind)
        # ``org``: one organisation's subtree; ``active=1``: active organisations only (as the dashboards count).
        self.subtree = None
        org_id = self.request.GET.get("org", "")
        if org_id:
            visible = Organization.objects.visible_to(self.request.user, self.scope_action)
            found = visible.filter(pk=org_id) if org_id.isdigit() else visible.none()
            self.subtree = found.only("id", "name", "path").first()
            qs = qs.filter(path__startswith=self.subtree.path) if self.subtree else qs.none()
        if self.request.GET.get("active") == "1":
            qs = qs.filter(is_active=True)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = with_member_counts(ctx["object_list"])
        min_depth = min((o.depth for o in rows), default=0)
        warnings = register.structure_warnings_many(rows)
        for o in rows:
            o.indent = o.depth - min_depth
            o.warnings = warnings.get(o.pk, [])
        ctx["rows"] = rows
        ctx["kinds"] = Organization._meta.get_field("kind").choices
        ctx["q"] = self.request.GET.get("q", "")
        ctx["kind"] = self.request.GET.get("kind", "")
        ctx["subtree"] = self.subtree
        ctx["active_only"] = self.request.GET.get("active") == "1"
        ctx["can_manage"] = has_permission(self.request.user, "org.manage")
        ctx["today"] = timezone.localdate()
        return ctx


class OrganizationDetailView(ScopedMixin, DetailView):
    model = Organization
    template_name = "branches/organization_detail.html"
    context_object_name = "org"

    def get_queryset(self):
        return _with_counts(super().get_queryset())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org = self.object
        ctx["breadcrumbs"] = breadcrumbs_for(self.request.user, org)
        children = _with_counts(Organization.objects.visible_to(self.request.user).filter(parent=org))
        ctx["children"] = list(children.order_by("order", "name"))
        with_member_counts([org, *ctx["children"]])
        from .register.views import organization_register_context

        ctx.update(organization_register_context(self.request, org))
        return ctx
