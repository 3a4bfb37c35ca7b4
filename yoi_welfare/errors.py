"""The error every service raises for a request it cannot carry out."""


class ServiceError(Exception):
    """A message a person can act on; `field` names the form field to show it on, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
