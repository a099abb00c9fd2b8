#!/usr/bin/env bash
# pack.sh PARENT NAME VERSION OUTDIR: PARENT/NAME (a distribution tree with bin/smezo) into
# OUTDIR/NAME.tar.gz and OUTDIR/NAME, the one executable file: stub.sh with the payload's size and
# sha256 filled in, the .tar.gz appended. Reproducible (sorted names, fixed times and owners, no gzip
# timestamp), so the same tree gives the same file and the same cache key.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PARENT="$1"; NAME="$2"; VERSION="$3"; OUTDIR="$4"
[[ -x "$PARENT/$NAME/bin/smezo" ]] || { echo "pack.sh: $PARENT/$NAME/bin/smezo missing" >&2; exit 1; }
mkdir -p "$OUTDIR"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$PARENT" -cf - "$NAME" | gzip -n -9 > "$OUTDIR/$NAME.tar.gz"
SHA="$(sha256sum "$OUTDIR/$NAME.tar.gz" | cut -d' ' -f1)"
SIZE="$(stat -c %s "$OUTDIR/$NAME.tar.gz")"
header() { # the stub with TOTAL, the whole file's size, as 12 digits (so the header's length does not depend on it)
  sed -e "s/@VERSION@/$VERSION/g" -e "s/@SHA@/$SHA/g" -e "s/@SIZE@/$SIZE/g" -e "s/@KEY@/$NAME-${SHA:0:16}/g" \
      -e "s/@TREE@/$NAME/g" -e "s/@TOTAL@/$(printf %012d "$1")/g" "$HERE/stub.sh"
}
HEADER_BYTES="$(header 0 | wc -c)"
header $((HEADER_BYTES + SIZE)) > "$OUTDIR/$NAME.tmp"
cat "$OUTDIR/$NAME.tar.gz" >> "$OUTDIR/$NAME.tmp"
chmod 755 "$OUTDIR/$NAME.tmp"
mv "$OUTDIR/$NAME.tmp" "$OUTDIR/$NAME"
