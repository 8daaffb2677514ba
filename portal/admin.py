from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from branches.admin import RoleGrantAdmin as BaseRoleGrantAdmin
from branches.models import RoleGrant

from .models import Delivery, ExternalIdentity, PortalState, Reminder, User
from .security.admin_duties import check_grant, is_protected_account

admin.site.site_header = _("Party Building Portal administration")
admin.site.site_title = _("Party Building Portal")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Portal"), {"fields": ("full_name", "employee_number", "must_change_password")}),
    )
    list_display = ("username", "full_name", "is_active", "is_staff", "last_login")
    search_fields = ("username", "full_name", "email", "employee_number")

    def get_readonly_fields(self, request, obj=None):
        # 三员: only the installation superuser grants groups and permissions; a system
        # administrator manages accounts but cannot make anyone (or himself) an auditor.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "is_staff", "groups", "user_permissions"]
        return readonly

    def has_change_permission(self, request, obj=None):
        # 三员 (security review F2): superusers, staff and the 三员 are changed by the superuser only,
        # so a system administrator can neither reset their passwords nor disable them.
        if obj is not None and not request.user.is_superuser and is_protected_account(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and is_protected_account(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            # Accounts made by an administrator must set their own password at first login.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)


@admin.register(PortalState)
class PortalStateAdmin(admin.ModelAdmin):
    list_display = ("key", "at")
    readonly_fields = ("key", "at", "detail")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Operators look; changes go through the services (and their audit)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("notification", "channel", "state", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("state", "channel")
    list_select_related = ("notification",)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("kind", "object_type", "object_id", "step", "recipient", "due_at", "notification")
    list_filter = ("kind", "step")
    list_select_related = ("recipient", "notification")
    raw_id_fields = ("recipient", "notification", "organization")


admin.site.unregister(RoleGrant)


@admin.register(RoleGrant)
class RoleGrantAdmin(BaseRoleGrantAdmin):
    """Grants above the system administrator's threshold need the security administrator (三员, F2)."""

    def save_model(self, request, obj, form, change):
        check_grant(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            organization=obj.organization,
            include_subtree=obj.include_subtree,
        )
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        check_grant(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            organization=obj.organization,
            include_subtree=obj.include_subtree,
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("organization", "user"):
            check_grant(
                actor=request.user,
                user=obj.user,
                role=obj.role,
                organization=obj.organization,
                include_subtree=obj.include_subtree,
            )
        super().delete_queryset(request, queryset)


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Links made by single sign-on: looked at, and deleted when wrong (the next sign-in matches again)."""

    list_display = ("user", "provider", "subject", "matched_by", "created_at")
    list_filter = ("provider", "matched_by")
    search_fields = ("user__username", "user__full_name", "subject")
    raw_id_fields = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
