#!/bin/sh
# Install what the browser tests need: Debian's Chromium (when we can) and Playwright for Python.
# Never runs `playwright install`: the tests drive /usr/bin/chromium directly.
# Best effort: when something cannot be installed it says so and exits 0; the browser tests then
# skip, except in CI (CI=true), where a missing browser fails them.
# Usage: sh scripts/install-browser.sh [PYTHON]   (PYTHON defaults to .venv/bin/python)
set -u

PYTHON="${1:-.venv/bin/python}"
CHROMIUM=/usr/bin/chromium

if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "install-browser: installing Debian's chromium" >&2
        if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
               DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                   chromium >/dev/null; }; then
            echo "install-browser: could not install chromium with apt-get" >&2
        fi
    else
        echo "install-browser: $CHROMIUM is missing and cannot be installed here" \
             "(not root, or no apt-get)" >&2
    fi
fi

if ! "$PYTHON" -c "import playwright.sync_api" >/dev/null 2>&1; then
    echo "install-browser: installing the playwright package" >&2
    "$PYTHON" -m pip install --quiet "playwright>=1.45" ||
        echo "install-browser: could not install the playwright package" >&2
fi
exit 0
