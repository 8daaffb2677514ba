"""The import: a dry run that lists every bad row, what would be added, changed (field by field,
old → new) and who is missing from the file; then an all-or-nothing apply of exactly what the
admin ticked, in one transaction, audited per field. An import never deletes anybody."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit, rules
from ..crypto import blind_index, mask
from ..models import EventKind, Member, MemberEvent, Organization
from ..models.members import ACTIVE_STATUSES
from ..services import MEMBER_FIELDS
from ..stats import REGISTER_FIGURES
from . import checking, reading
from .checking import GENDER_LABEL, HEADERS, NOT_ADDABLE, STATUS_LABEL, RowResult

CREATE, UPDATE = "create", "update"
# Fields an update may change; an empty cell never clears a stored value.
UPDATE_FIELDS = [
    "name",
    "organization",
    "party_group",
    "category",
    "status",
    "gender",
    "ethnicity",
    "birth_date",
    "phone",
    "education",
    "job_title",
    "join_date",
    "full_date",
]
COLUMN_OF = {"organization": "organization", "party_group": "party_group"}


@dataclass
class Change:
    key: str  # "<member pk>:<field>": what the admin ticks
    member_id: int
    member_name: str
    field: str
    label: str
    old: str
    new: str
    value: object = None


@dataclass
class Preview:
    mode: str
    header_row: int = 0
    mapping: list = field(default_factory=list)
    ignored: list = field(default_factory=list)
    results: list[RowResult] = field(default_factory=list)
    added: list[RowResult] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    missing: list = field(default_factory=list)  # members of the file's branches not in the file

    @property
    def problems(self) -> list[RowResult]:
        return [r for r in self.results if r.reasons]

    @property
    def warnings(self) -> list[RowResult]:
        return [r for r in self.results if r.warnings and not r.reasons]

    @property
    def notes(self) -> list[RowResult]:
        return [r for r in self.results if r.notes and not r.reasons]

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def ok(self) -> bool:
        return self.total > 0 and not self.problems

    @property
    def rows(self) -> list[dict]:  # the old DryRun shape
        return [r.data for r in self.results if not r.reasons]


def importable_orgs(actor):
    return (
        Organization.objects.visible_to(actor, "member.change")
        .filter(is_active=True)
        .select_related("parent")
        .order_by("path")
    )


def _display(f: str, value) -> str:
    if value in (None, ""):
        return ""
    if f == "phone":
        return mask(value, 3, 4)
    if f == "gender":
        return GENDER_LABEL.get(value, value)
    if f == "category":
        return checking.CATEGORY_LABEL.get(value, value)
    if f == "status":
        return STATUS_LABEL.get(value, value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def dry_run(actor, content: bytes, *, mode: str = CREATE) -> Preview:
    """Check every row; never writes. Raises ValidationError only for an unreadable file."""
    sheet = reading.read(content)
    preview = Preview(mode=mode, header_row=sheet.header_row, mapping=sheet.mapping, ignored=sheet.ignored)
    orgs = checking.org_index(importable_orgs(actor))
    today = timezone.localdate()
    values_ = rules.all_values()
    seen: dict[str, int] = {}
    for number, raw in sheet.rows:
        r = checking.check_row(number, raw, orgs=orgs, today=today, values_=values_)
        if r.data.get("id_number"):
            r.digest = blind_index(r.data["id_number"])
            if r.digest in seen:
                r.reasons.append(_("ID number repeats row %(row)s of this file.") % {"row": seen[r.digest]})
            else:
                seen[r.digest] = number
        preview.results.append(r)
    digests = [r.digest for r in preview.results if r.digest]
    existing = {
        m.id_number_hash: m
        for m in Member.objects.filter(id_number_hash__in=digests).select_related("organization", "party_group")
    }
    in_scope = set(
        Member.objects.visible_to(actor, "change").filter(id_number_hash__in=digests).values_list("pk", flat=True)
    )
    present = {f for _label, f in sheet.mapping}
    for r in preview.results:
        member = existing.get(r.digest) if r.digest else None
        if member is not None and member.pk not in in_scope:
            r.reasons.append(_(NOT_ADDABLE))  # F11: never say where the person is registered
            continue
        if member is not None and mode == CREATE:
            r.reasons.append(
                _("This person is already in the register: upload the file in update mode to change them.")
            )
            continue
        if r.reasons:
            continue
        if member is None:
            preview.added.append(r)
            continue
        found = _diff(member, r.data, present)
        preview.changes += found
        preview.unchanged += not found
    if mode == UPDATE:
        branches = {r.data["organization"].pk for r in preview.results if r.data.get("organization")}
        preview.missing = list(
            Member.objects.visible_to(actor, "change")
            .filter(organization_id__in=branches, status__in=ACTIVE_STATUSES)
            .exclude(id_number_hash__in=digests)
            .select_related("organization")
            .only("id", "name", "organization__name", "category")
            .order_by("organization__path", "name")
        )
    return preview


def _diff(member: Member, data: dict, present: set[str]) -> list[Change]:
    out = []
    for f in UPDATE_FIELDS:
        if f not in present and f not in ("organization", "gender", "birth_date"):
            continue
        new = data.get(f)
        if new in (None, ""):
            continue  # an empty cell never clears what is stored
        old = getattr(member, f)
        if f == "organization" and new.pk == member.organization_id:
            continue
        if f == "party_group" and member.party_group_id == new.pk:
            continue
        if f not in ("organization", "party_group") and old == new:
            continue
        label = str(Member._meta.get_field(f).verbose_name)
        out.append(
            Change(
                key=f"{member.pk}:{f}",
                member_id=member.pk,
                member_name=member.name,
                field=f,
                label=HEADERS.get(f, label),
                old=_display(f, old),
                new=_display(f, new),
                value=new,
            )
        )
    return out


@transaction.atomic
def apply(
    *,
    actor,
    content: bytes,
    mode: str = CREATE,
    selected: set[str] | None = None,
    confirmed: bool = False,
) -> dict:
    """All or nothing. Create mode saves every row; update mode adds the ticked new people
    (``add:<row>``) and applies the ticked changes (``<member>:<field>``). Warnings need ``confirmed``."""
    preview = dry_run(actor, content, mode=mode)
    if not preview.ok:
        first = preview.problems[0].row if preview.problems else "-"
        raise ValidationError(
            _("Nothing was imported: %(n)s rows have problems, first row %(row)s.")
            % {"n": len(preview.problems), "row": first}
        )
    if preview.warnings and not confirmed:
        raise ValidationError(
            _("Nothing was imported: confirm the %(n)s rows with warnings first (first row %(row)s).")
            % {"n": len(preview.warnings), "row": preview.warnings[0].row}
        )
    if mode == CREATE:
        to_add, to_change = preview.added, []
    else:
        selected = selected or set()
        to_add = [r for r in preview.added if f"add:{r.row}" in selected]
        to_change = [c for c in preview.changes if c.key in selected]
    people = _create(actor, to_add)
    changed = _update(actor, to_change)
    return {"added": people, "changed": changed, "preview": preview}


def _create(actor, results: list[RowResult]) -> list[Member]:
    people = []
    for r in results:
        d = r.data
        person = Member(
            organization=d["organization"],
            party_group=d["party_group"],
            unit=d["organization"].unit,
            name=d["name"],
            gender=d["gender"],
            ethnicity=d["ethnicity"],
            birth_date=d["birth_date"],
            id_number=d["id_number"],
            id_number_hash=r.digest,
            phone=d["phone"],
            education=d["education"],
            job_title=d["job_title"],
            join_date=d["join_date"],
            full_date=d["full_date"],
            category=d["category"],
            status=d["status"],
        )
        person.full_clean(exclude=["id_number_hash", "organization", "unit", "user", "party_group"])
        people.append(person)
    people = Member.objects.bulk_create(people, batch_size=500)
    REGISTER_FIGURES.changed()  # bulk_create sends no post_save
    today = timezone.localdate()
    actor_name = getattr(actor, "username", "") or str(actor)
    MemberEvent.objects.bulk_create(
        [
            MemberEvent(
                member=p,
                kind=EventKind.REGISTERED,
                date=today,
                detail=_("Imported from Excel"),
                organization=p.organization,
                actor_name=actor_name,
            )
            for p in people
        ],
        batch_size=500,
    )
    audit.record_many(actor, "member.import", people, after=lambda p: audit.snapshot(p, MEMBER_FIELDS))
    return people


def _update(actor, changes: list[Change]) -> int:
    if not changes:
        return 0
    ids = {c.member_id for c in changes}
    members = {m.pk: m for m in Member.objects.select_for_update().filter(pk__in=ids)}
    allowed = set(Member.objects.visible_to(actor, "change").filter(pk__in=ids).values_list("pk", flat=True))
    today = timezone.localdate()
    actor_name = getattr(actor, "username", "") or str(actor)
    events, touched = [], {}
    for c in changes:
        member = members[c.member_id]
        if member.pk not in allowed:
            raise ValidationError(_(NOT_ADDABLE))
        before = audit.snapshot(member, [c.field])
        setattr(member, c.field, c.value)
        if c.field == "organization":
            member.unit = c.value.unit or member.unit
            if member.party_group_id and member.party_group.parent_id != c.value.pk:
                member.party_group = None
        touched.setdefault(member.pk, set()).add(c.field)
        audit.record(actor, "member.import.update", member, before=before, after=audit.snapshot(member, [c.field]))
        events.append(
            MemberEvent(
                member=member,
                kind=EventKind.IMPORTED,
                date=today,
                detail=f"{c.label}: {c.old or '—'} → {c.new}"[:300],
                organization=member.organization,
                actor_name=actor_name,
            )
        )
    for pk, fields in touched.items():
        member = members[pk]
        member.full_clean(exclude=["id_number_hash", "organization", "unit", "user", "party_group"])
        extra = {"unit", "party_group"} if "organization" in fields else set()
        member.save(update_fields=[*fields, *extra, "updated_at"])
    MemberEvent.objects.bulk_create(events)
    return len(changes)
