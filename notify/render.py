"""Jinja2 rendering of everything a user reads in mail. Templates live in baosong.templates."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("baosong.templates", "."),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["points"] = lambda v: f"{v:g}" if isinstance(v, float) else str(v)
    return env


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
