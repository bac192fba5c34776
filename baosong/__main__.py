"""`python -m baosong`: the same as the `baosong` command (the package must be installed)."""

import sys

try:
    import baosong.config  # noqa: F401 - mapped from config/ only by an install
except ModuleNotFoundError:  # run from a checkout that was never installed
    sys.exit("baosong 尚未安装：请在源码目录运行 pip install -e . / baosong is not installed: "
             "run `pip install -e .` in the checkout first (README.md).")

from baosong.cli import main

main()
