"""Errors a user can act on.

:class:`InputError` is for bad input (a missing file, a clip with no person): its message is
one line that says what is wrong and what to do, and the command line prints only that.
Misuse of the API by a programmer stays a :class:`ValueError`.
"""


class InputError(Exception):
    """The input cannot be analysed; the message says what is wrong and what to do."""

    def __init__(self, message: str) -> None:
        if "\n" in message:
            raise ValueError("an InputError message must be one line")
        super().__init__(message)
