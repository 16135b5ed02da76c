#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing, so it is cheap to run on
# every build. CGYM_SKIP_SYSTEM_DEPS=1 turns it off (for machines managed some other way).
set -euo pipefail
[ "${CGYM_SKIP_SYSTEM_DEPS:-0}" = "1" ] && exit 0

# Several projects of one parallel build call this at once; apt allows one install at a time.
exec 9>"${TMPDIR:-/tmp}/cgym-install-system-deps.lock"
flock 9

packages=(llvm-22 llvm-22-dev clang-22 lld-22 make csmith libcsmith-dev patchelf
  # CyclesEstimate runs programs under callgrind (the sandbox's setsid and prlimit are util-linux, always present).
  valgrind
  # MLIR (the mlir-v0 environment): libMLIR.so and its headers, mlir-opt-22, mlir-translate-22.
  libmlir-22-dev mlir-22-tools
  # LLVM's OpenMP runtime (libomp, clang-22 -fopenmp): kernels with parallel tiles lowered to OpenMP call it.
  libomp-22-dev
  # debian-v0: Debian source packages (dpkg-source, the archive's key) and their builds (CMake, tclsh for SQLite).
  dpkg-dev debian-archive-keyring cmake tcl
  # The service's sandbox for workers, compilers and client programs.
  bubblewrap
  # Cluster mode keeps its membership, sessions and uploads in Redis; the cluster tests start their own server.
  redis-server
  # The Python client and its tests, run with Debian's /usr/bin/python3; pip installs the package
  # offline into a venv (setuptools builds it; the venv gets pip from python3-venv's python3-pip-whl).
  python3-grpcio python3-grpc-tools python3-protobuf python3-numpy python3-pytest
  python3-setuptools python3-venv
  # C library headers for compiling C programs for the other targets (--target, ?target=).
  libc6-dev-arm64-cross libc6-dev-riscv64-cross
  # A font for the text of `cgym tune`'s plot.
  fonts-dejavu-core)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-system-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-system-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
