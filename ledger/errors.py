"""The ledger's one error type."""

from __future__ import annotations


class LedgerError(Exception):
    """A request the ledger refuses (unknown piece, unknown outlet, duplicate event).

    The message is meant for the admin: Chinese first, then English.
    """
