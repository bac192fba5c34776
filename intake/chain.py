"""The gate chain as data: which rules run, in which order, and what each one's firing does.

A new rule is one module in ``intake/rules/`` plus one line here. An office changes a link's
action without code, in ``settings.yaml``::

    gate:
      spoofed_sender: quarantine   # hold forged-looking mail for a person instead of refusing it
      classified: flag             # only record the hit, let the rest of the chain decide
      oversize: off                # do not run the rule at all

Actions (``baosong.vocabulary.GateAction``): ``accept``, ``reject``, ``ignore``, ``quarantine``
decide the verdict when their rule is the first deciding link that fires; ``flag`` records the
hit and decides nothing (useful to watch a rule on real mail before letting it refuse any);
``off`` does not run the rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from baosong.vocabulary import GateAction, Reason

from .rules import (
    approval_reply,
    auto_reply,
    bounce,
    classified,
    correspondence,
    corrupt_document,
    duplicate,
    encrypted_document,
    no_document,
    non_electronic,
    offline_file,
    on_behalf,
    oversize,
    revision,
    spoofed_sender,
    unregistered_sender,
    unsupported_archive,
    unsupported_format,
)
from .rules.base import Rule


@dataclass(frozen=True)
class Link:
    rule: Rule
    action: GateAction


A = GateAction
CHAIN: tuple[Link, ...] = (
    Link(bounce, A.IGNORE),
    Link(auto_reply, A.IGNORE),
    Link(approval_reply, A.IGNORE),  # the wiring releases the notice the code names
    Link(oversize, A.REJECT),
    Link(classified, A.QUARANTINE),
    Link(correspondence, A.QUARANTINE),
    Link(spoofed_sender, A.REJECT),
    Link(unregistered_sender, A.REJECT),
    Link(offline_file, A.REJECT),
    Link(non_electronic, A.REJECT),
    Link(unsupported_format, A.REJECT),
    Link(encrypted_document, A.REJECT),
    Link(unsupported_archive, A.REJECT),
    Link(corrupt_document, A.REJECT),
    Link(no_document, A.REJECT),
    Link(duplicate, A.REJECT),
    Link(revision, A.FLAG),
    Link(on_behalf, A.FLAG),
)


def configured(overrides: Mapping[str, str] | None, chain: Sequence[Link] = CHAIN) -> tuple[Link, ...]:
    """The chain with the office's actions (``gate:`` in settings.yaml, already validated)."""
    if not overrides:
        return tuple(chain)
    actions = {Reason(k): GateAction(v) for k, v in overrides.items()}
    unknown = set(actions) - {link.rule.name for link in chain}
    if unknown:
        raise ValueError(f"no such rule in the chain: {', '.join(sorted(unknown))}")
    return tuple(replace(link, action=actions.get(link.rule.name, link.action)) for link in chain)
