from django.contrib import admin
from django.db import transaction

from branches import audit

from .models import HoursEntry, StudyPolicy


@admin.register(StudyPolicy)
class StudyPolicyAdmin(admin.ModelAdmin):
    """The study rules are data; every change is audited with before/after."""

    list_display = ("name", "daily_cap_minutes", "annual_target_hours", "leader_annual_target_hours")

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(StudyPolicy.objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            audit.record(request.user, "study.policy_changed", obj, before=before, after=audit.snapshot(obj))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HoursEntry)
class HoursEntryAdmin(admin.ModelAdmin):
    """Read-only: the ledger is append-only; corrections are reversal rows made by the service."""

    list_display = ("created_at", "member", "hours", "year", "source", "rule")
    list_filter = ("source", "year")
    search_fields = ("member__name", "rule")
    raw_id_fields = ("member", "item", "session", "claim", "reverses")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
