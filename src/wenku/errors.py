"""The one shape of a refusal, shared by every service of every app.

A `Refusal` says why a request was refused in three ways, each for its reader: `message`, a
sentence in the user's language without paths or tool output; `code`, a stable word for
programs; `status`, the HTTP status that says the same (the API's one exception handler and
the views answer with it). Every service error is a kind of Refusal (IngestError,
DownloadRefused, ActionRefused, PointsError, AccountError, ModerationError, ConversionError,
TokenRefused), so callers that only report a refusal catch this one class.
"""

from __future__ import annotations


class Refusal(Exception):
    status: int = 400
    code: str = "invalid"

    def __init__(self, message: str, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message
