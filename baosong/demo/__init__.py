"""The demo's corner: `baosong demo` (run.py), the local IMAP and SMTP servers (servers.py), the
sample mail and .docx builders (samples.py) and the config writer (config.py).

The tests and the benchmarks build their mail, documents and config directories with the same
builders, so there is one of each. Importing this package imports none of them.
"""
