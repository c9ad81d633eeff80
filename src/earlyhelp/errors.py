"""The exception hierarchy of earlyhelp, in one place so that callers can catch by concern."""


class EarlyHelpError(Exception):
    """Base of every error earlyhelp raises on purpose."""


class ConfigurationError(EarlyHelpError):
    """Settings or parameters that cannot work together."""


class LinkageInputError(EarlyHelpError, ValueError):
    """A person file or column mapping that cannot be linked as it stands (file, column, why)."""


class StoreError(EarlyHelpError):
    """The operational store cannot be reached, migrated or written as asked."""


class PolicyError(ConfigurationError):
    """``policy.yaml`` that cannot be used: the file and the key are named."""


class AlertError(EarlyHelpError):
    """An alert that does not exist, or a step its lifecycle does not allow from where it is."""


class RunError(EarlyHelpError):
    """A monthly run that cannot go ahead (no promoted model, a month already published...)."""


class FairnessError(EarlyHelpError):
    """A fairness audit, label-bias measure or model card that cannot be made as asked."""


class FairnessInputError(FairnessError, ValueError):
    """A scored file an audit cannot read: the file and the column are named, with why."""


class FeatureMatrixError(EarlyHelpError, ValueError):
    """A feature matrix that is missing, stale or lacks the as-of dates asked for."""


class RegistryError(EarlyHelpError, ValueError):
    """A model version that cannot be saved, found, loaded or used as asked (named, with why)."""


class PromotionRefusedError(EarlyHelpError):
    """A model whose fairness audit failed, promoted without a named override."""


class IngestError(EarlyHelpError):
    """An ingest step that cannot be done as asked (accepting a source with nothing held...)."""


class ExtractError(IngestError):
    """A file that cannot be loaded at all (missing, empty, bad header); nothing of it loads."""


class WarehouseError(EarlyHelpError):
    """A warehouse path that does not exist, is not a DuckDB file, or is held by another
    process: the path (and the holding command) are named."""
