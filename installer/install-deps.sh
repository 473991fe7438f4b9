#!/usr/bin/env bash
# Installs every Debian 12 package that Cabinet's build, tests and console need.
# Idempotent: packages already present are skipped, and `apt-get update` runs
# only when the package lists are missing or older than a day.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # core libraries
  qt6-base-dev qt6-websockets-dev libsqlite3-dev sqlite3 libcurl4-openssl-dev
  libyaml-cpp-dev libsodium-dev librandom123-dev
  # console (Qt Quick)
  qt6-declarative-dev qt6-declarative-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtquick-shapes
  qml6-module-qtquick-dialogs qml6-module-qtqml-workerscript qml6-module-qt-labs-settings
  qml6-module-qtqml qml6-module-qtqml-models qml6-module-qttest
  qt6-qpa-plugins libgl-dev libgl1-mesa-dri fonts-dejavu-core
  # tests and benchmarks
  xvfb xauth python3-numpy dbus-daemon
  prometheus # promtool, which checks /metrics (tst_server); its daemon is not started by Cabinet
)

if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

lists=/var/lib/apt/lists
if [ -z "$(find "$lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n1)" ]; then
  $sudo apt-get update -qq
fi
echo "install-deps: installing ${missing[*]}"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
