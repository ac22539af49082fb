"""Settings, read from the environment (prefix ``XLREPORT_``) or the user's own config file.

The file is ``settings.env`` in the user's config folder (``~/.config/xlreport`` on
Linux, ``%LOCALAPPDATA%\\xlreport`` on Windows); the environment wins over it. A ``.env``
file in the current folder is NOT read: a folder received from someone else must not
point xlreport at another database (see docs/security.md).

One cached :func:`get_settings`; tests call ``get_settings.cache_clear()`` after changing
the environment. A bad value is a :class:`~xlreport.errors.SettingsError` naming the
variable.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from xlreport.errors import SettingsError, shown

APP_NAME = "xlreport"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_output_dir() -> Path:
    return Path(platformdirs.user_documents_dir()) / "xlreport-reports"


class Settings(BaseSettings):
    """Everything a user may configure. Each field is ``XLREPORT_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="XLREPORT_", env_file=None, extra="ignore", frozen=True
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default is an SQLite file in the user data folder",
    )
    output_dir: Path = Field(default_factory=default_output_dir)
    rate_source: str = Field(default="ECB", description="rate source used by reports")
    rate_file: Path | None = Field(
        default=None, description="a newer ECB history file (eurofxref-hist.zip or .csv)"
    )
    rate_update: Literal["auto", "off"] = Field(
        default="auto",
        description=(
            "auto: report, the Excel report button and schedule run-due download newer "
            "rates first when the month needs them; off: never touch the network"
        ),
    )
    rates_url: str | None = Field(
        default=None,
        description="address of the ECB history file (a mirror or proxy); default the ECB's",
    )
    fred_url: str | None = Field(
        default=None,
        description="address of the FRED DEXCHUS CSV (a mirror or proxy); default FRED's",
    )
    rate_update_timeout: float = Field(
        default=5.0,
        gt=0,
        le=600,
        description="seconds an automatic rate update may take before the report goes on",
    )
    template: str = Field(default="default", description="report template name or path")
    currency: str = Field(default="USD", description="report currency")
    about_tolerance: float = Field(
        default=0.05, ge=0, lt=1, description="tolerance of 'about' targets, as a fraction"
    )
    addin_token: str | None = Field(
        default=None,
        repr=False,
        description="bearer token of the Office add-in server; default: made at first start",
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'xlreport.sqlite3'}"


def user_settings_file() -> Path:
    """The user's own settings file (it need not exist)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.env"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings(_env_file=user_settings_file())
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        name = "XLREPORT_" + "_".join(str(p) for p in err["loc"]).upper()
        raise SettingsError(
            f"setting {name}: {err['msg']} (got {shown(err.get('input', ''))}); fix it in the "
            f"environment or in {user_settings_file()}"
        ) from None
