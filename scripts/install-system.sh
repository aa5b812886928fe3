#!/usr/bin/env bash
# Installs the system packages the tests need, on Debian 12 (bookworm), as root:
#   - libvulkan1 + chromium: headless Chromium for e2e, and its SwiftShader Vulkan driver for Dawn in Node;
#   - Mesa 25 lavapipe from bookworm-backports, unpacked privately under $WEBFOLD_LAVAPIPE_DIR
#     (default /opt/webfold/lavapipe): ~4x faster than SwiftShader and it has shader-f16. Optional:
#     the tests fall back to SwiftShader without it.
# Idempotent: does nothing when everything is present. Without root it says what is missing and how to get it.
set -euo pipefail

LAVAPIPE_DIR="${WEBFOLD_LAVAPIPE_DIR:-/opt/webfold/lavapipe}"
MESA_VERSION="25.0.7-2~bpo12+1"

missing=()
dpkg -s libvulkan1 >/dev/null 2>&1 || missing+=(libvulkan1)
{ [ -x /usr/lib/chromium/chromium ] && [ -f /usr/lib/chromium/vk_swiftshader_icd.json ]; } || missing+=(chromium)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "webfold tests need these Debian packages: ${missing[*]}" >&2
    echo "install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "install-system: apt-get install ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Optional: Mesa 25 lavapipe, unpacked (not installed) so the system's Mesa stays as it is.
if [ ! -f "$LAVAPIPE_DIR/lvp_icd.json" ] && [ "$(id -u)" = 0 ] && [ -z "${WEBFOLD_NO_LAVAPIPE:-}" ]; then
  work=$(mktemp -d)
  chmod 755 "$work" # apt downloads as the _apt user
  trap 'rm -rf "$work"' EXIT
  if (
    set -e
    mkdir -p "$work/lists/partial" "$work/debs"
    echo "deb http://deb.debian.org/debian bookworm-backports main" >"$work/sources.list"
    apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-" -o "Dir::State::Lists=$work/lists")
    apt-get "${apt_opts[@]}" update -qq
    cd "$work/debs"
    apt-get "${apt_opts[@]}" download -qq "mesa-vulkan-drivers=$MESA_VERSION" 2>/dev/null
    dpkg -s libllvm15 >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libllvm15 >/dev/null
    mkdir -p "$work/root"
    for deb in ./*.deb; do dpkg -x "$deb" "$work/root"; done
    lib="$work/root/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so"
    [ -f "$lib" ]
    mkdir -p "$(dirname "$LAVAPIPE_DIR")"
    staged="$LAVAPIPE_DIR.partial.$$"
    rm -rf "$staged"
    mkdir -p "$staged"
    cp "$lib" "$staged/"
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s/libvulkan_lvp.so","api_version":"1.4.305"}}\n' \
      "$LAVAPIPE_DIR" >"$staged/lvp_icd.json"
    rm -rf "$LAVAPIPE_DIR"
    mv "$staged" "$LAVAPIPE_DIR" # atomic: never a half-written driver folder
  ); then
    echo "install-system: Mesa lavapipe $MESA_VERSION in $LAVAPIPE_DIR" >&2
  else
    echo "install-system: Mesa 25 lavapipe not available (optional); Node GPU tests use SwiftShader" >&2
  fi
fi
