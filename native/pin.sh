# The pinned ggml / llama.cpp source, in one place: native/build.sh fetches and checks it,
# benchmarks/gpu/pack.sh and run-on-gpu.sh carry and extract it. Sourced, not run.
# node-llama-cpp@3.22.1's llama/gitRelease.bundle is llama.cpp commit COMMIT (ggml 0.25.1).
NPM_PKG="node-llama-cpp@3.22.1"
TGZ_NAME="node-llama-cpp-3.22.1.tgz"
TGZ_SHA256="a0d9dd80eacd2ab1cfe71aee57ac8a806487fd70b3d2a38fbec637752d9e5c5f"
BUNDLE_SHA256="5f5d1105d5df040738d87b8290e5d17e7362131cdcfdb0831618e0ea528b4a51"
COMMIT="de3ff815ea7d559ee917f063901b8986f038abc6"
# Where build.sh keeps the pinned tree (marked complete by .smezo-ok); SMEZO_CACHE moves the cache.
PIN_SRC="${SMEZO_CACHE:-$HOME/.cache/smezo}/llama.cpp-$COMMIT"
