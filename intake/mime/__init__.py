"""The pieces of `baosong.intake.message`, one job each: charsets, headers, MIME parameters,
the MIME walk and HTML-to-text. `parse_message` (intake/message.py) is the entry point."""
