"""baosong (报送): email intake daemon with automatic ledgering."""

import os as _os

__version__ = "0.1.0"

# In a source checkout the subpackages (baosong.intake, .ledger, .notify, .config, .templates)
# are sibling folders, mapped by setuptools' package-dir when installed. When Python imports this
# folder straight from a checkout (e.g. `python -m baosong` run in the checkout), let the same
# names resolve to those folders too.
_root = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
if _os.path.isfile(_os.path.join(_root, "pyproject.toml")) and _os.path.isfile(
        _os.path.join(_root, "intake", "__init__.py")):
    __path__.append(_root)  # noqa: F821 - __path__ is set for packages
