#!/bin/sh
# Compiles every C program of the benchmarks (SRC_DIR/*.c, one executable
# each) into OUT_DIR: the C client, the practical physical limit the harness
# compares the UmdManager with, and a minimal parent-death exec wrapper used
# to measure what a cheaper guard than setpriv would cost. Static, like the
# handlers, so that no dynamic loading is measured.
#
# Usage: build-c.sh SRC_DIR OUT_DIR [CC]
# Called by this module's pom (exec-maven-plugin); also works by hand.
set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 SRC_DIR OUT_DIR [CC]" >&2
    exit 64
fi
src_dir=$1
out_dir=$2
cc=${3:-gcc}

mkdir -p "$out_dir"
found=0
for src in "$src_dir"/*.c; do
    [ -f "$src" ] || continue
    found=1
    bin=$out_dir/$(basename "$src" .c)
    # Build under a temporary name: an interrupted build never leaves a half-written program.
    "$cc" -O2 -Wall -Wextra -Werror -static -o "$bin.tmp" "$src"
    mv -f "$bin.tmp" "$bin"
    echo "built $bin"
done
if [ "$found" -eq 0 ]; then
    echo "$0: no C sources in $src_dir" >&2
    exit 1
fi
