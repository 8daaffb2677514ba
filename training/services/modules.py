"""Study content: modules, items (with their files) and quiz questions."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches import audit
from branches.models import Organization

from ..models import (
    Choice,
    ItemKind,
    Question,
    QuestionKind,
    StudyItem,
    StudyItemFile,
    StudyModule,
)
from ..sanitize import clean_html
from .common import _require


@transaction.atomic
def create_module(*, actor, organization: Organization, title: str, year: int, description: str = "") -> StudyModule:
    _require(actor, "study.manage", organization)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the module a title.")})
    module = StudyModule.objects.create(
        organization=organization,
        title=title,
        description=description.strip(),
        year=year,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, "study.module_created", module, after=audit.snapshot(module))
    return module


ITEM_FIELDS = (
    "title",
    "body",
    "url",
    "credit_hours",
    "min_minutes",
    "min_watch_percent",
    "duration_seconds",
    "pass_percent",
    "question_count",
    "attempt_limit",
    "time_limit_minutes",
    "order",
)


@transaction.atomic
def add_item(*, actor, module: StudyModule, kind: str, title: str, **fields) -> StudyItem:
    _require(actor, "study.manage", module.organization)
    if kind not in ItemKind.values:
        raise ValidationError({"kind": _("Choose what kind of item this is.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the item a title.")})
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "body" in fields:
        fields["body"] = clean_html(fields["body"])
    if kind == ItemKind.LINK and not fields.get("url"):
        raise ValidationError({"url": _("A link item needs the address to open.")})
    if "order" not in fields:
        fields["order"] = module.items.count() + 1
    for name in ("min_watch_percent", "pass_percent"):
        if int(fields.get(name, 0) or 0) > 100:
            raise ValidationError({name: _("A percentage cannot be more than 100.")})
    if Decimal(str(fields.get("credit_hours", 1))) < 0:
        raise ValidationError({"credit_hours": _("Study hours cannot be negative.")})
    item = StudyItem(module=module, kind=kind, title=title.strip(), **fields)
    item.full_clean()
    item.save()
    audit.record(actor, "study.item_added", item, after=audit.snapshot(item))
    return item


@transaction.atomic
def add_item_with_file(*, actor, module: StudyModule, kind: str, title: str, upload=None, **fields) -> StudyItem:
    """Add an item and, for documents and videos, its file (PDF or MP4), in one transaction."""
    if kind in (ItemKind.DOCUMENT, ItemKind.VIDEO) and upload is None:
        raise ValidationError({"file": _("A document or video item needs its file.")})
    item = add_item(actor=actor, module=module, kind=kind, title=title, **fields)
    if upload is not None:
        from branches.uploads import store_upload

        kinds = ("video",) if kind == ItemKind.VIDEO else ("document",)
        att = store_upload(StudyItemFile(item=item), upload, kinds=kinds, user=actor)
        att.save()
        audit.record(actor, "study.item_file_added", item, after={"file": att.original_name, "sha256": att.sha256})
    return item


@transaction.atomic
def add_question(
    *, actor, item: StudyItem, kind: str, text: str, choices: list[tuple[str, bool]], explanation: str = ""
) -> Question:
    _require(actor, "study.manage", item.module.organization)
    if item.kind != ItemKind.QUIZ:
        raise ValidationError(_("Questions can only be added to a quiz."))
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("Choose the question type.")})
    if not (text or "").strip() or len(choices) < 2:
        raise ValidationError(_("A question needs its text and at least two choices."))
    correct = sum(1 for _c, ok in choices if ok)
    if correct == 0:
        raise ValidationError(_("Mark at least one choice as correct."))
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and correct != 1:
        raise ValidationError(_("A single-choice or true/false question has exactly one correct choice."))
    question = Question.objects.create(item=item, kind=kind, text=text.strip(), explanation=explanation.strip())
    Choice.objects.bulk_create(Choice(question=question, text=t, is_correct=ok) for t, ok in choices)
    audit.record(
        actor,
        "study.question_added",
        question,
        organization=item.module.organization,
        after={"text": question.text, "kind": kind, "choices": [[t, ok] for t, ok in choices]},
    )
    return question
