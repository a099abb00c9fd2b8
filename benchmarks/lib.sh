# Shared by the long benchmarks: source it, then `snapshot_app DIR` builds the jar if needed and copies the
# launcher and the jar to DIR, so a rebuild of this tree during a sitting does not change what runs (a
# rebuild mid-run once killed a soak at its last step). Prints nothing; run DIR/smezo.
snapshot_app() {
  ./smezo --version >/dev/null
  mkdir -p "$1/target"
  cp smezo "$1/"
  cp target/smezo.jar "$1/target/"
}
