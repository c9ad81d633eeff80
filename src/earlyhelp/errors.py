"""The exception hierarchy of earlyhelp, in one place so that callers can catch by concern."""


class EarlyHelpError(Exception):
    """Base of every error earlyhelp raises on purpose."""


class ConfigurationError(EarlyHelpError):
    """Settings or parameters that cannot work together."""
