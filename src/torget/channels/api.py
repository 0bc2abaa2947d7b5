"""Read API for the channel register."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from . import selectors
from .models import Platform, Status

router = Router(tags=["channels"])


class UnitOut(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    name: str
    title: str


class ChannelOut(Schema):
    slug: str
    platform: str
    name: str
    address: str
    status: str
    unit: UnitOut
    responsible_manager: PersonOut
    purpose: str
    organisation_goal: str
    target_groups: str
    desired_effects: str
    comment_policy: str
    ads_allowed: bool
    crisis_channel: bool
    archive_from: datetime.date | None
    next_review_due: datetime.date | None
    launched_at: datetime.datetime | None
    closed_at: datetime.datetime | None


class ChannelDetailOut(ChannelOut):
    administrators: list[PersonOut]
    need: str
    content_plan: str
    complements_website: str
    hours_per_week: float
    resources_until: datetime.date | None
    posting_goal: int
    posting_period: str
    comment_policy_reason: str
    page_rules: str
    pause_reason: str
    closed_reason: str
    has_profile_picture: bool
    has_description: bool
    has_page_rules: bool
    is_listed_publicly: bool


class TransitionOut(Schema):
    action: str
    from_status: str
    to_status: str
    at: datetime.datetime
    by: PersonOut
    comment: str


@router.get("", response=list[ChannelOut], summary="List the register's channels")
def list_channels(
    request: HttpRequest, status: Status | None = None, platform: Platform | None = None
):
    return list(
        selectors.channels_list(person=request.auth, status=status or "", platform=platform or "")
    )


@router.get("/{slug}", response=ChannelDetailOut, summary="One channel, with all its fields")
def get_channel(request: HttpRequest, slug: str):
    return selectors.channel_get(person=request.auth, slug=slug)


@router.get("/{slug}/history", response=list[TransitionOut], summary="A channel's lifecycle steps")
def channel_history(request: HttpRequest, slug: str):
    channel = selectors.channel_get(person=request.auth, slug=slug)
    return list(selectors.channel_history(channel=channel))
