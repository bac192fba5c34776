"""Where an office's own templates live: ``<config dir>/templates``, searched before the shipped ones.

The same folder's ``labels.yaml`` rewords the labels of stored values (``baosong.vocabulary.labels``),
and its ``messages/*.yaml`` the sentences of the CLI and the daemon (``baosong.messages.say``).

Kept apart from ``render.py`` so that loading the config does not import Jinja2 (start-up time).
"""

from __future__ import annotations

from pathlib import Path

from baosong.messages import use_messages_from
from baosong.vocabulary import use_labels_from

_folder: str | None = None


def use_config_templates(config_dir: Path | str | None) -> None:
    """Search ``<config_dir>/templates`` before the shipped templates (when that folder exists)."""
    global _folder
    folder = Path(config_dir) / "templates" if config_dir is not None else None
    _folder = str(folder) if folder is not None and folder.is_dir() else None
    use_labels_from(_folder)
    use_messages_from(_folder)


def override_folder() -> str | None:
    return _folder
