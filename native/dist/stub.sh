#!/bin/sh
# smezo @VERSION@ for x86-64 Linux, in one file: this shell header and, appended to it, a .tar.gz of the
# Java runtime, the application and the native libraries (@SIZE@ bytes, sha256 @SHA@). The first run
# checks the payload and unpacks it into ${SMEZO_CACHE:-${XDG_CACHE_HOME:-~/.cache}/smezo}/dist/@KEY@
# (a new directory, renamed into place only when complete); later runs start from there at once.
# `tail -c @SIZE@ FILE | tar -tz` lists the payload.
key=@KEY@
sha=@SHA@
size=@SIZE@
total=@TOTAL@
tree=@TREE@
self=$0
case $self in */*) ;; *) self=$(command -v -- "$self") ;; esac
if [ -n "${SMEZO_CACHE:-}" ]; then base=$SMEZO_CACHE
elif [ -n "${XDG_CACHE_HOME:-}" ]; then base=$XDG_CACHE_HOME/smezo
elif [ -n "${HOME:-}" ]; then base=$HOME/.cache/smezo
else base=${TMPDIR:-/tmp}/smezo-$(id -u)
fi
dir=$base/dist/$key
if [ ! -f "$dir/.complete" ]; then
  fail() { echo "smezo: $*" >&2; exit 3; }
  have=$(wc -c < "$self") || fail "cannot read $self"
  [ "$have" -ge "$total" ] || fail "$self is truncated ($have bytes of $((1$total - 1000000000000))): download it again"
  [ "$have" -eq "$total" ] || fail "$self is corrupt ($have bytes, $((have - (1$total - 1000000000000))) more than it was made with): download it again"
  mkdir -p "$base/dist" 2>/dev/null && [ -w "$base/dist" ] \
    || fail "cannot write the cache directory $base/dist (set SMEZO_CACHE to a writable directory)"
  tmp=$(mktemp -d "$base/dist/.$key.XXXXXX" 2>/dev/null) || fail "cannot create a directory in $base/dist"
  trap 'rm -rf "$tmp"' EXIT
  trap 'exit 130' INT TERM HUP
  tail -c "$size" "$self" > "$tmp/payload.tar.gz" 2>/dev/null \
    || fail "cannot unpack into $base/dist: writing failed (disk full?)"
  got=$(sha256sum "$tmp/payload.tar.gz" | cut -d' ' -f1)
  [ "$got" = "$sha" ] || fail "$self is corrupt (payload sha256 $got, expected $sha): download it again"
  tar -xzf "$tmp/payload.tar.gz" -C "$tmp" 2>/dev/null \
    || fail "cannot unpack into $base/dist: tar failed (disk full?)"
  rm -f "$tmp/payload.tar.gz"
  echo "$sha" > "$tmp/$tree/.complete" 2>/dev/null || fail "cannot unpack into $base/dist: writing failed (disk full?)"
  # An old directory without .complete is a leftover nobody trusts: replace it. rename(2) of a directory
  # onto a complete one fails, and then the other process's identical tree is used.
  [ -d "$dir" ] && [ ! -f "$dir/.complete" ] && rm -rf "$dir"
  mv -T "$tmp/$tree" "$dir" 2>/dev/null || [ -f "$dir/.complete" ] || fail "cannot move the unpacked tree to $dir"
  rm -rf "$tmp"
  trap - EXIT INT TERM HUP
fi
exec "$dir/bin/smezo" "$@"
exit 1
