"""The steps of a channel's life, who may take each, and why a step is refused.

The table is the rule: services take steps only through `check_step`, and the UI shows only
the steps `steps_for` returns, so the admin, the API and a script all behave alike.
"""

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from torget.organisations.access import RoleRequired, role_labels
from torget.organisations.models import Person, Role
from torget.refusals import CONFLICT, Refusal

from .models import Channel, Status


class TransitionRefused(Refusal):
    """A step that the channel's state or data does not allow. The message says why."""

    status = CONFLICT


@dataclass(frozen=True)
class Step:
    action: str
    # The button: where the step leads ("Send to risk assessment").
    label: str
    sources: frozenset[str]
    target: str
    roles: tuple[str, ...]
    # The confirmation, in words: what happened ("The channel is launched.").
    done: str = ""
    # The history line: what the person did ("sent it to risk assessment").
    did: str = ""
    needs_comment: bool = False
    # Steps that only the channel's own responsible manager may take.
    responsible_manager_only: bool = False
    # Steps a channel administrator may take only on the channels they administer.
    own_channel_only: bool = False
    # The states in which the step is the channel's next step (default: all its sources);
    # in the others it is possible but not waiting for anyone (a new risk assessment).
    next_in: frozenset[str] | None = None

    def is_next(self, channel: Channel) -> bool:
        return channel.status in (self.sources if self.next_in is None else self.next_in)


STEPS: dict[str, Step] = {
    step.action: step
    for step in [
        Step(
            "resubmit",
            _("Submit again for review"),
            frozenset({Status.RETURNED}),
            Status.PROPOSED,
            (Role.CHANNEL_ADMIN, Role.COMMUNICATOR, Role.MANAGER),
            done=_("The proposal is sent again to the communicators for review."),
            did=_("submitted the proposal again"),
            own_channel_only=True,
        ),
        Step(
            "approve",
            _("Send to risk assessment"),
            frozenset({Status.PROPOSED}),
            Status.RISK_ASSESSMENT,
            (Role.COMMUNICATOR,),
            done=_(
                "The proposal is approved and sent to the security officer for risk assessment."
            ),
            did=_("approved the proposal and sent it to risk assessment"),
        ),
        Step(
            "send_back",
            _("Send back with comments"),
            frozenset({Status.PROPOSED}),
            Status.RETURNED,
            (Role.COMMUNICATOR,),
            done=_("The proposal is sent back with your comments."),
            did=_("sent the proposal back for changes"),
            needs_comment=True,
        ),
        Step(
            "assess_risk",
            _("Record risk assessment"),
            frozenset({Status.RISK_ASSESSMENT, Status.DECISION}),
            Status.DECISION,
            (Role.SECURITY_OFFICER,),
            done=_(
                "The risk assessment is recorded; the channel waits for the manager's decision."
            ),
            did=_("recorded the risk assessment"),
            next_in=frozenset({Status.RISK_ASSESSMENT}),
        ),
        Step(
            "open",
            _("Decide to open"),
            frozenset({Status.DECISION}),
            Status.PREPARING,
            (Role.MANAGER,),
            done=_("You decided to open the channel. Its administrators now prepare the launch."),
            did=_("decided to open the channel"),
            responsible_manager_only=True,
        ),
        Step(
            "reject",
            _("Decide not to open"),
            frozenset({Status.DECISION}),
            Status.REJECTED,
            (Role.MANAGER,),
            done=_("You decided not to open the channel."),
            did=_("decided not to open the channel"),
            needs_comment=True,
            responsible_manager_only=True,
        ),
        Step(
            "launch",
            _("Launch"),
            frozenset({Status.PREPARING}),
            Status.ACTIVE,
            (Role.CHANNEL_ADMIN, Role.COMMUNICATOR),
            done=_("The channel is launched. It is on the public list and archived from now on."),
            did=_("launched the channel"),
            own_channel_only=True,
        ),
        Step(
            "pause",
            _("Pause"),
            frozenset({Status.ACTIVE}),
            Status.PAUSED,
            (Role.MANAGER, Role.COMMUNICATOR, Role.SECURITY_OFFICER),
            done=_("The channel is paused."),
            did=_("paused the channel"),
            needs_comment=True,
        ),
        Step(
            "resume",
            _("Make active again"),
            frozenset({Status.PAUSED}),
            Status.ACTIVE,
            (Role.MANAGER,),
            done=_("The channel is active again."),
            did=_("made the channel active again"),
            responsible_manager_only=True,
        ),
        Step(
            "close",
            _("Close the channel"),
            frozenset({Status.ACTIVE, Status.PAUSED}),
            Status.CLOSED,
            (Role.MANAGER,),
            done=_("The channel is closed."),
            did=_("closed the channel"),
            needs_comment=True,
            responsible_manager_only=True,
        ),
    ]
}


# What the person did, for history lines of steps outside STEPS.
DID = {"propose": _("proposed the channel")}


def did_label(action: str) -> str:
    step = STEPS.get(action)
    return str(step.did if step else DID.get(action, action))


# Who a channel in each state waits for, said to everyone else.
def waiting_for(channel: Channel) -> str:
    """ "Waiting for the security officer": whom the channel's next step waits for."""
    status = channel.status
    if status == Status.PROPOSED:
        return str(_("Waiting for a communicator to review the proposal"))
    if status == Status.RETURNED:
        return str(
            format_lazy(
                _("Waiting for {name} to change the proposal and submit it again"),
                name=channel.proposed_by.name,
            )
        )
    if status == Status.RISK_ASSESSMENT:
        return str(_("Waiting for the security officer's risk assessment"))
    if status == Status.DECISION:
        return str(
            format_lazy(
                _("Waiting for the decision of the responsible manager, {name}"),
                name=channel.responsible_manager.name,
            )
        )
    if status == Status.PREPARING:
        return str(_("Waiting for the channel's administrators to complete the launch checklist"))
    return ""


def _status_labels(statuses: frozenset[str]) -> str:
    return ", ".join(str(Status(s).label).lower() for s in sorted(statuses))


def check_step(person: Person, channel: Channel, step: Step, comment: str = "") -> None:
    """Raise TransitionRefused or RoleRequired unless `person` may take `step` now."""
    _check_state(channel, step)
    check_who(person, channel, step)
    _check_data(channel, step, comment)


def steps_for(person: Person, channel: Channel) -> list[Step]:
    """The steps `person` may take on `channel` in its present state.

    Steps whose data is not ready (no reason given yet, checklist incomplete) are included:
    trying them explains what is missing.
    """
    allowed = []
    for step in STEPS.values():
        try:
            _check_state(channel, step)
            check_who(person, channel, step)
        except (TransitionRefused, RoleRequired):
            continue
        allowed.append(step)
    return allowed


def next_steps_for(person: Person, channel: Channel) -> list[Step]:
    """The steps that wait for `person` now: not the ones merely possible (a new risk
    assessment once one is recorded)."""
    return [step for step in steps_for(person, channel) if step.is_next(channel)]


def _check_state(channel: Channel, step: Step) -> None:
    if channel.status not in step.sources:
        raise TransitionRefused(
            str(
                format_lazy(
                    _("The channel is {status}. “{step}” is only possible when it is {allowed}."),
                    status=str(channel.get_status_display()).lower(),
                    step=step.label,
                    allowed=_status_labels(step.sources),
                )
            )
        )


def check_who(person: Person, channel: Channel, step: Step) -> None:
    """Raise RoleRequired unless `person` is one of those who may take `step` on `channel`."""
    if not person.has_role(*step.roles):
        raise RoleRequired(
            str(
                format_lazy(
                    _("Only these roles may do this: {roles}."), roles=role_labels(step.roles)
                )
            )
        )
    if step.responsible_manager_only and channel.responsible_manager_id != person.pk:
        raise RoleRequired(
            str(
                format_lazy(
                    _("Only the channel's responsible manager, {name}, may take this decision."),
                    name=channel.responsible_manager.name,
                )
            )
        )
    if step.action == "resubmit" and not may_edit(person, channel):
        raise RoleRequired(
            str(
                _(
                    "Only the proposer, the channel's administrators, a communicator or the "
                    "responsible manager may submit the proposal again."
                )
            )
        )
    other_roles = [role for role in step.roles if role != Role.CHANNEL_ADMIN]
    if step.own_channel_only and not person.has_role(*other_roles) and not _is_own(person, channel):
        raise RoleRequired(str(_("Only the channel's own administrators may do this.")))


def _check_data(channel: Channel, step: Step, comment: str) -> None:
    if step.needs_comment and not comment.strip():
        raise TransitionRefused(str(_("Please give a reason.")))
    if step.action == "open":
        latest = channel.risk_assessments.first()
        if latest is None:
            raise TransitionRefused(str(_("No risk assessment has been recorded.")))
        if not latest.benefit_outweighs_risk:
            raise TransitionRefused(
                str(
                    _(
                        "The latest risk assessment found that the risks outweigh the benefit. "
                        "Ask the security officer for a new assessment, or decide not to open."
                    )
                )
            )
    if step.action == "launch" and not channel.checklist_complete:
        raise TransitionRefused(
            str(
                _(
                    "The launch checklist is not complete: profile picture, description, "
                    "page rules and the public listing must all be in place."
                )
            )
        )


def _is_own(person: Person, channel: Channel) -> bool:
    return (
        channel.proposed_by_id == person.pk or channel.administrators.filter(pk=person.pk).exists()
    )


def may_edit(person: Person, channel: Channel) -> bool:
    """Who may change a channel's description: never once it is closed or rejected."""
    if channel.status in (Status.CLOSED, Status.REJECTED):
        return False
    if person.has_role(Role.COMMUNICATOR) or channel.responsible_manager_id == person.pk:
        return True
    if channel.status in (Status.PROPOSED, Status.RETURNED) and channel.proposed_by_id == person.pk:
        return True
    return person.has_role(Role.CHANNEL_ADMIN) and _is_own(person, channel)
