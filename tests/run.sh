#!/usr/bin/env bash
# Run baosong's test-suite on a fresh machine: installs Dovecot (the real IMAP
# server the end-to-end tests start on 127.0.0.1), LibreOffice and PostgreSQL (every test that
# touches a ledger runs on SQLite and on a throw-away PostgreSQL cluster the suite
# starts on 127.0.0.1: tests/postgres.py), makes a virtualenv with the project and
# its test and postgres extras, then runs pytest. Extra arguments go to pytest.
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
pg_bindir() {
  command -v initdb >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
if [ -z "${BAOSONG_TEST_POSTGRES:-}" ] && ! pg_bindir; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing PostgreSQL (postgresql) for the ledger tests..."
    # only the binaries are wanted: Debian's package would create and start a system cluster
    # ("main" on port 5432) unless told not to; the tests start their own throw-away cluster
    mkdir -p /etc/postgresql-common
    [ -e /etc/postgresql-common/createcluster.conf ] ||
      echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql </dev/null >/dev/null
  else
    echo "The tests need PostgreSQL: sudo apt-get install -y postgresql" \
         "(or BAOSONG_TEST_POSTGRES=postgresql+psycopg://user@host:port)" >&2
    exit 1
  fi
fi
# the suite's PostgreSQL variants fail instead of being skipped when no server can be started
export BAOSONG_REQUIRE_POSTGRES=${BAOSONG_REQUIRE_POSTGRES:-1}
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
.venv/bin/python -m pip install -q -e '.[test,postgres]'
exec .venv/bin/python -m pytest "$@"
