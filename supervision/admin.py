from django.contrib import admin

from .models import CalendarDay, EscalationRule, FindingCategory


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Operators confirm each year's holiday and make-up days (调休) against the State Council notice."""

    list_display = ["date", "kind", "name", "confirmed"]
    list_filter = ["kind", "confirmed"]
    date_hierarchy = "date"


@admin.register(FindingCategory)
class FindingCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "colour", "condition", "threshold", "is_active"]
