"""Pages of 联学联建. Every page fetches through ``visible_to``; views call one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from branches import periods
from branches.access import has_permission
from branches.mixins import PaginatedMixin, ScopedMixin, breadcrumbs_for
from branches.models import Organization
from branches.querysets import in_subtree
from branches.uploads import serve

from .. import exports as exports_common
from ..common import ScopedAction, error_messages, half_year_start, org_filter, period_from, year_from
from ..forms import UploadForm
from . import exports, services, stats
from .forms import ActivityForm, EndForm, PairingEditForm, PairingForm
from .models import ActivityPhoto, JointActivity, Pairing, PartnerKind


class PairingListView(ScopedMixin, PaginatedMixin, ListView):
    """Pairings in scope; ``?status=idle``: in force and no activity since the half-year began."""

    model = Pairing
    template_name = "practice/pairing_list.html"
    paginate_by = 30

    def get_queryset(self):
        today = periods.today()
        half = half_year_start(today)
        qs = (
            super()
            .get_queryset()
            .select_related("organization__unit")
            .annotate(
                last_activity=Max("activities__date"),
                recent=Count("activities", filter=Q(activities__date__gte=half)),
            )
            .order_by("organization__path", "-start_date", "id")
        )
        g = self.request.GET
        org, named = org_filter(self.request)
        if named:
            qs = in_subtree(qs, "organization", org) if org else qs.none()
        status = g.get("status")
        if status == "active":
            qs = qs.filter(end_date__isnull=True)
        elif status == "ended":
            qs = qs.filter(end_date__isnull=False)
        elif status == "idle":
            qs = qs.filter(end_date__isnull=True, recent=0)
        if g.get("kind") in PartnerKind.values:
            qs = qs.filter(partner_kind=g["kind"])
        if g.get("q"):
            qs = qs.filter(partner_name__icontains=g["q"].strip())
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["f"] = self.request.GET
        ctx["kinds"] = PartnerKind.choices
        ctx["can_create"] = has_permission(self.request.user, "practice.manage")
        ctx["half_start"] = half_year_start(periods.today())
        return ctx


def _activities():
    return JointActivity.objects.annotate(people=Count("participants", distinct=True)).prefetch_related("photos")


class PairingDetailView(ScopedMixin, DetailView):
    model = Pairing
    template_name = "practice/pairing_detail.html"
    context_object_name = "pairing"

    def get_base_queryset(self):
        return Pairing.objects.select_related("organization", "partner_organization").prefetch_related(
            Prefetch("activities", queryset=_activities())
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        p, user = self.object, self.request.user
        year = year_from(self.request)
        ctx["breadcrumbs"] = breadcrumbs_for(user, p.organization) + [p.organization]
        ctx["year"] = year
        ctx["quarters"] = stats.quarter_counts([p.pk], year)[p.pk]
        ctx["can_log"] = p.is_active and services.side_of(user, p) is not None
        ctx["can_manage"] = p.is_active and Pairing.objects.visible_to(user, "manage").filter(pk=p.pk).exists()
        ctx["end_form"] = EndForm(initial={"end_date": periods.today()})
        return ctx


class PairingCreateView(LoginRequiredMixin, FormView):
    form_class = PairingForm
    template_name = "practice/pairing_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, "practice.manage"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            pairing = services.create_pairing(actor=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            for msg in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
                form.add_error(None, msg)
            return self.form_invalid(form)
        messages.success(self.request, _("The pairing is recorded."))
        return redirect("practice:pairing_detail", pairing.pk)


class PairingUpdateView(ScopedAction):
    """Edit a pairing in force (partner, contact, goals, annual plan): its managers only, 404 for anyone else.

    Not marked ``scoped`` for the permission walk (the branch secretary sees the pairing but may not edit it);
    ``tests/practice/test_pairing_edit.py`` walks it with personas inside, beside and above instead.
    """

    model = Pairing
    scope_action = "manage"
    template_name = "practice/pairing_form.html"

    def _page(self, request, pairing, form):
        return render(request, self.template_name, {"form": form, "pairing": pairing})

    def get(self, request, pk):
        pairing = self.get_object(pk)
        if not pairing.is_active:
            messages.error(request, _("This pairing has ended; its record is kept as it was."))
            return redirect("practice:pairing_detail", pk)
        initial = {name: getattr(pairing, name) for name in services.PAIRING_FIELDS}
        return self._page(request, pairing, PairingEditForm(initial=initial, user=request.user))

    def post(self, request, pk):
        pairing = self.get_object(pk)
        form = PairingEditForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.update_pairing(actor=request.user, pairing=pairing, **form.cleaned_data)
            except ValidationError as exc:
                for msg in error_messages(exc):
                    form.add_error(None, msg)
            else:
                messages.success(request, _("The pairing is updated."))
                return redirect("practice:pairing_detail", pk)
        return self._page(request, pairing, form)


class PairingEndView(ScopedAction):
    model = Pairing
    scope_action = "manage"

    def post(self, request, pk):
        pairing = self.get_object(pk)
        form = EndForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter the date the pairing ends."))
            return redirect("practice:pairing_detail", pk)
        try:
            services.end_pairing(
                actor=request.user,
                pairing=pairing,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for msg in error_messages(exc):
                messages.error(request, msg)
        else:
            messages.success(request, _("The pairing is ended; its history is kept."))
        return redirect("practice:pairing_detail", pk)


class ActivityCreateView(ScopedMixin, View):
    model = Pairing
    scope_action = "change"
    template_name = "practice/jointactivity_form.html"

    def pairing(self, pk):
        return get_object_or_404(self.get_queryset().select_related("organization", "partner_organization"), pk=pk)

    def render(self, request, pairing, form):
        return render(request, self.template_name, {"pairing": pairing, "form": form})

    def get(self, request, pk):
        pairing = self.pairing(pk)
        members = services.participant_choices(request.user, pairing)
        return self.render(request, pairing, ActivityForm(members=members, initial={"date": periods.today()}))

    def post(self, request, pk):
        pairing = self.pairing(pk)
        form = ActivityForm(request.POST, request.FILES, members=services.participant_choices(request.user, pairing))
        if not form.is_valid():
            return self.render(request, pairing, form)
        try:
            activity = services.log_activity(actor=request.user, pairing=pairing, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            for msg in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
                form.add_error(None, msg)
            return self.render(request, pairing, form)
        messages.success(request, _("The joint activity is logged."))
        return redirect("practice:activity_detail", activity.pk)


class ActivityListView(ScopedMixin, PaginatedMixin, ListView):
    """The joint activities held in a period under an organisation: the list behind the activities figure."""

    model = JointActivity
    template_name = "practice/jointactivity_list.html"
    paginate_by = 30

    def activities(self):
        """The visible activities of the period under the named organisation, newest first."""
        self.period = period_from(self.request)
        qs = (
            super()
            .get_queryset()
            .filter(date__gte=self.period.start, date__lte=self.period.end)
            .order_by("-date", "-id")
        )
        org, named = org_filter(self.request)
        if named:
            qs = in_subtree(qs, "pairing__organization", org) if org else qs.none()
        return qs

    def get_queryset(self):
        # Only what a row shows. The participants are counted for the page's rows alone (get_context_data):
        # a COUNT over the participants' join grouped every activity of the period before the page was cut.
        return (
            self.activities()
            .select_related("pairing__organization__unit")
            .only(
                "id",
                "title",
                "date",
                "outside_count",
                "pairing__id",
                "pairing__partner_name",
                "pairing__organization__id",
                "pairing__organization__name",
                "pairing__organization__depth",
                "pairing__organization__unit__id",
                "pairing__organization__unit__name",
            )
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = list(ctx["object_list"])
        people = stats.participant_counts([a.pk for a in rows])
        for a in rows:
            a.people = people.get(a.pk, 0)
        if ctx.get("page_obj") is not None:
            ctx["page_obj"].object_list = rows
        return {**ctx, "object_list": rows, "period": self.period, "f": self.request.GET}


class ActivityDetailView(ScopedMixin, DetailView):
    model = JointActivity
    template_name = "practice/jointactivity_detail.html"
    context_object_name = "activity"

    def get_base_queryset(self):
        return JointActivity.objects.select_related("pairing", "pairing__organization").prefetch_related(
            "photos", Prefetch("participants", queryset=_participants())
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        a = self.object
        ctx["can_add_photo"] = services.side_of(self.request.user, a.pairing) is not None
        ctx["upload_form"] = UploadForm()
        return ctx


def _participants():
    from branches.models import Member

    return Member.objects.for_choices().order_by("name")


class PhotoUploadView(ScopedAction):
    model = JointActivity
    scope_action = "change"

    def post(self, request, pk):
        activity = self.get_object(pk)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a file to upload."))
            return redirect("practice:activity_detail", pk)
        try:
            services.add_photo(actor=request.user, activity=activity, uploaded=form.cleaned_data["file"])
        except (ValidationError, PermissionDenied) as exc:
            for msg in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
                messages.error(request, msg)
        else:
            messages.success(request, _("The photo is added."))
        return redirect("practice:activity_detail", pk)


class PhotoView(ScopedMixin, View):
    model = ActivityPhoto
    thumbnail = False

    def get(self, request, pk):
        photo = get_object_or_404(self.get_queryset(), pk=pk)
        return serve(photo, thumbnail=self.thumbnail)


class CoverageView(ScopedMixin, View):
    """Units under an organisation with a pairing in force in the period (the coverage figure), and the rest."""

    model = Pairing
    template_name = "practice/pairing_coverage.html"

    def get(self, request):
        period = period_from(request)
        org, named = org_filter(request)
        if named and org is None:
            raise Http404
        if org is None:
            org = Organization.objects.visible_to(request.user, "practice.view").order_by("path").first()
        if org is None:
            raise Http404
        units = stats.units_under(org)
        covered = stats.covered_units([org], period)[org.pk] & set(units)
        return render(
            request,
            self.template_name,
            {
                "org": org,
                "period": period,
                "covered": [(pk, name) for pk, name in units.items() if pk in covered],
                "uncovered": [(pk, name) for pk, name in units.items() if pk not in covered],
                "f": request.GET,
            },
        )


class QuarterView(ScopedMixin, PaginatedMixin, View):
    """Activity counts per pairing per quarter of a year."""

    model = Pairing
    template_name = "practice/pairing_quarters.html"

    def get(self, request):
        year = year_from(request)
        qs = self.get_queryset().select_related("organization__unit").order_by("organization__path", "id")
        qs = qs.filter(start_date__year__lte=year).filter(Q(end_date__isnull=True) | Q(end_date__year__gte=year))
        org, named = org_filter(request)
        if named:
            qs = in_subtree(qs, "organization", org) if org else qs.none()
        page = self.paginate(qs)
        counts = stats.quarter_counts([p.pk for p in page], year)
        rows = [(p, counts[p.pk], sum(counts[p.pk])) for p in page]
        return render(request, self.template_name, {"page_obj": page, "rows": rows, "year": year, "f": request.GET})


class ActivityExportView(ActivityListView):
    """The activity list with the same filters, as Excel."""

    # Same queryset as the list (visible_to); the walk reads page bodies as text, so tests/practice/test_exports.py
    # checks this binary export\'s scope instead.
    scoped = False

    def get(self, request, *args, **kwargs):
        qs = (
            self.activities()
            .select_related("pairing__organization")
            .defer("pairing__goals", "pairing__annual_plan")
            .annotate(people=Count("participants", distinct=True))
        )
        return exports_common.response(exports.activities_xlsx(qs, self.period), f"联学联建活动{self.period.key}.xlsx")
