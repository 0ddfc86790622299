#!/usr/bin/env bash
# Install the Debian packages the portal needs when they are missing:
#   runtime: Tesseract OCR with Russian (passport pre-checks), poppler (PDF pages to
#            images), Pango and DejaVu fonts (PDF documents rendered by WeasyPrint);
#   test:    the above plus Chromium (browser tests) and gettext (translation checks);
#   bench:   the runtime packages plus hey (HTTP load generator for bench/pages.py)
#            and nginx (the load balancer of bench/scaleout.py).
set -euo pipefail
mode="${1:-runtime}"
need_apt=()
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/rus.traineddata ] || need_apt+=(tesseract-ocr-rus)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
if [ "$mode" = "test" ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v xgettext >/dev/null 2>&1 || need_apt+=(gettext)
fi
if [ "$mode" = "bench" ]; then
  command -v hey >/dev/null 2>&1 || need_apt+=(hey)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing Debian packages: ${need_apt[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
