"""Gate rules: one module per rule (the contract: ``base.py``; the order: ``intake/chain.py``)."""
