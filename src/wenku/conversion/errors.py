"""Errors of the conversion pipeline, each carrying a message a user can act on.

`message` is a sentence for the uploader, in their language, without paths or tool output;
`detail` is what the tool said (LibreOffice's, qpdf's or pdfium's own words), for the log and for
staff only.
"""

from django.utils.translation import gettext as _

from wenku.errors import Refusal


class ConversionError(Refusal):
    """A document could not be converted.

    `permanent` errors come from the file itself (trying again gives the same answer); the others
    (a time-out, LibreOffice crashing) are worth another attempt.
    """

    code = "conversion_failed"
    status = 422

    def __init__(self, message: str, *, permanent: bool = True, detail: str = "") -> None:
        super().__init__(message)
        self.permanent = permanent
        self.detail = detail


class RejectedFile(ConversionError):
    """The file is refused before anything is stored or converted."""

    status = 400

    def __init__(self, message: str, code: str = "invalid", *, detail: str = "") -> None:
        super().__init__(message, permanent=True, detail=detail)
        self.code = code


class StepTimeout(ConversionError):
    def __init__(self, step: str, seconds: float) -> None:
        super().__init__(
            _("%(step)s超时（超过 %(seconds).0f 秒）") % {"step": step, "seconds": seconds},
            permanent=False,
        )
