"""The committee's supervision rules page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from .. import services
from ..forms import SettingsForm
from ..models import SupervisionSettings


class SettingsView(LoginRequiredMixin, FormView):
    form_class = SettingsForm
    template_name = "supervision/settings.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.may_configure(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        row = SupervisionSettings.current()
        return {name: getattr(row, name) for name in SettingsForm.base_fields}

    def form_valid(self, form):
        try:
            services.update_settings(actor=self.request.user, **form.cleaned_data)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("The supervision rules were saved."))
        return redirect("supervision:settings")
