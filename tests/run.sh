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

# LibreOffice Calc: the Excel 台账 test opens the exported .xlsx with it headless (tests/test_excel.py)
if ! dpkg-query -W -f='${Status}' libreoffice-calc-nogui 2>/dev/null | grep -q "ok installed" \
   && ! dpkg-query -W -f='${Status}' libreoffice-calc 2>/dev/null | grep -q "ok installed"; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing LibreOffice Calc (libreoffice-calc-nogui) for the Excel tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui </dev/null >/dev/null
  else
    echo "The tests need LibreOffice Calc: sudo apt-get install -y libreoffice-calc-nogui" >&2
    exit 1
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
exec .venv/bin/python -m pytest "$@"
