"""Group robots of the organisations a person manages: list, bind, change, remove."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from branches.access import has_permission
from branches.mixins import ScopedMixin

from ..notifications.models import DeliveryState
from . import services as service
from .forms import GroupRobotForm
from .models import GroupRobot, RobotPost


class GroupRobotListView(ScopedMixin, ListView):
    model = GroupRobot
    template_name = "portal/grouprobot_list.html"
    context_object_name = "robots"

    def get_queryset(self):
        last = RobotPost.objects.filter(robot=OuterRef("pk")).order_by("-day", "-id")
        return (
            super()
            .get_queryset()
            .select_related("organization")
            .annotate(
                last_day=Subquery(last.values("day")[:1]),
                last_state=Subquery(last.values("state")[:1]),
                last_error=Subquery(last.values("last_error")[:1]),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["base_url_ready"] = service.base_url_ready()
        context["can_bind"] = has_permission(self.request.user, service.PERMISSION)
        context["states"] = dict(DeliveryState.choices)
        return context


@login_required
def robot_create(request):
    if not has_permission(request.user, service.PERMISSION):
        raise PermissionDenied
    form = GroupRobotForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            service.bind_robot(
                actor=request.user, organization=form.cleaned_data["organization"], data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Group robot saved."))
            return redirect("notifications:robots")
    return render(request, "portal/grouprobot_form.html", {"form": form, "base_url_ready": service.base_url_ready()})


class GroupRobotUpdateView(ScopedMixin, View):
    model = GroupRobot
    scope_action = "change"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        from django.shortcuts import get_object_or_404

        self.robot = get_object_or_404(self.get_queryset().select_related("organization"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        initial = {f: getattr(self.robot, f) for f in ("name", "platform", "keyword", "enabled")}
        form = GroupRobotForm(initial=initial, user=request.user, robot=self.robot)
        return self._render(form)

    def post(self, request, pk):
        if "remove" in request.POST:
            service.remove_robot(actor=request.user, robot=self.robot)
            messages.success(request, _("Group robot removed."))
            return redirect("notifications:robots")
        form = GroupRobotForm(request.POST, user=request.user, robot=self.robot)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if not data.get("webhook_url"):
                data.pop("webhook_url", None)
            try:
                service.bind_robot(
                    actor=request.user, organization=self.robot.organization, data=data, robot=self.robot
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Group robot saved."))
                return redirect("notifications:robots")
        return self._render(form)

    def _render(self, form):
        return render(
            self.request,
            "portal/grouprobot_form.html",
            {"form": form, "robot": self.robot, "base_url_ready": service.base_url_ready()},
        )
