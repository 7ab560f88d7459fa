class DomainError(Exception):
    """A refused change, with a message meant for the person who asked for it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
