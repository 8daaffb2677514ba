from django.contrib import admin

from .models import EscalationRule, FindingCategory


@admin.register(FindingCategory)
class FindingCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "colour", "condition", "threshold", "is_active"]
