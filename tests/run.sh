#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine with Rust.
#
# Installs what the tests need when it is missing, then runs `cargo test`.
# Safe to run again: every install step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root (or sudo) to run: $*" >&2; return 1; fi
}

apt_install() {
  # Debian images here carry a policy-rc.d that keeps daemons from starting;
  # create it when missing so installing a server package never starts one.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod +x /usr/sbin/policy-rc.d
  fi
  if [ -z "${APT_UPDATED:-}" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

say "checking tools"
command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup (https://rustup.rs)" >&2; exit 1; }
need=()
command -v tmux >/dev/null || need+=(tmux)
[ ${#need[@]} -eq 0 ] || { say "installing ${need[*]}"; apt_install "${need[@]}"; }

# Later suites add their peers here (real Prometheus, Alertmanager, moto).
for hook in tests/peers/install.sh; do
  if [ -x "$hook" ]; then say "installing test peers ($hook)"; "$hook"; fi
done

say "cargo test"
cargo test "$@"
