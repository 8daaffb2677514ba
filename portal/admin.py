from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import PortalState, User

admin.site.site_header = _("Party Building Portal administration")
admin.site.site_title = _("Party Building Portal")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Portal"), {"fields": ("full_name", "must_change_password")}),)
    list_display = ("username", "full_name", "is_active", "is_staff", "last_login")
    search_fields = ("username", "full_name", "email")

    def save_model(self, request, obj, form, change):
        if not change:
            # Accounts made by an administrator must set their own password at first login.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)


@admin.register(PortalState)
class PortalStateAdmin(admin.ModelAdmin):
    list_display = ("key", "at")
    readonly_fields = ("key", "at", "detail")
