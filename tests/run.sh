#!/usr/bin/env bash
# Run baosong's test-suite on a fresh machine: installs Dovecot (the real IMAP
# server the end-to-end tests start on 127.0.0.1), makes a virtualenv with the
# project and its test extras, then runs pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dovecot >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Dovecot (dovecot-imapd) for the IMAP tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd </dev/null >/dev/null
  else
    echo "The tests need Dovecot: sudo apt-get install -y dovecot-imapd" >&2
    exit 1
  fi
fi

# headless Chromium renders the HTML notice (tests/test_paperwork.py); LibreOffice makes the notice's PDF
missing=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing ${missing[*]} for the notice tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" </dev/null >/dev/null
  else
    echo "The notice tests need: sudo apt-get install -y ${missing[*]} (they are skipped without chromium)" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
exec .venv/bin/python -m pytest "$@"
