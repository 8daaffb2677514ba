"""The permission backend that checks the HMAC-SM3 of group memberships (三员 groups; issue 24)."""

from django.contrib.auth.backends import ModelBackend

from . import crypto
from .integrity import alert, groups_content


class SealedGroupsBackend(ModelBackend):
    """``ModelBackend`` whose group permissions count only if the memberships' seal matches.

    Still one query for the group permissions (the user's groups joined with their permissions).
    """

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_group_perm_cache"):
            rows = list(
                user_obj.groups.values_list("id", "permissions__content_type__app_label", "permissions__codename")
            )
            ids = sorted({row[0] for row in rows})
            perms = {f"{app}.{code}" for _id, app, code in rows if code}
            if ids and not crypto.integrity_ok(groups_content(user_obj.pk, ids), user_obj.groups_mac):
                alert("groups", user_obj, {"groups": ids})
                perms = set()
            user_obj._group_perm_cache = perms
        return user_obj._group_perm_cache
