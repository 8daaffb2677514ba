from django.contrib import admin

from .models import AuditEntry, CalendarDay, DocumentNumberRule, Organization, RoleGrant, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "order")
    search_fields = ("name",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Read-only here: the tree changes through the portal's services (audit, path upkeep)."""

    list_display = ("name", "kind", "unit", "path")
    list_filter = ("kind",)
    search_fields = ("name",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organization", "include_subtree")
    list_filter = ("role",)
    search_fields = ("user__username", "organization__name")
    autocomplete_fields = ("organization",)
    raw_id_fields = ("user",)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_repr", "ip")
    list_filter = ("action",)
    search_fields = ("actor_name", "object_repr", "object_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Operators confirm each year's holiday and make-up days (调休) against the State Council notice."""

    list_display = ["date", "kind", "name", "confirmed"]
    list_filter = ["kind", "confirmed"]
    date_hierarchy = "date"


@admin.register(DocumentNumberRule)
class DocumentNumberRuleAdmin(admin.ModelAdmin):
    """The 机关代字 of 发文字号, per organisation and kind (docs/documents.md)."""

    list_display = ("organization", "kind", "prefix")
    search_fields = ("organization__name", "prefix")
    raw_id_fields = ("organization",)
