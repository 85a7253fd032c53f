"""Sink configuration models: one per sink type, joined into ``SinkConfig``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = ["FileSinkConfig", "SinkConfig"]

SinkName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


class FileSinkConfig(BaseModel):
    """Append every event as one JSON line to a file (the embedded default's sink)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: SinkName
    type: Literal["file"] = "file"
    topics: list[str] = Field(min_length=1, description="Topic suffixes, e.g. `orders`.")
    path: Path = Field(description="The JSON-lines file; parent folders are created.")
    fsync: bool = Field(default=True, description="fsync after each batch before committing.")


SinkConfig = FileSinkConfig
"""The union of every sink type's config (discriminated on ``type``)."""
