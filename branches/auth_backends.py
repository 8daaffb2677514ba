"""The permission backend that checks the HMAC-SM3 of group memberships (三员 groups; issue 24)."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import IntegerField, Value

from . import crypto
from .integrity import alert, groups_content


class SealedGroupsBackend(ModelBackend):
    """``ModelBackend`` whose group permissions count only if the memberships' seal matches.

    One query for both the user's own and their groups' permissions (a ``UNION ALL``), where
    ``ModelBackend`` takes two: every page asks for a permission, for its menu if nothing else.
    """

    def _load(self, user_obj) -> None:
        """Fill the per-request caches ``ModelBackend`` reads (``_user_perm_cache``, ``_group_perm_cache``)."""
        groups = user_obj.groups.order_by().values_list(
            "id", "permissions__content_type__app_label", "permissions__codename"
        )
        # The user's own permissions come with no group id (NULL): no group row can pass for them.
        own = (
            Permission.objects.filter(user=user_obj)
            .order_by()
            .values_list(Value(None, output_field=IntegerField()), "content_type__app_label", "codename")
        )
        rows = list(groups.union(own, all=True))
        ids = sorted({group for group, _app, _code in rows if group is not None})
        group_perms = {f"{app}.{code}" for group, app, code in rows if group is not None and code}
        if ids and not crypto.integrity_ok(groups_content(user_obj.pk, ids), user_obj.groups_mac):
            alert("groups", user_obj, {"groups": ids})
            group_perms = set()
        # A superuser's own permissions are all of them (ModelBackend's, in get_user_permissions): not these rows.
        if not user_obj.is_superuser and not hasattr(user_obj, "_user_perm_cache"):
            user_obj._user_perm_cache = {f"{app}.{code}" for group, app, code in rows if group is None}
        user_obj._group_perm_cache = group_perms

    def get_user_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:  # every permission, as ModelBackend gives a superuser
            return super().get_user_permissions(user_obj)
        if not hasattr(user_obj, "_user_perm_cache"):
            self._load(user_obj)
        return user_obj._user_perm_cache

    def get_group_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_group_perm_cache"):
            self._load(user_obj)
        return user_obj._group_perm_cache
