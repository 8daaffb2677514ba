"""The import page: upload → dry run → confirm what is ticked. Calls ``branches.register.excel`` (one service)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from ..access import has_permission
from ..register import excel
from ..register.forms import ImportForm
from . import staging

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _apply_errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


def _flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _require_change(request):
    if not has_permission(request.user, "member.change"):
        raise PermissionDenied


@login_required
def import_template(request):
    _require_change(request)
    response = HttpResponse(excel.template_workbook(request.user), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="member-import-template.xlsx"'
    return response


class MemberImportView(LoginRequiredMixin, View):
    """Upload → dry run (mapping, problems, warnings, added/changed/missing) → confirm what is ticked.

    The checked file waits on the server, encrypted, referenced by an id (never in the session)."""

    template_name = "branches/member_import.html"

    def get(self, request):
        _require_change(request)
        return render(request, self.template_name, {"form": ImportForm()})

    def post(self, request):
        _require_change(request)
        if "apply" in request.POST:
            return self._apply(request)
        form = ImportForm(request.POST, request.FILES)
        ctx = {"form": form}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            mode = form.cleaned_data["mode"]
            try:
                result = excel.dry_run(request.user, content, mode=mode)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                ctx["result"] = result
                if result.ok:
                    ctx["upload"] = staging.stage(request.user, content, mode=mode, filename=upload.name)
                    ctx["form"] = ImportForm(initial={"mode": mode})
        return render(request, self.template_name, ctx)

    def _apply(self, request):
        found = staging.fetch(request.user, request.POST.get("upload"))
        if found is None:
            messages.error(request, _("Upload the file again: the checked file was not found or has expired."))
            return redirect("branches:member_import")
        upload, content = found
        try:
            result = excel.import_members(
                actor=request.user,
                content=content,
                mode=upload.mode,
                selected=set(request.POST.getlist("pick")),
                confirmed=request.POST.get("confirm") == "1",
            )
        except ValidationError as exc:
            _flash_errors(request, exc)
            return redirect("branches:member_import")
        staging.discard(upload)
        if upload.mode == "update":
            messages.success(
                request,
                _("%(added)s people added and %(changed)s changes applied.")
                % {"added": len(result["added"]), "changed": result["changed"]},
            )
        else:
            messages.success(request, _("%(n)s people were imported.") % {"n": len(result)})
        return redirect("branches:member_list")
