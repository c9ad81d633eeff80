"""Settings read from the environment (prefix ``EARLYHELP_``) with embedded defaults.

Secrets and locations come from here, never from code, so that a council deploys the same
package with its own database URLs and keys.
"""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where earlyhelp keeps its data and how it reaches its databases."""

    model_config = SettingsConfigDict(env_prefix="EARLYHELP_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="root of extracts, warehouse, models")
    warehouse_url: str = Field(
        default="", description="DuckDB file for analytics; empty means <data_dir>/warehouse.duckdb"
    )
    store_url: str = Field(
        default="", description="SQLAlchemy URL of the operational store; empty means SQLite"
    )
    duckdb_memory_limit: str = Field(
        default="3GB",
        pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$",
        description=(
            "most memory DuckDB may hold before it spills to disk; with pandas beside it, "
            "the 176,000-resident council trains within 6 GB at 3GB"
        ),
    )
    secret_key: SecretStr = Field(
        default=SecretStr(""), description="signs sessions; must be set before serving"
    )

    @property
    def warehouse_path(self) -> Path:
        """The DuckDB warehouse file, defaulting to one file under the data directory."""
        return (
            Path(self.warehouse_url) if self.warehouse_url else self.data_dir / "warehouse.duckdb"
        )

    @property
    def resolved_store_url(self) -> str:
        """The operational store URL, defaulting to an embedded SQLite file."""
        return self.store_url or f"sqlite:///{self.data_dir / 'store.sqlite'}"


def get_settings() -> Settings:
    """Read the settings afresh, so that tests can change the environment between calls."""
    return Settings()
