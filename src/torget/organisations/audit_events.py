"""What each audit event means, as a sentence an auditor understands.

The log stores a code (`channel.launch`) so that it can be filtered; people read the
sentence ("Anna Andersson launched the channel Biblioteket (Instagram)"). Every code the
code writes has a sentence here: tests/organisations/test_audit_events.py finds the codes in
the source and fails on one without. `{actor}` is the person (or Torget itself), `{object}`
what was acted on, as the log recorded it.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

EVENTS: dict[str, Promise] = {
    # Logging in and the organisation.
    "auth.login": _("{actor} logged in"),
    "auth.login_failed": _("A login failed for the user name {object}"),
    "auth.locked_out": _("Logging in as {object} was paused after too many wrong passwords"),
    "api_token.create": _("{actor} made the API token {object}"),
    "api_token.revoke": _("{actor} revoked the API token {object}"),
    "organisation.create": _("{actor} set up the organisation {object}"),
    "person.create": _("{actor} added the person {object}"),
    "person.update": _("{actor} changed the person {object}"),
    "unit.create": _("{actor} added the unit {object}"),
    # The channel register.
    "channel.propose": _("{actor} proposed the channel {object}"),
    "channel.update": _("{actor} changed the description of the channel {object}"),
    "channel.resubmit": _("{actor} submitted the proposal {object} again"),
    "channel.approve": _("{actor} approved the proposal {object} and sent it to risk assessment"),
    "channel.send_back": _("{actor} sent the proposal {object} back for changes"),
    "channel.assess_risk": _("{actor} recorded the risk assessment of {object}"),
    "channel.open": _("{actor} decided to open the channel {object}"),
    "channel.reject": _("{actor} decided not to open the channel {object}"),
    "channel.checklist": _("{actor} updated the launch checklist of {object}"),
    "channel.launch": _("{actor} launched the channel {object}"),
    "channel.pause": _("{actor} paused the channel {object}"),
    "channel.resume": _("{actor} made the channel {object} active again"),
    "channel.close": _("{actor} closed the channel {object}"),
    "channel.review": _("{actor} recorded an inventory review of {object}"),
    "risk_assessment.create": _("{actor} wrote the risk assessment {object}"),
    # The archive.
    "record.view_raw": _("{actor} read the raw payload of the record {object}"),
    # The dialogue inbox.
    "question.marked": _("{actor} marked {object} as a question"),
    "question.unmarked": _("{actor} marked {object} as not a question"),
    "question.assigned": _("{actor} assigned the question {object}"),
    "question.acknowledged": _("{actor} wrote an acknowledgement to the question {object}"),
    "question.answer_written": _("{actor} wrote the answer to the question {object}"),
    "question.draft_saved": _("{actor} saved a draft answer to the question {object}"),
    "question.published": _("{actor} confirmed a reply to {object} as published"),
    "question.matched": _("Torget found the reply to {object} on the platform"),
    "question.forwarded": _("{actor} sent the question {object} to the registrar"),
    "question.overdue_alarm": _("Torget sent an alarm: the question {object} is overdue"),
    "calendar.hours": _("{actor} changed the office hours"),
    "calendar.closure_added": _("{actor} added the closure day {object}"),
    "calendar.closure_removed": _("{actor} removed the closure day {object}"),
    "registration.registered": _("{actor} registered {object}"),
    "registration.opened": _("{actor} opened the package for registration {object}"),
    # Supervision.
    "supervision.pass": _("{actor} looked through the channel {object}"),
    "review.assigned": _("{actor} assigned the review of {object}"),
    "finding.unmasked": _("{actor} looked at the whole value of a finding in {object}"),
    "decision.keep": _("{actor} decided to keep the record {object}"),
    "decision.hide": _("{actor} decided to hide the record {object}"),
    "decision.remove": _("{actor} decided to remove the record {object}"),
    "decision.remove_block": _("{actor} decided to remove {object} and block its author"),
    "decision.register": _("{actor} decided to register the record {object} as a case"),
    "evidence.kept": _("Evidence was kept before removal: {object}"),
    "evidence.opened": _("{actor} opened the evidence {object}"),
    "evidence.opened_masked": _("{actor} opened the evidence {object}, with personal data masked"),
    "platform.hide_done": _("{actor} confirmed the record {object} hidden on the platform"),
    "platform.remove_done": _("{actor} confirmed the record {object} removed on the platform"),
    "platform.remove_block_done": _(
        "{actor} confirmed the record {object} removed and its author blocked on the platform"
    ),
    "watchlist.added": _("{actor} added {object} to the watch list"),
    "watchlist.removed": _("{actor} removed {object} from the watch list"),
    # Preservation.
    "snapshot.requested": _("{actor} asked for the snapshot {object}"),
    "snapshot.scheduled": _("Torget scheduled the snapshot {object}"),
    "snapshot.valid": _("The snapshot {object} was made and is valid"),
    "snapshot.unchecked": _("The snapshot {object} was made but not checked"),
    "snapshot.invalid": _("The snapshot {object} was made but is not valid"),
    "snapshot.failed": _("The snapshot {object} failed"),
    # Disposal.
    "disposal.rule_created": _("{actor} made the disposal rule {object}"),
    "disposal.rule_deactivated": _("{actor} took the disposal rule {object} out of use"),
    "disposal.hold_placed": _("{actor} placed the legal hold {object}"),
    "disposal.hold_released": _("{actor} released the legal hold {object}"),
    "disposal.planned": _("{actor} planned the disposal {object} as a dry run"),
    "disposal.approved": _("{actor} approved the disposal {object}"),
    "disposal.cancelled": _("{actor} cancelled the disposal {object}"),
    "disposal.started": _("{actor} started the disposal {object}"),
    "disposal.batch": _("A batch of the disposal {object} was disposed"),
    "disposal.executed": _("The disposal {object} was carried out"),
    "disposal.resumed": _("{actor} continued the interrupted disposal {object}"),
    "disposal.undo_started": _("{actor} started to undo the disposal {object}"),
    "disposal.undone": _("The disposal {object} was undone"),
    "disposal.restored": _("{actor} restored a disposed record: {object}"),
    "disposal.restored_for_hold": _("A disposed record was restored for a legal hold: {object}"),
    "disposal.purged": _("The disposed records of {object} are gone for good"),
}


def event_sentence(*, action: str, actor_name: str, object_repr: str) -> str:
    """The event as a sentence, in the page's language; the code itself if it has none."""
    template = EVENTS.get(action)
    if template is None:
        return action
    actor = actor_name or gettext("Torget")
    return str(template).format(actor=actor, object=object_repr or "–")
