#!/usr/bin/env bash
# Run baosong's test-suite on a fresh machine: installs Dovecot (the real IMAP
# server the end-to-end tests start on 127.0.0.1) and LibreOffice, makes a virtualenv with the
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

# LibreOffice converts .doc/.wps for the readers (tests of both the LibreOffice and the
# pure-Python path run); a CJK font so Chinese documents lay out as they do in an office.
if ! command -v soffice >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing LibreOffice Writer (headless) and a CJK font for the .doc/.wps tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-writer-nogui fonts-noto-cjk </dev/null >/dev/null
  elif [ "${CI:-}" = true ]; then
    echo "CI needs LibreOffice: sudo apt-get install -y libreoffice-writer-nogui fonts-noto-cjk" >&2
    exit 1
  else
    echo "LibreOffice is missing: the tests that need it are skipped" \
         "(sudo apt-get install -y libreoffice-writer-nogui fonts-noto-cjk)" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
exec .venv/bin/python -m pytest "$@"
