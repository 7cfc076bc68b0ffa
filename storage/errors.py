"""The one domain error type: its message is shown to the user as it stands."""


class BoardbotError(Exception):
    """An expected failure (bad input, unknown board, no permission) with a user-facing message."""

    def __init__(self, message: str, *, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage

    def __str__(self) -> str:
        return self.message if not self.usage else f"{self.message}\n{self.usage}"
