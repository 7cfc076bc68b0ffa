"""One Settings object, built at start-up from the environment and passed down."""

from __future__ import annotations

from datetime import time

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.errors import BoardbotError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    slack_bot_token: str | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(default=None, validation_alias="SLACK_API_URL")
    # Installed by OAuth ("Add to Slack") in many workspaces, instead of one SLACK_BOT_TOKEN.
    slack_client_id: str | None = Field(default=None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: str | None = Field(default=None, validation_alias="SLACK_CLIENT_SECRET")
    port: int = Field(default=3000, ge=1, le=65535, validation_alias="PORT")
    quiet_start: time = Field(default=time(18, 0), validation_alias="BOARDBOT_QUIET_START")
    quiet_end: time = Field(default=time(8, 0), validation_alias="BOARDBOT_QUIET_END")
    # Days to keep delivered prompts (the outbox); the governance record is kept regardless.
    retention_days: int = Field(default=400, ge=30, validation_alias="BOARDBOT_RETENTION_DAYS")
    log_level: str = Field(default="INFO", validation_alias="BOARDBOT_LOG_LEVEL")
    # Where people reach the web process (https://boardbot.example.org): calendar links start so.
    public_url: str | None = Field(default=None, validation_alias="BOARDBOT_PUBLIC_URL")

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str | None) -> str | None:
        if value and not value.endswith("/"):
            return value + "/"
        return value

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("give the web address, e.g. https://boardbot.example.org")
        return value.rstrip("/")

    @property
    def installed_by_oauth(self) -> bool:
        """True when workspaces install boardbot through OAuth rather than share one token."""
        return bool(self.slack_client_id or self.slack_client_secret)

    def require(self, *names: str) -> None:
        """Stop with the names of the variables a mode needs and does not have."""
        missing = [name for name in names if not getattr(self, name.lower())]
        if missing:
            raise BoardbotError(f"missing environment variable(s): {', '.join(missing)}")


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "?"
            problems.append(f"{name}: {error['msg']}")
        raise BoardbotError("bad environment variable: " + "; ".join(problems)) from None
