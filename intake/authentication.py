"""Did the receiving server authenticate the sender's domain? (Authentication-Results, RFC 8601)

Pure. Only the topmost Authentication-Results field counts: the receiving provider adds it on top,
and any below it came with the message and may be forged. The sender's domain is authenticated
when SPF passed for a MAIL FROM in that domain, or a DKIM signature of that domain verified.
A reply to an unregistered sender is sent only then (backscatter: never mail a forged address).
"""

from __future__ import annotations

import re

from .message import ParsedMessage

_SPF = re.compile(r"\bspf\s*=\s*pass\b(?P<rest>[^;]*)", re.I)
_DKIM = re.compile(r"\bdkim\s*=\s*pass\b(?P<rest>[^;]*)", re.I)
_MAILFROM = re.compile(r"smtp\.mailfrom\s*=\s*\"?(?:[^@\s;\"]*@)?(?P<domain>[A-Za-z0-9.\-]+)", re.I)
_DKIM_DOMAIN = re.compile(r"header\.(?:d|i)\s*=\s*\"?(?:[^@\s;\"]*@)?(?P<domain>[A-Za-z0-9.\-]+)", re.I)


def _same_domain(found: str, domain: str) -> bool:
    found, domain = found.lower().strip("."), domain.lower().strip(".")
    return found == domain or domain.endswith("." + found) or found.endswith("." + domain)


def sender_authenticated(message: ParsedMessage) -> str | None:
    """'spf' or 'dkim' when the topmost Authentication-Results shows a pass for the From domain."""
    domain = message.sender.rpartition("@")[2]
    if not domain:
        return None
    results = message.headers("Authentication-Results")
    if not results:
        return None
    top = results[0]
    for method, pattern, where in (("spf", _SPF, _MAILFROM), ("dkim", _DKIM, _DKIM_DOMAIN)):
        for hit in pattern.finditer(top):
            named = where.search(hit.group("rest"))
            if named is None and method == "spf":
                return method   # spf=pass without the property: the provider checked the From domain
            if named is not None and _same_domain(named.group("domain"), domain):
                return method
    return None
