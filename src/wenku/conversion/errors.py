"""Errors of the conversion pipeline, each carrying a message a user can act on."""


class ConversionError(Exception):
    """A document could not be converted.

    `permanent` errors come from the file itself (trying again gives the same answer); the others
    (a time-out, LibreOffice crashing) are worth another attempt.
    """

    def __init__(self, message: str, *, permanent: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent

    def __str__(self) -> str:
        return self.message


class RejectedFile(ConversionError):
    """The file is refused before anything is stored or converted."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message, permanent=True)
        self.code = code


class StepTimeout(ConversionError):
    def __init__(self, step: str, seconds: float) -> None:
        super().__init__(f"{step}超时（超过 {seconds:.0f} 秒）", permanent=False)
