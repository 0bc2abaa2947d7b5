"""The one refusal type of the domain: a sentence for people and the HTTP status it means.

Every domain error that says "no" to a person (`RoleRequired`, `TransitionRefused`,
`SnapshotRefused`, `DialogueRefused`, …) is a `Refusal`. Pages, the API and commands handle
them in one place each (`RefusalMiddleware`, the API's exception handler, the command line),
so a new kind of refusal needs no new `except`. This module imports nothing from Torget, so
anything may import it.
"""

# What a refusal means, as an HTTP status.
BAD_INPUT = 400  # the values given cannot be used: say which, the person can fix them
FORBIDDEN = 403  # this person may not do this at all
CONFLICT = 409  # not now: the state of the thing does not allow it


class Refusal(Exception):
    """A step refused with a sentence saying why (`sentence`), and its HTTP `status`.

    Subclasses that are also Django `ValidationError`s (field errors on forms) put it first
    in their bases, `class DialogueRefused(ValidationError, Refusal)`, so that forms can still
    show their messages by field.
    """

    status: int = BAD_INPUT

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(message, *args)
        if not isinstance(message, (dict, list)) and not hasattr(self, "message"):
            self.message = message

    @property
    def sentence(self) -> str:
        """What to tell the person: every message of the refusal, in one line."""
        messages = getattr(self, "error_list", None)
        if messages is not None or hasattr(self, "error_dict"):
            return " ".join(str(m) for m in self.messages)  # a ValidationError's messages
        return str(getattr(self, "message", "") or "")
