"""baosong (报送): email intake daemon with automatic ledgering.

The subpackages live in sibling folders of the checkout (intake/, ledger/, notify/, config/,
templates/) and are mapped to ``baosong.*`` by setuptools' package-dir: baosong runs installed
(``pip install -e .`` in a checkout, as the README says). Each module has exactly one name
(tests/test_layout.py).
"""

__version__ = "0.1.0"
