"""baosong (报送): email intake daemon with automatic ledgering."""

__version__ = "0.1.0"
