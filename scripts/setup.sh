#!/usr/bin/env bash
# Installs everything memmon needs to build, run and test (Debian 12), and mounts the
# pseudo file systems BPF tracing uses. Safe to run again.
set -euo pipefail
PKGS=(make gcc g++ clang llvm pkg-config bpftool libbpf-dev libelf-dev libdw-dev zlib1g-dev
      libjson-c-dev libcmocka-dev bpftrace smem procps jq python3 libc6-dbg xz-utils binutils
      libclang-rt-14-dev bc valgrind heaptrack
      protobuf-c-compiler libprotobuf-c-dev golang-go chromium
      libmicrohttpd-dev prometheus curl)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "$(id -u)" = 0 ]; then
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || true
	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing || true
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug || true
fi
