"""Notice pages. Each fetches through the scoped querysets and calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from branches.access import has_permission
from branches.mixins import PaginatedMixin, ScopedMixin
from branches.models import Organization
from branches.uploads import serve

from . import services, statistics
from .forms import CorrectForm, FileForm, NoticeForm, SignForm, WithdrawForm
from .models import Notice, NoticeCategory, NoticeFile, NoticeRecipient, NoticeStatus


def error_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


class NoticeInboxView(LoginRequiredMixin, PaginatedMixin, ListView):
    """The notices the user received (published, their time come), unread and unsigned first marked."""

    template_name = "notices/notice_inbox.html"
    paginate_by = 20

    def get_queryset(self):
        user = self.request.user
        mine = NoticeRecipient.objects.filter(notice=OuterRef("pk"), user=user)
        qs = (
            Notice.objects.received_by(user)
            .select_related("organization")
            .annotate(
                is_read=Exists(mine.filter(read_at__isnull=False)),
                is_signed=Exists(mine.filter(signed_at__isnull=False)),
            )
            .order_by("-published_at", "-id")
        )
        category = self.request.GET.get("category")
        if category in NoticeCategory.values:
            qs = qs.filter(category=category)
        if self.request.GET.get("unsigned") == "1":
            qs = qs.filter(requires_receipt=True, is_signed=False, status=NoticeStatus.PUBLISHED)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["categories"] = NoticeCategory.choices
        ctx["f"] = self.request.GET
        ctx["can_send"] = has_permission(self.request.user, "notice.send")
        return ctx


class NoticeSentListView(ScopedMixin, PaginatedMixin, ListView):
    """Notices of the organisations the user may send for, with their receipt counts."""

    model = Notice
    template_name = "notices/notice_sent.html"
    paginate_by = 30

    def get_queryset(self):
        qs = super().get_queryset().select_related("organization").order_by("-created_at", "-id")
        g = self.request.GET
        if g.get("status") in NoticeStatus.values:
            qs = qs.filter(status=g["status"])
        if g.get("q"):
            qs = qs.filter(title__icontains=g["q"].strip()[:100])
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["statuses"] = NoticeStatus.choices
        ctx["f"] = self.request.GET
        return ctx


class NoticeCreateView(LoginRequiredMixin, FormView):
    template_name = "notices/notice_form.html"
    form_class = NoticeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, "notice.send"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        d = form.cleaned_data
        files = [(d["file"], d.get("doc_number", ""), d.get("classification") or "public")] if d.get("file") else []
        try:
            notice = services.create_notice(
                actor=self.request.user,
                organization=d["organization"],
                category=d["category"],
                title=d["title"],
                body=d["body"],
                audience=d["audience"],
                requires_receipt=d["requires_receipt"],
                receipt_deadline=d.get("receipt_deadline"),
                receipt_working_days=d.get("receipt_working_days"),
                files=files,
                publish=d["publish"] != "draft",
                publish_at=d.get("publish_at") if d["publish"] == "later" else None,
            )
        except ValidationError as exc:
            for field, errs in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
                for e in errs:
                    form.add_error(field if field in form.fields else None, e)
            return self.form_invalid(form)
        messages.success(self.request, _("The notice is saved."))
        return redirect("notices:notice_detail", notice.pk)


class NoticeDetailView(ScopedMixin, DetailView):
    """Senders and recipients. Opening it as a recipient records the read."""

    model = Notice
    template_name = "notices/notice_detail.html"
    context_object_name = "notice"

    def get_queryset(self):
        return (
            Notice.objects.accessible_to(self.request.user)
            .select_related("organization")
            .prefetch_related("files", "versions", "audience__organization", "audience__user")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        n, user = self.object, self.request.user
        mine = NoticeRecipient.objects.filter(notice=n, user=user).first()
        if mine is not None and mine.read_at is None and not n.is_scheduled():
            services.record_read(actor=user, notice=n)
        ctx["mine"] = mine
        ctx["can_manage"] = Notice.objects.visible_to(user, "change").filter(pk=n.pk).exists()
        ctx["sign_form"] = SignForm()
        ctx["withdraw_form"] = WithdrawForm()
        ctx["file_form"] = FileForm()
        ctx["now"] = timezone.now()
        return ctx


class NoticeStatsView(ScopedMixin, DetailView):
    """Read and receipt rates by organisation and who has not signed: a fixed number of queries."""

    model = Notice
    template_name = "notices/notice_stats.html"
    context_object_name = "notice"

    def get_queryset(self):
        return super().get_queryset().select_related("organization")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        n = self.object
        base = n.organization
        org_id = self.request.GET.get("org", "")
        if org_id.isdigit():
            base = (
                Organization.objects.visible_to(self.request.user, "notice.send")
                .filter(pk=org_id, path__startswith=n.organization.path)
                .first()
                or base
            )
        total, rows = statistics.breakdown(n, base)
        ctx.update(base=base, total=total, rows=rows)
        page = PaginatedMixin()
        page.request = self.request
        ctx["unsigned"] = page.paginate(statistics.unsigned(n, base)) if n.requires_receipt else None
        return ctx


class NoticeActionView(LoginRequiredMixin, View):
    """POST-only actions: fetch in scope (404 outside), call one service, go back."""

    def notice(self, request, pk, *, received=False):
        qs = (
            Notice.objects.accessible_to(request.user)
            if received
            else Notice.objects.visible_to(request.user, "change")
        )
        return get_object_or_404(qs, pk=pk)

    def done(self, request, notice, ok_message, call, anchor="", target="notices:notice_detail"):
        try:
            call()
        except ValidationError as exc:
            for m in error_messages(exc):
                messages.error(request, m)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do that."))
        else:
            messages.success(request, ok_message)
        return redirect(reverse(target, args=[notice.pk]) + anchor)


class SignView(NoticeActionView):
    def post(self, request, pk):
        notice = self.notice(request, pk, received=True)
        form = SignForm(request.POST)
        reply = form.cleaned_data["reply"] if form.is_valid() else ""
        return self.done(
            request,
            notice,
            _("Signed. Thank you."),
            lambda: services.sign_notice(actor=request.user, notice=notice, reply=reply),
        )


class PublishView(NoticeActionView):
    def post(self, request, pk):
        notice = self.notice(request, pk)
        return self.done(
            request,
            notice,
            _("The notice is published."),
            lambda: services.publish_notice(actor=request.user, notice=notice),
        )


class RemindView(NoticeActionView):
    def post(self, request, pk):
        notice = self.notice(request, pk)
        count = []

        def call():
            count.append(services.remind_unsigned(actor=request.user, notice=notice))

        response = self.done(request, notice, _("Reminders sent."), call, target="notices:notice_stats")
        return response


class WithdrawView(NoticeActionView):
    def post(self, request, pk):
        notice = self.notice(request, pk)
        form = WithdrawForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        return self.done(
            request,
            notice,
            _("The notice is withdrawn."),
            lambda: services.withdraw_notice(actor=request.user, notice=notice, reason=reason),
        )


class UploadView(NoticeActionView):
    def post(self, request, pk):
        notice = self.notice(request, pk)
        form = FileForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a file to upload."))
            return redirect("notices:notice_detail", notice.pk)
        d = form.cleaned_data
        return self.done(
            request,
            notice,
            _("The file is attached."),
            lambda: services.add_file(
                actor=request.user,
                notice=notice,
                uploaded=d["file"],
                doc_number=d["doc_number"],
                classification=d["classification"],
            ),
        )


class CorrectView(LoginRequiredMixin, View):
    template_name = "notices/notice_correct.html"

    def get_notice(self, request, pk):
        return get_object_or_404(Notice.objects.visible_to(request.user, "change"), pk=pk)

    def get(self, request, pk):
        n = self.get_notice(request, pk)
        form = CorrectForm(initial={"title": n.title, "body": n.body})
        return render(request, self.template_name, {"notice": n, "form": form})

    def post(self, request, pk):
        n = self.get_notice(request, pk)
        form = CorrectForm(request.POST)
        if form.is_valid():
            try:
                services.correct_notice(actor=request.user, notice=n, **form.cleaned_data)
            except ValidationError as exc:
                for m in error_messages(exc):
                    form.add_error(None, m)
            else:
                messages.success(request, _("The correction is published; recipients are told what changed."))
                return redirect("notices:notice_detail", n.pk)
        return render(request, self.template_name, {"notice": n, "form": form})


class FileView(ScopedMixin, View):
    """Download a notice file (recipients and senders); every download is logged per person."""

    model = NoticeFile

    def get(self, request, pk, file_id):
        notice = get_object_or_404(Notice.objects.accessible_to(request.user), pk=pk)
        att = notice.files.filter(pk=file_id).first()
        if att is None:
            raise Http404
        services.log_download(actor=request.user, file=att)
        return serve(att, inline=att.is_image)


def _period(request):
    from branches import periods

    key = request.GET.get("period", "")
    try:
        return periods.parse(key) if key else periods.period_containing("year", periods.today())
    except (ValueError, TypeError):
        return periods.period_containing("year", periods.today())


class ReceiptListView(ScopedMixin, PaginatedMixin, ListView):
    """Recipients of receipt-required notices in a period under an organisation: the receipt rate's list."""

    model = NoticeRecipient
    template_name = "notices/receipt_list.html"
    paginate_by = 50

    def get_queryset(self):
        from .metrics import receipt_rows

        self.period = _period(self.request)
        qs = super().get_queryset().filter(pk__in=receipt_rows(self.period).values("pk"))
        org_id = self.request.GET.get("org", "")
        self.org = None
        if org_id.isdigit():
            self.org = Organization.objects.visible_to(self.request.user, "notice.send").filter(pk=org_id).first()
            qs = qs.filter(organization__path__startswith=self.org.path) if self.org else qs.none()
        if self.request.GET.get("signed") in ("0", "1"):
            qs = qs.filter(signed_at__isnull=self.request.GET["signed"] == "0")
        return (
            qs.select_related("notice", "user", "organization__unit")
            .only(
                "id",
                "signed_at",
                "read_at",
                "notice__title",
                "user__full_name",
                "user__username",
                "organization__name",
                "organization__depth",
                "organization__unit__name",
            )
            .order_by("organization__path", "notice_id", "id")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["signed_count"] = self.object_list.filter(signed_at__isnull=False).count()
        ctx.update(period=self.period, org=self.org, f=self.request.GET)
        return ctx
