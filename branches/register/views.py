"""Pages of the party-affairs register: members, import/export, committees and terms,
development and transfers. Each view fetches through ``visible_to`` and calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView

from .. import audit, idnumbers, rules, services
from ..access import has_permission
from ..crypto import blind_index
from ..mixins import PaginatedMixin, ScopedMixin, breadcrumbs_for
from ..models import (
    CommitteeSeat,
    DevelopmentStep,
    Member,
    MemberCategory,
    MemberEvent,
    Organization,
    Term,
    Transfer,
    TransferStatus,
)
from ..models.members import ACTIVE_STATUSES, LIST_COLUMNS, PARTY_MEMBER_CATEGORIES
from ..roster.search import masked_filters, search_query
from ..roster.views import MemberImportView, import_template  # noqa: F401  (urls use this module)
from . import excel
from . import services as register
from .forms import (
    MemberFilterForm,
    MemberForm,
    MoveForm,
    OrganizationCreateForm,
    RejectForm,
    RenameForm,
    SeatForm,
    StepForm,
    TermForm,
)
from .transfer_form import MemberTransferView  # noqa: F401  (urls use this module)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field_name, errors in exc.error_dict.items():
            target = field_name if field_name in form.fields else None
            for e in errors:
                form.add_error(target, e.messages[0] if hasattr(e, "messages") else str(e))
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _flash_form_errors(request, form) -> None:
    """The form's own messages (the API answers the same words)."""
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)


def _can(request, code) -> bool:
    return has_permission(request.user, code)


# --- Members -----------------------------------------------------------------------


def filtered_members(request):
    """The member list's queryset: scoped, filtered and sorted from the query string."""
    form = MemberFilterForm(request.GET or None, user=request.user)
    qs = Member.objects.visible_to(request.user, "view").select_related("organization__unit", "party_group")
    sort = "name"
    if form.is_valid():
        data = form.cleaned_data
        q = data.get("q", "").strip()
        if data.get("idh"):
            qs = qs.filter(id_number_hash=data["idh"])
        if q:
            normalised = idnumbers.normalise(q)
            if len(normalised) == 18:
                qs = qs.filter(id_number_hash=blind_index(normalised))
            else:
                qs = qs.filter(name__icontains=q)
        if data.get("org"):
            qs = qs.filter(organization__path__startswith=data["org"].path)
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("stage") == "party":
            qs = qs.filter(category__in=PARTY_MEMBER_CATEGORIES, status__in=ACTIVE_STATUSES)
        elif data.get("stage") == "pipeline":
            qs = qs.exclude(category__in=PARTY_MEMBER_CATEGORIES)
        sort = data.get("sort") or "name"
    elif form.is_bound:
        # An organisation outside the user's scope (or any bad value) matches nobody.
        qs = qs.none()
    order = {"organization": ["organization__path", "name"], "category": ["category", "name"]}.get(sort, [sort])
    return form, qs.order_by(*order, "id")


class MemberListView(ScopedMixin, PaginatedMixin, ListView):
    model = Member
    template_name = "branches/member_list.html"
    paginate_by = 30

    def get_queryset(self):
        self.filter_form, qs = filtered_members(self.request)
        # Only the columns the rows show (the ID number masked; never the phone, which is then not decrypted).
        return qs.only(*LIST_COLUMNS)

    def post(self, request, *args, **kwargs):
        """The search form posts here so an ID number never sits in a URL (F10): it is replaced by its
        keyed hash and the browser is sent to the GET list with the other filters."""
        return redirect(f"{reverse('branches:member_list')}?{search_query(request.POST)}")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter_form"] = self.filter_form
        ctx["can_change"] = _can(self.request, "member.change")
        ctx["can_import"] = _can(self.request, "org.manage") or ctx["can_change"]
        ctx["query"] = self.request.GET.urlencode()
        return ctx


# One file holds at most this many rows; the export streams, so memory does not grow with it.
EXPORT_MAX_ROWS = 100_000


class MemberExportView(ScopedMixin, View):
    """The filtered list as Excel. ID numbers stay masked unless the user may unmask them (then audited)."""

    model = Member

    def get(self, request):
        _form, qs = filtered_members(request)
        if request.GET.get("download") != "1":
            # First a page saying what the file will hold; the download link carries the filters.
            params = request.GET.copy()
            params["download"] = "1"
            return render(
                request,
                "branches/member_export.html",
                {
                    "count": qs.count(),
                    "unmasked": qs.filter(
                        pk__in=Member.objects.visible_to(request.user, "unmask").values("pk")
                    ).count(),
                    "download_query": params.urlencode(),
                    "max_rows": EXPORT_MAX_ROWS,
                    "back_query": request.GET.urlencode(),
                },
            )
        unmaskable = Member.objects.visible_to(request.user, "unmask").filter(pk=OuterRef("pk"))
        rows = qs.select_related("unit").annotate(can_unmask=Exists(unmaskable))[:EXPORT_MAX_ROWS]
        organizations = Organization.objects.filter(pk__in=rows.values("organization_id")).select_related("parent")
        tally = {"rows": 0, "unmasked": 0}

        def streamed():
            # Rows come from a server-side cursor in chunks; none is kept after it is written.
            for m in rows.iterator(chunk_size=2000):
                tally["rows"] += 1
                tally["unmasked"] += bool(m.can_unmask)
                yield m

        content = excel.export_workbook(request.user, streamed(), organizations=organizations)
        audit.record(
            request.user,
            "member.export" + (".unmasked" if tally["unmasked"] else ""),
            None,
            object_type="branches.member",
            after={**tally, "filters": masked_filters(request.GET.dict())},
            ip=request.META.get("REMOTE_ADDR"),
        )
        response = HttpResponse(content, content_type=XLSX)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="members-{stamp}.xlsx"'
        return response


class MemberCreateView(LoginRequiredMixin, FormView):
    form_class = MemberForm
    template_name = "branches/member_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _can(request, "member.change"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        managed = Organization.objects.visible_to(self.request.user, "member.change").exclude(kind="group")
        org = managed.filter(pk=self.request.GET.get("org") or 0).first()
        if org is None:
            only = list(managed[:2])
            org = only[0] if len(only) == 1 else None
        initial["organization"] = org
        initial["category"] = MemberCategory.FULL
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.service_kwargs()
        try:
            member = services.create_member(actor=self.request.user, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s was added to the register.") % {"name": member.name})
        return redirect("branches:member_detail", member.pk)


class MemberUpdateView(ScopedMixin, FormView):
    model = Member
    scope_action = "change"
    form_class = MemberForm
    template_name = "branches/member_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.object, **kwargs)

    def form_valid(self, form):
        data = form.service_kwargs()
        id_number = data.pop("id_number", None)
        try:
            services.update_member(actor=self.request.user, member=self.object, id_number=id_number, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("branches:member_detail", self.object.pk)


class MemberDetailView(ScopedMixin, DetailView):
    model = Member
    template_name = "branches/member_detail.html"
    context_object_name = "member"

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "party_group", "unit")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.object
        user = self.request.user
        today = timezone.localdate()
        ctx["breadcrumbs"] = breadcrumbs_for(user, m.organization) + [m.organization]
        ctx["events"] = MemberEvent.objects.filter(member=m).order_by("-date", "-id")
        ctx["steps"] = list(DevelopmentStep.objects.filter(member=m).order_by("date", "id"))
        # The steps just read, not pipeline()'s second read; the work calendar is read only if a date needs it.
        ctx["next_steps"] = register.next_steps(m, ctx["steps"], today, rules.all_values())
        ctx["seats"] = (
            CommitteeSeat.objects.filter(member=m).select_related("term__organization", "position").order_by("-start")
        )
        ctx["transfers"] = (
            Transfer.objects.filter(member=m).select_related("from_org", "to_org").order_by("-issued_on", "-id")
        )
        ctx["can_change"] = Member.objects.visible_to(user, "change").filter(pk=m.pk).exists()
        ctx["can_unmask"] = Member.objects.visible_to(user, "unmask").filter(pk=m.pk).exists()
        if ctx["can_change"]:
            ctx["step_form"] = StepForm(initial={"date": today})
        return ctx


@login_required
@require_POST
def member_unmask(request, pk):
    member = get_object_or_404(Member.objects.visible_to(request.user, "view"), pk=pk)
    try:
        value = services.unmask_member(actor=request.user, member=member, ip=request.META.get("REMOTE_ADDR"))
    except PermissionDenied:
        raise Http404 from None
    return render(request, "branches/_id_number.html", {"member": member, "value": value})


@login_required
@require_POST
def member_step(request, pk):
    member = get_object_or_404(Member.objects.visible_to(request.user, "change"), pk=pk)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            register.record_step(actor=request.user, member=member, **form.cleaned_data)
            messages.success(request, _("The step was recorded."))
        except ValidationError as exc:
            _flash_errors(request, exc)
    else:
        _flash_form_errors(request, form)
    return redirect("branches:member_detail", member.pk)


# --- Development -------------------------------------------------------------------


class DevelopmentView(ScopedMixin, PaginatedMixin, ListView):
    """People in the development pipeline and probationary members, with what is due next."""

    model = Member
    template_name = "branches/development_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = super().get_queryset().active().exclude(category=MemberCategory.FULL).select_related("organization__unit")
        category = self.request.GET.get("category")
        if category in MemberCategory.values:
            qs = qs.filter(category=category)
        return qs.order_by("category", "organization__path", "name", "id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = list(ctx["object_list"])
        plans = register.pipeline(rows, today)
        for m in rows:
            m.next_steps = plans[m.pk]
            m.is_overdue = any(s.overdue for s in m.next_steps)
        ctx["rows"] = rows
        ctx["today"] = today
        ctx["categories"] = [c for c in MemberCategory.choices if c[0] != MemberCategory.FULL]
        ctx["category"] = self.request.GET.get("category", "")
        ctx["overdue_count"] = sum(1 for m in rows if m.is_overdue)
        return ctx


# --- Transfers ---------------------------------------------------------------------


class TransferListView(ScopedMixin, PaginatedMixin, ListView):
    model = Transfer
    template_name = "branches/transfer_list.html"
    paginate_by = 30

    def get_queryset(self):
        qs = super().get_queryset().select_related("member", "from_org__unit", "to_org__unit")
        box = self.request.GET.get("box", "incoming")
        managed = Organization.objects.visible_to(self.request.user, "member.change").values("pk")
        if box == "incoming":
            qs = qs.filter(to_org__in=managed, status=TransferStatus.ISSUED)
        elif box == "outgoing":
            qs = qs.filter(from_org__in=managed)
        return qs.order_by("-issued_on", "-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["box"] = self.request.GET.get("box", "incoming")
        ctx["today"] = timezone.localdate()
        return ctx


class TransferDetailView(ScopedMixin, DetailView):
    model = Transfer
    template_name = "branches/transfer_detail.html"
    context_object_name = "letter"

    def get_queryset(self):
        return super().get_queryset().select_related("member", "from_org", "to_org", "issued_by", "decided_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        letter = self.object
        ctx["can_decide"] = (
            letter.status == TransferStatus.ISSUED
            and Transfer.objects.incoming_for(self.request.user).filter(pk=letter.pk).exists()
        )
        ctx["reject_form"] = kwargs.get("reject_form") or RejectForm()
        ctx["history"] = MemberEvent.objects.filter(member=letter.member, kind__startswith="transfer").order_by(
            "-date", "-id"
        )
        ctx["member_visible"] = Member.objects.visible_to(self.request.user).filter(pk=letter.member_id).exists()
        return ctx

    def post(self, request, pk):
        self.object = letter = self.get_object()
        try:
            if "accept" in request.POST:
                register.accept_transfer(actor=request.user, transfer=letter)
                messages.success(
                    request,
                    _("Accepted: %(name)s now belongs to %(org)s.")
                    % {"name": letter.member.name, "org": letter.to_org},
                )
            else:
                form = RejectForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(reject_form=form))
                register.reject_transfer(actor=request.user, transfer=letter, reason=form.cleaned_data["reason"])
                messages.success(request, _("The letter was rejected; the sender sees your reason."))
        except ValidationError as exc:
            _flash_errors(request, exc)
        return redirect("branches:transfer_detail", letter.pk)


# --- Terms and committees ----------------------------------------------------------


class TermListView(ScopedMixin, DetailView):
    """An organisation's committee and terms (届), with forms to record them."""

    model = Organization
    template_name = "branches/term_list.html"
    context_object_name = "org"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org = self.object
        user = self.request.user
        ctx["breadcrumbs"] = breadcrumbs_for(user, org)
        seats = CommitteeSeat.objects.select_related("member", "position").order_by("position__order", "start")
        terms = list(
            Term.objects.filter(organization=org).prefetch_related(Prefetch("seats", queryset=seats)).order_by("-start")
        )
        ctx["terms"] = terms
        ctx["current"] = terms[0] if terms else None
        ctx["today"] = timezone.localdate()
        ctx["can_change"] = Organization.objects.visible_to(user, "member.change").filter(pk=org.pk).exists()
        if ctx["can_change"]:
            ctx["term_form"] = kwargs.get("term_form") or TermForm()
            if terms:
                ctx["seat_form"] = kwargs.get("seat_form") or SeatForm(user=user, organization=org)
        ctx["warnings"] = register.structure_warnings_many([org]).get(org.pk, [])
        return ctx

    def post(self, request, pk):
        self.object = org = self.get_object()
        action = request.POST.get("action")
        try:
            if action == "term":
                form = TermForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(term_form=form))
                try:
                    register.record_term(actor=request.user, organization=org, **form.cleaned_data)
                except ValidationError as exc:
                    _apply_errors(form, exc)
                    return self.render_to_response(self.get_context_data(term_form=form))
                messages.success(request, _("The term was recorded."))
            elif action == "seat":
                term = register.current_term(org)
                form = SeatForm(request.POST, user=request.user, organization=org)
                if term is None or not form.is_valid():
                    return self.render_to_response(self.get_context_data(seat_form=form))
                try:
                    register.add_seat(actor=request.user, term=term, **form.cleaned_data)
                except ValidationError as exc:
                    _apply_errors(form, exc)
                    return self.render_to_response(self.get_context_data(seat_form=form))
                messages.success(request, _("The committee member was recorded."))
            elif action == "end_seat":
                seat = get_object_or_404(
                    CommitteeSeat.objects.filter(term__organization=org), pk=request.POST.get("seat")
                )
                register.end_seat(actor=request.user, seat=seat)
                messages.success(request, _("The seat was ended; it stays in the history."))
        except ValidationError as exc:
            _flash_errors(request, exc)
        return redirect("branches:term_list", org.pk)


# --- Organisations (create, rename, move) ------------------------------------------


class OrganizationCreateView(LoginRequiredMixin, FormView):
    form_class = OrganizationCreateForm
    template_name = "branches/organization_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _can(request, "org.manage"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"parent": self.request.GET.get("parent"), "kind": "branch"}

    def form_valid(self, form):
        try:
            org = services.create_organization(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s was created.") % {"name": org.name})
        return redirect("branches:organization_detail", org.pk)


@login_required
@require_POST
def organization_rename(request, pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user, "org.manage"), pk=pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            services.update_organization(actor=request.user, organization=org, name=form.cleaned_data["name"])
            messages.success(request, _("Renamed."))
        except ValidationError as exc:
            _flash_errors(request, exc)
    else:
        _flash_form_errors(request, form)
    return redirect("branches:organization_detail", org.pk)


@login_required
@require_POST
def organization_move(request, pk):
    org = get_object_or_404(Organization.objects.visible_to(request.user, "org.manage"), pk=pk)
    form = MoveForm(request.POST, user=request.user, organization=org)
    if form.is_valid():
        try:
            services.move_organization(actor=request.user, organization=org, new_parent=form.cleaned_data["parent"])
            messages.success(request, _("Moved."))
        except ValidationError as exc:
            _flash_errors(request, exc)
    else:
        _flash_form_errors(request, form)
    return redirect("branches:organization_detail", org.pk)


def organization_register_context(request, org) -> dict:
    """Extra context for the organisation page: committee, warnings and the manage forms."""
    user = request.user
    term = register.current_term(org)
    ctx = {
        "current_term": term,
        "committee": list(
            term.seats.filter(end__isnull=True).select_related("member", "position").order_by("position__order")
        )
        if term
        else [],
        "warnings": register.structure_warnings_many([org]).get(org.pk, []),
        "can_manage": org.parent_id is not None
        and Organization.objects.visible_to(user, "org.manage").filter(pk=org.pk).exists(),
        "members_url": f"{reverse('branches:member_list')}?org={org.pk}",
    }
    if ctx["can_manage"]:
        ctx["rename_form"] = RenameForm(initial={"name": org.name})
        ctx["move_form"] = MoveForm(user=user, organization=org)
    return ctx
