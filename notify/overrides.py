"""Where an office's own templates live: ``<config dir>/templates``, searched before the shipped ones.

Kept apart from ``render.py`` so that loading the config does not import Jinja2 (start-up time).
"""

from __future__ import annotations

from pathlib import Path

_folder: str | None = None


def use_config_templates(config_dir: Path | str | None) -> None:
    """Search ``<config_dir>/templates`` before the shipped templates (when that folder exists)."""
    global _folder
    folder = Path(config_dir) / "templates" if config_dir is not None else None
    _folder = str(folder) if folder is not None and folder.is_dir() else None


def override_folder() -> str | None:
    return _folder
