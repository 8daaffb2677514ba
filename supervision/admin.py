from django.contrib import admin

from .models import EscalationRule, FindingCategory, SupervisionSettings


@admin.register(FindingCategory)
class FindingCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "colour", "condition", "threshold", "is_active"]


@admin.register(SupervisionSettings)
class SupervisionSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "inspectors_create_tasks", "pause_while_waiting_on_inspector"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SupervisionSettings.objects.exists()
