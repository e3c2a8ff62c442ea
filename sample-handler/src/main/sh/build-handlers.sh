#!/bin/sh
# Compiles every handler in SRC_DIR (*.c, one executable each) into OUT_DIR
# and writes OUT_DIR/<name>.sha256: the binary's SHA-256 as 64 lowercase hex
# digits without a newline, which loader bundles put in their UMD-Driver header.
#
# Usage: build-handlers.sh SRC_DIR OUT_DIR [CC]
# Called by this module's pom (exec-maven-plugin); also works by hand.
set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 SRC_DIR OUT_DIR [CC]" >&2
    exit 64
fi
src_dir=$1
out_dir=$2
cc=${3:-gcc}
# Static so the handler runs in its private directory with no loader surprises.
cflags="-O2 -s -Wall -Wextra -Werror -static"

mkdir -p "$out_dir"
found=0
for src in "$src_dir"/*.c; do
    [ -f "$src" ] || continue
    found=1
    name=$(basename "$src" .c)
    bin=$out_dir/$name

    # Build and digest under temporary names, then rename: an interrupted
    # build never leaves a binary next to a digest that does not match it.
    # shellcheck disable=SC2086 # cflags is a word list on purpose
    "$cc" $cflags -o "$bin.tmp" "$src"
    digest=$(sha256sum "$bin.tmp" | cut -d ' ' -f 1)
    if ! printf '%s' "$digest" | grep -Eq '^[0-9a-f]{64}$'; then
        echo "$0: unexpected sha256sum output for $bin: '$digest'" >&2
        rm -f "$bin.tmp"
        exit 1
    fi
    printf '%s' "$digest" > "$bin.sha256.tmp"
    mv -f "$bin.tmp" "$bin"
    mv -f "$bin.sha256.tmp" "$bin.sha256"
    echo "built $bin sha256=$digest"
done

if [ "$found" -eq 0 ]; then
    echo "$0: no C sources in $src_dir" >&2
    exit 1
fi
