#!/usr/bin/env bash
# Debian's Chromium for the browser tests; never a downloaded browser build.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get > /dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) > /tmp/chromium-install.log 2>&1 \
    || { echo "chromium could not be installed (see /tmp/chromium-install.log)"; exit 1; }
else
  # The browser tests then fail when PORTAL_REQUIRE_SERVICES=1 (CI) and are skipped otherwise.
  echo "warning: no /usr/bin/chromium and no way to install it here: install Debian's 'chromium' package." >&2
fi
