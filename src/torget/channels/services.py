"""Writes to the channel register. Each function checks permission, validates, writes, audits."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from torget.organisations.access import RoleRequired, check_role
from torget.organisations.models import Person, Role
from torget.organisations.services import audit_change, audit_record, model_snapshot

from .lifecycle import STEPS, TransitionRefused, check_step, check_who, may_edit
from .models import Channel, ChannelReview, ChannelTransition, ReviewOutcome, RiskAssessment, Status

PROPOSERS = (Role.CHANNEL_ADMIN, Role.COMMUNICATOR, Role.MANAGER)
CHECKLIST_FIELDS = (
    "has_profile_picture",
    "has_description",
    "has_page_rules",
    "is_listed_publicly",
)
REVIEWERS = (Role.COMMUNICATOR, Role.MANAGER, Role.CHANNEL_ADMIN)
DEFAULT_REVIEW_INTERVAL = datetime.timedelta(days=365)

# What a proposal or an edit may set; status, checklist and history change only through steps.
EDITABLE_FIELDS = (
    "platform",
    "name",
    "address",
    "unit",
    "responsible_manager",
    "need",
    "organisation_goal",
    "purpose",
    "target_groups",
    "content_plan",
    "desired_effects",
    "complements_website",
    "hours_per_week",
    "resources_until",
    "posting_goal",
    "posting_period",
    "comment_policy",
    "comment_policy_reason",
    "page_rules",
    "ads_allowed",
    "crisis_channel",
    "archive_from",
    "signature_style",
)


def _check_comment_policy(channel: Channel) -> None:
    # Seed 001: comments closed for a child audience, and the reason written down.
    if channel.comment_policy != "open" and not channel.comment_policy_reason.strip():
        raise ValidationError(
            {
                "comment_policy_reason": _(
                    "Explain why comments are restricted or closed "
                    "(for example: the audience is children)."
                )
            }
        )


def _check_same_organisation(person: Person, fields: dict[str, Any], administrators) -> None:
    """Nothing from another organisation may be attached to a channel, not even by id."""
    org_id = person.organisation_id
    for key in ("unit", "responsible_manager"):
        value = fields.get(key)
        if value is not None and value.organisation_id != org_id:
            raise ValidationError({key: _("Choose one from your own organisation.")})
    if any(admin.organisation_id != org_id for admin in administrators):
        raise ValidationError({"administrators": _("Choose people from your own organisation.")})
    manager = fields.get("responsible_manager")
    if manager is not None and not manager.has_role(Role.MANAGER):
        raise ValidationError(
            {"responsible_manager": _("The responsible manager must be a manager.")}
        )


def _unique_slug(organisation_id: int, base: str) -> str:
    base = slugify(base)[:70] or "kanal"
    slug, n = base, 1
    while Channel.objects.filter(organisation_id=organisation_id, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def channel_propose(
    *, person: Person, fields: dict[str, Any], administrators: Iterable[Person] = ()
) -> Channel:
    """The "new channel" form: a proposal for a communicator to review."""
    check_role(person, PROPOSERS)
    administrators = list(administrators)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _check_same_organisation(person, fields, administrators)
    channel = Channel(
        organisation=person.organisation,
        proposed_by=person,
        slug=_unique_slug(
            person.organisation_id, f"{fields.get('platform', '')} {fields.get('name', '')}"
        ),
        status=Status.PROPOSED,
        **fields,
    )
    _check_comment_policy(channel)
    channel.full_clean()
    channel.save()
    channel.administrators.set(administrators)
    ChannelTransition.objects.create(
        channel=channel, action="propose", from_status="", to_status=Status.PROPOSED, by=person
    )
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="channel.propose",
        target=channel,
        after={**model_snapshot(channel), "administrators": sorted(a.pk for a in administrators)},
    )
    return channel


@transaction.atomic
def channel_update(
    *,
    person: Person,
    channel: Channel,
    fields: dict[str, Any],
    administrators: Iterable[Person] | None = None,
) -> Channel:
    channel = _locked(channel)
    if not may_edit(person, channel):
        raise RoleRequired(_("You may not change this channel."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    admins = list(administrators) if administrators is not None else None
    _check_same_organisation(person, fields, admins or [])
    before = {**model_snapshot(channel), "administrators": _admin_ids(channel)}
    for key, value in fields.items():
        setattr(channel, key, value)
    channel.updated_at = timezone.now()
    _check_comment_policy(channel)
    channel.full_clean(exclude=["slug"])
    channel.save()
    if admins is not None:
        channel.administrators.set(admins)
    after = {**model_snapshot(channel), "administrators": _admin_ids(channel)}
    audit_change(
        organisation=person.organisation,
        actor=person,
        action="channel.update",
        target=channel,
        before=before,
        after=after,
    )
    return channel


def _admin_ids(channel: Channel) -> list[int]:
    return sorted(channel.administrators.values_list("pk", flat=True))


def _locked(channel: Channel) -> Channel:
    """Re-read the channel under a row lock, so two people cannot move it at once."""
    return (
        Channel.objects.select_for_update()
        .select_related("organisation", "responsible_manager")
        .get(pk=channel.pk, organisation_id=channel.organisation_id)
    )


def _move(
    *, person: Person, channel: Channel, action: str, comment: str, changes: dict[str, Any]
) -> Channel:
    """Take one lifecycle step. The caller holds the transaction and the row lock."""
    step = STEPS[action]
    check_step(person, channel, step, comment=comment)
    before = model_snapshot(channel)
    now = timezone.now()
    changes = {"status": step.target, "status_changed_at": now, "updated_at": now, **changes}
    # Guard on the old status as well as the lock: SQLite has no row locks, and a step taken
    # by someone else in between must make this one fail rather than apply twice.
    moved = Channel.objects.filter(pk=channel.pk, status=channel.status).update(**changes)
    if moved != 1:
        raise TransitionRefused(_("Someone else changed the channel just now. Please try again."))
    for key, value in changes.items():
        setattr(channel, key, value)
    ChannelTransition.objects.create(
        channel=channel,
        action=action,
        from_status=before["status"],
        to_status=step.target,
        by=person,
        at=now,
        comment=comment.strip(),
    )
    # A step always changes the status, so it is always audited.
    audit_change(
        organisation=person.organisation,
        actor=person,
        action=f"channel.{action}",
        target=channel,
        before=before,
        after=model_snapshot(channel),
        note=comment.strip(),
        ignore=(),
    )
    return channel


@transaction.atomic
def channel_step(*, person: Person, channel: Channel, action: str, comment: str = "") -> Channel:
    """Take a lifecycle step that needs nothing but an optional comment.

    approve, send_back, resubmit, open, reject, launch, pause, resume, close.
    """
    if action not in STEPS or action == "assess_risk":
        raise ValueError(f"unknown step {action!r}")
    channel = _locked(channel)
    changes: dict[str, Any] = {}
    now = timezone.now()
    if action == "launch":
        changes = {"launched_at": now, "next_review_due": _next_review(now)}
    elif action == "pause":
        changes = {"pause_reason": comment.strip()}
    elif action == "resume":
        changes = {"pause_reason": ""}
        if channel.next_review_due is None:
            changes["next_review_due"] = _next_review(now)
    elif action == "close":
        changes = {"closed_reason": comment.strip(), "closed_at": now, "pause_reason": ""}
    return _move(person=person, channel=channel, action=action, comment=comment, changes=changes)


def _next_review(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now) + DEFAULT_REVIEW_INTERVAL


@transaction.atomic
def channel_assess_risk(
    *,
    person: Person,
    channel: Channel,
    assessment: str,
    benefit_outweighs_risk: bool,
    special_reasons: str = "",
    reevaluate_on: datetime.date | None = None,
) -> RiskAssessment:
    channel = _locked(channel)
    check_step(person, channel, STEPS["assess_risk"])
    if not assessment.strip():
        raise ValidationError({"assessment": _("Describe the assessment.")})
    if benefit_outweighs_risk and not special_reasons.strip():
        # Seed 000: a risky platform may be used only for special reasons, written down.
        raise ValidationError(
            {"special_reasons": _("Write down the special reasons the benefit outweighs the risk.")}
        )
    risk = RiskAssessment.objects.create(
        channel=channel,
        assessment=assessment.strip(),
        benefit_outweighs_risk=benefit_outweighs_risk,
        special_reasons=special_reasons.strip(),
        reevaluate_on=reevaluate_on,
        assessed_by=person,
    )
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="risk_assessment.create",
        target=risk,
        after=model_snapshot(risk),
    )
    if channel.status != STEPS["assess_risk"].target:
        _move(person=person, channel=channel, action="assess_risk", comment="", changes={})
    return risk


@transaction.atomic
def channel_checklist_update(*, person: Person, channel: Channel, **flags: bool) -> Channel:
    """Tick or untick the launch checklist, while the channel is being prepared."""
    channel = _locked(channel)
    if channel.status != Status.PREPARING:
        raise TransitionRefused(
            _("The checklist can only be changed while the launch is prepared.")
        )
    # Those who may launch the channel are those who prepare it.
    check_who(person, channel, STEPS["launch"])
    unknown = set(flags) - set(CHECKLIST_FIELDS)
    if unknown:
        raise ValueError(f"not on the checklist: {sorted(unknown)}")
    before = model_snapshot(channel, CHECKLIST_FIELDS)
    for key, value in flags.items():
        setattr(channel, key, bool(value))
    channel.updated_at = timezone.now()
    channel.save(update_fields=[*flags, "updated_at"])
    audit_change(
        organisation=person.organisation,
        actor=person,
        action="channel.checklist",
        target=channel,
        before=before,
        after=model_snapshot(channel, CHECKLIST_FIELDS),
    )
    return channel


@transaction.atomic
def channel_review_record(
    *,
    person: Person,
    channel: Channel,
    fulfils_purpose: bool,
    has_resources: bool,
    outcome: str,
    notes: str = "",
    next_review_due: datetime.date | None = None,
) -> ChannelReview:
    """An inventory review; it may lead to a pause or a closure, taken as their own steps."""
    channel = _locked(channel)
    check_role(person, REVIEWERS)
    if channel.status not in (Status.ACTIVE, Status.PAUSED):
        raise TransitionRefused(_("Only active or paused channels are reviewed."))
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if outcome != ReviewOutcome.CONTINUE and not notes.strip():
        raise ValidationError({"notes": _("Explain why the channel should be paused or closed.")})
    today = timezone.localdate()
    if next_review_due is not None and next_review_due <= today:
        raise ValidationError({"next_review_due": _("The next review must be in the future.")})
    next_due = next_review_due or today + DEFAULT_REVIEW_INTERVAL
    review = ChannelReview.objects.create(
        channel=channel,
        reviewed_by=person,
        fulfils_purpose=fulfils_purpose,
        has_resources=has_resources,
        outcome=outcome,
        notes=notes.strip(),
        next_review_due=next_due,
    )
    Channel.objects.filter(pk=channel.pk).update(next_review_due=next_due)
    channel.next_review_due = next_due
    audit_record(
        organisation=person.organisation,
        actor=person,
        action="channel.review",
        target=channel,
        after=model_snapshot(review),
        note=notes.strip(),
    )
    if outcome == ReviewOutcome.PAUSE and channel.status == Status.ACTIVE:
        channel_step(person=person, channel=channel, action="pause", comment=notes)
    elif outcome == ReviewOutcome.CLOSE:
        channel_step(person=person, channel=channel, action="close", comment=notes)
    return review
