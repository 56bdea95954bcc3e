"""What the assistant refuses, in the domain's words (the API maps each to its status in ``api/errors.py``)."""

from __future__ import annotations


class AssistantError(ValueError):
    """A question the assistant cannot take; the message says why."""


class QuestionRejected(AssistantError):
    """The question itself cannot be answered as asked: empty, too long, or a session where none are kept."""


class ConversationNotFound(AssistantError, LookupError):
    """An unknown conversation id — or one that belongs to someone else (never revealed as such)."""


class SessionFileNotFound(AssistantError, LookupError):
    """An unknown case file in that conversation (or one in someone else's: never revealed as such)."""


class SessionFileLimit(AssistantError):
    """The conversation holds as many case files as allowed."""
