"""The dues rule data (brackets) and local practice numbers (settings): data, every change audited."""

from django.contrib import admin
from django.db import transaction

from branches import audit

from .models import DuesRule, DuesSettings


class AuditedAdmin(admin.ModelAdmin):
    action = ""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            audit.record(request.user, self.action, obj, before=before, after=audit.snapshot(obj))

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(request.user, self.action, obj, before=audit.snapshot(obj))
            super().delete_model(request, obj)


@admin.register(DuesSettings)
class DuesSettingsAdmin(AuditedAdmin):
    """One row (the first is the one read; without a row the defaults apply)."""

    action = "dues.settings_changed"
    list_display = ("__str__", "central_threshold", "talk_after_months", "handle_after_months", "arrears_window_months")

    def has_add_permission(self, request):
        return not DuesSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DuesRule)
class DuesRuleAdmin(AuditedAdmin):
    """Brackets per category; a category without rows uses the regulation's defaults (dues.rules)."""

    action = "dues.rule_changed"
    list_display = ("category", "up_to", "rate_percent", "fixed_amount")
    list_filter = ("category",)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
