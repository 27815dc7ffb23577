"""The refusals of the accounts feature; their messages are shown to the user (already translated)."""


class AuthError(ValueError):
    """Login, registration, activation or a change of the account refused."""


class PasswordError(AuthError):
    """The password breaks the policy (lms.auth.passwords); the message says why."""
