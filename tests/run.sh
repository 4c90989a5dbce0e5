#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine with Rust.
#
# Installs what the tests need when it is missing (tmux, curl, procps,
# python3-venv, then the peers of tests/peers/install.sh), then runs
# `cargo test`. kubectl must already be on PATH: without it the script stops
# at once and says how to get it. Safe to run again: every install step
# checks first.
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

# An executable on PATH (bash's `command -v` also reports files it cannot run).
have() { local p; p=$(command -v "$1") && [ -x "$p" ]; }

say "checking tools"
have cargo || { echo "cargo not found: install Rust with rustup (https://rustup.rs)" >&2; exit 1; }

# kubectl cannot be installed from here (these machines ship it as a
# dispatcher whose package source is not reachable; Debian's
# kubernetes-client is far older and installs to the same path), so its
# absence stops the run now, with one message, not with a panic per test.
if ! kubectl version --client >/dev/null 2>&1; then
  arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
  cat >&2 <<MSG
kubectl is not on PATH (or does not run). The conformance tests (tests/sim_kubectl.rs) drive a
real kubectl (1.32) against the simulator. Install it, then re-run:
  curl -LO https://dl.k8s.io/release/v1.32.4/bin/linux/${arch}/kubectl
  install -m 0755 kubectl /usr/local/bin/kubectl
(or: gcloud components install kubectl)
MSG
  exit 1
fi

need=()
have tmux || need+=(tmux)
have curl || need+=(curl)
# procps: the kill(1) binary the tests run (the shell builtin is not enough).
[ -x /usr/bin/kill ] || [ -x /bin/kill ] || need+=(procps)
# time: /usr/bin/time, for scripts/bench's memory figure.
[ -x /usr/bin/time ] || need+=(time)
# python3-venv: python3 with venv and ensurepip, for the moto peer.
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
[ ${#need[@]} -eq 0 ] || { say "installing ${need[*]}"; apt_install "${need[@]}"; }

# Later suites add their peers here (real Prometheus, Alertmanager, moto).
for hook in tests/peers/install.sh; do
  if [ -x "$hook" ]; then say "installing test peers ($hook)"; "$hook"; fi
done

say "cargo test"
cargo test "$@"

# Benchmarks are not tests: build them (the dev profile, which reuses the
# tests' build; `cargo bench` itself would add a release build of ~11
# minutes), and run the whole-process script at a tiny size to prove it
# works (its figures here mean nothing).
say "benchmarks build; scripts/bench at a tiny size"
cargo build --benches
scripts/bench --regions 2 --runs 1 --fleet 51 --bin target/debug/opsdeck
