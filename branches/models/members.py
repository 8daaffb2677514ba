from django.conf import settings
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from ..crypto import EncryptedTextField, MobileIndexField, mask
from ..querysets import ScopedQuerySet, covers_whole_tree
from .tree import Organization


class MemberCategory(models.TextChoices):
    """Where a person stands in the party: the five stages of development."""

    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    CANDIDATE = "candidate", _("Development candidate")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


PARTY_MEMBER_CATEGORIES = (MemberCategory.PROBATIONARY, MemberCategory.FULL)


class MemberStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")
    MOBILE = "mobile", _("Mobile")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    SUSPENDED = "suspended", _("Membership suspended")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    LEFT = "left", _("Left the party")
    DECEASED = "deceased", _("Deceased")


ACTIVE_STATUSES = (MemberStatus.NORMAL, MemberStatus.MOBILE, MemberStatus.LOST_CONTACT)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


_CATEGORY_LABELS = dict(MemberCategory.choices)
_STATUS_LABELS = dict(MemberStatus.choices)


# Encrypted columns: decrypted whenever a row is loaded, so lists that never show them leave them out.
SECRET_FIELDS = ("id_number", "phone")
# What a row of the member list shows: the ID number (masked), never the phone; the organisation's label
# needs its name, depth and unit's name.
LIST_COLUMNS = (
    *("id", "name", "organization_id", "party_group_id", "category", "status", "id_number", "join_date"),
    *("organization__name", "organization__depth", "organization__unit_id", "organization__unit__name"),
    "party_group__name",
)


class MemberQuerySet(ScopedQuerySet):
    def visible_to(self, user, action: str = "view"):
        if action == "view" and user is not None and user.is_authenticated:
            # Everyone may see their own register entry.
            if covers_whole_tree(user, self.model.scope_permissions["view"]):
                return self.all()
            orgs = Organization.objects.visible_to(user, self.model.scope_permissions["view"])
            # "In scope OR my own entry" written as one id set (a UNION ALL of two index scans): an OR of a
            # sub-select and user_id cannot use either index, so PostgreSQL read all 20,000 members at
            # ``city`` for a unit's 272 (count 6.6 ms -> 1.2 ms, first page by name 7 ms -> 0.9 ms).
            in_scope = Member.objects.filter(organization__in=orgs.values("pk")).order_by().values("pk")
            own = Member.objects.filter(user=user).order_by().values("pk")
            return self.filter(pk__in=in_scope.union(own, all=True))
        return super().visible_to(user, action)

    def party_members(self):
        return self.filter(category__in=PARTY_MEMBER_CATEGORIES, status__in=ACTIVE_STATUSES)

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def for_choices(self):
        """Only what a choice list shows: loading whole rows would decrypt every ID and phone number."""
        return self.only("id", "name", "organization_id", "category", "status")


class Member(models.Model):
    """A person in the register: a party member or someone in the development pipeline."""

    scope_field = "organization"
    scope_permissions = {"view": "member.view", "change": "member.change", "unmask": "member.unmask"}

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    organization = models.ForeignKey(
        "branches.Organization", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="members"
    )
    party_group = models.ForeignKey(
        "branches.Organization",
        verbose_name=_("party group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True, default="汉族")
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    # HMAC-SM3 of the mobile number, digits only: single sign-on matches accounts by it (portal.sso).
    phone_hash = MobileIndexField(source="phone")
    education = models.CharField(_("education"), max_length=20, blank=True)
    unit = models.ForeignKey(
        "branches.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    join_date = models.DateField(_("join date"), null=True, blank=True)
    full_date = models.DateField(_("full membership date"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=MemberCategory.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.NORMAL, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "name", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [models.Index(fields=["organization", "category", "status"])]

    def __str__(self):
        return self.name

    # Django's generated get_<field>_display() hashes every (value, lazy label) pair of the choices on each
    # call, translating each label: 4 ms for a 30-row page. Same result from a dict built once.
    def get_category_display(self):
        return force_str(_CATEGORY_LABELS.get(self.category, self.category), strings_only=True)

    def get_status_display(self):
        return force_str(_STATUS_LABELS.get(self.status, self.status), strings_only=True)

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number, 3, 4)

    @property
    def phone_masked(self) -> str:
        return mask(self.phone, 3, 4)

    @property
    def is_party_member(self) -> bool:
        return self.category in PARTY_MEMBER_CATEGORIES
