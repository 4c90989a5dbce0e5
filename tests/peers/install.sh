#!/usr/bin/env bash
# Install the real peers the telemetry and sources tests compare against:
# - Debian's `prometheus` (2.42, brings `promtool`),
#   `prometheus-alertmanager` (0.25) and `victoria-metrics` (1.79, the
#   fleet-wide store of the metrics-mode test);
# - moto (PyPI, server mode, for AWS Cost Explorer) in a virtualenv at
#   $OPSDECK_PEERS_VENV, default target/peers/venv (the tests look there).
# Idempotent: each step does nothing when its peer is already installed.
set -euo pipefail
cd "$(dirname "$0")/../.."

install_debian() {
    local need=()
    command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
    command -v promtool >/dev/null 2>&1 || need+=(prometheus)
    command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
    command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
    if [ ${#need[@]} -eq 0 ]; then
        echo "peers: prometheus, prometheus-alertmanager and victoria-metrics already installed"
        return 0
    fi

    local SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        SUDO="sudo"
    fi

    # Installing a daemon package must not start its service.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
        $SUDO chmod +x /usr/sbin/policy-rc.d
    fi

    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus prometheus-alertmanager victoria-metrics
    prometheus --version 2>&1 | head -1
    prometheus-alertmanager --version 2>&1 | head -1
}

install_moto() {
    local venv="${OPSDECK_PEERS_VENV:-target/peers/venv}"
    if [ -x "$venv/bin/moto_server" ] && "$venv/bin/python" -c 'import moto, flask, flask_cors' 2>/dev/null; then
        echo "peers: moto already installed in $venv"
        return 0
    fi
    command -v python3 >/dev/null 2>&1 || { echo "python3 not found: install python3 and python3-venv" >&2; return 1; }
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check moto flask flask-cors
    echo "peers: moto $("$venv/bin/python" -c 'import moto; print(moto.__version__)') in $venv"
}

install_debian
install_moto
