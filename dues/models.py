"""Party dues (党费): rule data, monthly bases, reductions, payments, statements and arrears actions.

Money is ``Decimal`` with two places everywhere. Payments and statements are never edited: a
correction is a reversing payment (negative amount pointing at the original).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from branches.querysets import ScopedQuerySet

MONEY = {"max_digits": 12, "decimal_places": 2}
PERMISSIONS = {"view": "dues.view", "change": "dues.change", "approve": "dues.approve"}


class DuesCategory(models.TextChoices):
    """Which bracket table applies to a member (中组部《关于中国共产党党费收缴、使用和管理的规定》)."""

    IN_SERVICE = "in_service", _("In service")
    RETIRED = "retired", _("Retired")
    STUDENT = "student", _("Student")
    UNEMPLOYED = "unemployed", _("Unemployed")
    LOW_INCOME = "low_income", _("Minimum living allowance")


class DuesRule(models.Model):
    """One bracket: bases up to ``up_to`` (inclusive; empty = no limit) pay ``rate_percent`` or ``fixed_amount``.

    Rows are data; without rows the defaults in ``dues.rules.DEFAULT_BRACKETS`` apply.
    """

    category = models.CharField(_("category"), max_length=20, choices=DuesCategory.choices)
    up_to = models.DecimalField(_("base up to (inclusive)"), null=True, blank=True, **MONEY)
    rate_percent = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    fixed_amount = models.DecimalField(_("fixed monthly amount"), null=True, blank=True, **MONEY)

    class Meta:
        ordering = ["category", F("up_to").asc(nulls_last=True)]
        verbose_name = _("dues bracket")
        verbose_name_plural = _("dues brackets")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_percent__isnull=False) | Q(fixed_amount__isnull=False), name="dues_rule_has_amount"
            ),
            models.UniqueConstraint(fields=["category", "up_to"], name="dues_rule_unique_bracket"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} ≤ {self.up_to or '∞'}"


class DuesSettings(models.Model):
    """Local practice numbers (one row; defaults when none)."""

    central_threshold = models.DecimalField(
        _("a voluntary payment of at least this goes entirely to the centre"), default=Decimal("1000.00"), **MONEY
    )
    talk_after_months = models.PositiveSmallIntegerField(_("talk with the member after months unpaid"), default=3)
    handle_after_months = models.PositiveSmallIntegerField(_("handle under Article 9 after months unpaid"), default=6)
    arrears_window_months = models.PositiveSmallIntegerField(_("months looked back for arrears"), default=12)

    class Meta:
        verbose_name = _("dues settings")
        verbose_name_plural = _("dues settings")

    def __str__(self):
        return str(_("dues settings"))

    @classmethod
    def current(cls) -> DuesSettings:
        return cls.objects.order_by("pk").first() or cls()


class DuesBase(models.Model):
    """A member's monthly base (after-tax fixed salary) from ``effective_month`` on, until the next row."""

    scope_field = "member__organization"
    scope_permissions = PERMISSIONS

    member = models.ForeignKey("branches.Member", on_delete=models.PROTECT, related_name="dues_bases")
    category = models.CharField(_("category"), max_length=20, choices=DuesCategory.choices)
    base = models.DecimalField(_("monthly base"), **MONEY)
    effective_month = models.DateField(_("effective from month"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["member_id", "-effective_month"]
        verbose_name = _("dues base")
        verbose_name_plural = _("dues bases")
        constraints = [
            models.UniqueConstraint(fields=["member", "effective_month"], name="dues_base_one_per_month"),
            models.CheckConstraint(condition=Q(base__gte=0), name="dues_base_not_negative"),
        ]

    def __str__(self):
        return f"{self.member.name} {self.effective_month:%Y-%m} {self.base}"


class ReductionKind(models.TextChoices):
    REDUCE = "reduce", _("Reduction")
    EXEMPT = "exempt", _("Exemption")


class ReductionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the branch")
    APPROVED = "approved", pgettext_lazy("dues", "Approved")
    REJECTED = "rejected", _("Rejected")


class DuesReduction(models.Model):
    """减免: the branch decides, the upper committee approves; only approved ones change the amount."""

    scope_field = "member__organization"
    scope_permissions = PERMISSIONS

    member = models.ForeignKey("branches.Member", on_delete=models.PROTECT, related_name="dues_reductions")
    kind = models.CharField(_("kind"), max_length=10, choices=ReductionKind.choices)
    amount = models.DecimalField(_("reduced monthly amount"), null=True, blank=True, **MONEY)
    from_month = models.DateField(_("from month"))
    to_month = models.DateField(_("to month"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    branch_decision = models.CharField(_("branch decision (meeting, date)"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ReductionStatus.choices, default=ReductionStatus.PROPOSED
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dues reduction")
        verbose_name_plural = _("dues reductions")

    def __str__(self):
        return f"{self.member.name} {self.get_kind_display()} {self.from_month:%Y-%m}"

    def covers(self, month) -> bool:
        return self.from_month <= month and (self.to_month is None or month <= self.to_month)


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    PAYROLL = "payroll", _("Payroll deduction")


class PaymentKind(models.TextChoices):
    REGULAR = "regular", _("Monthly dues")
    VOLUNTARY = "voluntary", _("Voluntary extra payment")


class Payment(models.Model):
    """Money received from a member, for one month. Never edited: a correction is a reversing entry."""

    scope_field = "organization"
    scope_permissions = PERMISSIONS

    organization = models.ForeignKey("branches.Organization", on_delete=models.PROTECT, related_name="dues_payments")
    member = models.ForeignKey("branches.Member", on_delete=models.PROTECT, related_name="dues_payments")
    month = models.DateField(_("dues month"))
    amount = models.DecimalField(_("amount"), **MONEY)
    kind = models.CharField(_("kind"), max_length=10, choices=PaymentKind.choices, default=PaymentKind.REGULAR)
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices)
    paid_on = models.DateField(_("paid on"))
    receipt_no = models.CharField(_("receipt number"), max_length=30)
    to_centre = models.BooleanField(_("goes entirely to the centre"), default=False)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal", verbose_name=_("reverses")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        constraints = [
            models.UniqueConstraint(fields=["organization", "receipt_no"], name="dues_receipt_unique_per_branch"),
        ]
        indexes = [models.Index(fields=["organization", "month"]), models.Index(fields=["member", "month"])]

    def __str__(self):
        return f"{self.receipt_no} {self.member.name} {self.amount}"


class ReceiptCounter(models.Model):
    """The last receipt number a branch issued in a year (locked row while numbering)."""

    organization = models.ForeignKey("branches.Organization", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="dues_receipt_counter_unique")]

    def __str__(self):
        return f"{self.organization_id}/{self.year}: {self.last}"


class StatementStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Remitted, awaiting receipt")
    RECEIVED = "received", _("Receipt recorded by the upper committee")


class Statement(models.Model):
    """A branch's monthly statement for remittance (上缴). closing = opening + collected − remitted."""

    scope_field = "organization"
    scope_permissions = PERMISSIONS

    organization = models.ForeignKey("branches.Organization", on_delete=models.PROTECT, related_name="dues_statements")
    month = models.DateField(pgettext_lazy("dues", "month"))
    opening = models.DecimalField(_("opening balance"), **MONEY)
    collected = models.DecimalField(_("dues collected"), **MONEY)
    to_centre = models.DecimalField(_("of which to the centre"), default=Decimal("0"), **MONEY)
    remitted = models.DecimalField(_("remitted"), **MONEY)
    closing = models.DecimalField(_("closing balance"), **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "-month"]
        verbose_name = _("dues statement")
        verbose_name_plural = _("dues statements")
        constraints = [
            models.UniqueConstraint(fields=["organization", "month"], name="dues_statement_one_per_month"),
            models.CheckConstraint(
                condition=Q(closing=F("opening") + F("collected") - F("remitted")), name="dues_statement_reconciles"
            ),
        ]

    def __str__(self):
        return f"{self.organization.name} {self.month:%Y-%m}"


class ArrearsActionKind(models.TextChoices):
    TALK = "talk", _("Talk (criticism and education)")
    DECISION = "decision", _("Decision under Article 9 of the Party Constitution")


class ArrearsOutcome(models.TextChoices):
    PAID_UP = "paid_up", _("Paid up after education; membership kept")
    SELF_WITHDRAWN = "self_withdrawn", _("Treated as having left the party of their own accord")
    REMOVED = "removed", _("Removed from the party (除名)")
    OTHER = "other", _("Other handling")


class ArrearsAction(models.Model):
    """What was done about a member's unpaid dues: a talk after 3 months, a decision after 6 (党章 第九条)."""

    scope_field = "organization"
    scope_permissions = PERMISSIONS

    organization = models.ForeignKey("branches.Organization", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("branches.Member", on_delete=models.PROTECT, related_name="dues_arrears_actions")
    kind = models.CharField(_("kind"), max_length=10, choices=ArrearsActionKind.choices)
    months_unpaid = models.PositiveSmallIntegerField(_("months unpaid"))
    date = models.DateField(_("date"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=ArrearsOutcome.choices, blank=True)
    note = models.TextField(_("note"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("arrears action")
        verbose_name_plural = _("arrears actions")

    def __str__(self):
        return f"{self.member.name} {self.get_kind_display()} {self.date}"


class LifeCase(models.Model):
    """A member who took no part in organisational life for ``handle_after_months`` months (党章 第九条):
    absent without leave from every meeting of the period. Opened by the worker, closed by the decision."""

    scope_field = "organization"
    scope_permissions = PERMISSIONS

    organization = models.ForeignKey("branches.Organization", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("branches.Member", on_delete=models.PROTECT, related_name="dues_life_cases")
    since = models.DateField(_("no organisational life since"))
    absences = models.PositiveSmallIntegerField(_("meetings missed without leave"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    decision = models.ForeignKey(
        ArrearsAction, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("decision")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("organisational life case")
        verbose_name_plural = _("organisational life cases")
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(closed_at__isnull=True), name="dues_one_open_life_case"
            )
        ]

    def __str__(self):
        return f"{self.member.name} {self.since:%Y-%m}"
