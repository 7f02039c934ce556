#!/usr/bin/env bash
# Installs the Debian packages Duet links against, if they are missing: OpenBLAS (CBLAS) and GSL.
# Safe to run again: it does nothing when both are present.
set -euo pipefail

packages=(libopenblas-dev libgsl-dev)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "Installing ${missing[*]} ..."
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
