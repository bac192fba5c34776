"""Jinja2 rendering of everything a user reads in mail. Templates live in baosong.templates.

An office overrides any template without touching code: a ``templates/`` folder inside the config
directory is searched first (``use_config_templates``, called when the config is loaded), then the
shipped templates. HTML templates (``*.html.j2``, ``*.html``) are autoescaped: a ``<script>`` in a
unit's short name reaches a notice as text, never as markup.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

from .overrides import override_folder, use_config_templates

__all__ = ["autoescape_for", "environment", "render", "use_config_templates"]

_HTML_SUFFIXES = (".html.j2", ".html", ".htm", ".xml.j2", ".xml")


def autoescape_for(name: str | None) -> bool:
    """HTML (and XML) templates escape what they insert; text templates do not."""
    return bool(name) and str(name).lower().endswith(_HTML_SUFFIXES)


@lru_cache(maxsize=4)
def _environment(override: str | None) -> Environment:
    loaders: list[BaseLoader] = [PackageLoader("baosong.templates", ".")]
    if override:
        loaders.insert(0, FileSystemLoader(override))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=autoescape_for,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["points"] = lambda v: f"{v:g}" if isinstance(v, float) else str(v)
    return env


def environment() -> Environment:
    return _environment(override_folder())


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
