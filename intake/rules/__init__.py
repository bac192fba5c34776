"""Gate rules: one module per rule (see docs/architecture.md)."""
