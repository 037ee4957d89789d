#!/bin/sh
# Fetch vis-timeline's standalone UMD build from npm (at development time only: the views inline
# the copy under kg/viz/vendor/ and fetch nothing at run time) and check it against the digests
# recorded in kg/viz/vendor/vis-timeline-8.5.4/SOURCE.md.
#   sh scripts/vendor-vis-timeline.sh
set -eu
VERSION=8.5.4
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST="$ROOT/kg/viz/vendor/vis-timeline-$VERSION"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --loglevel=error "vis-timeline@$VERSION" >/dev/null && tar xzf "vis-timeline-$VERSION.tgz")
P="$TMP/package"
mkdir -p "$DEST"
cp "$P/standalone/umd/vis-timeline-graph2d.min.js" "$P/styles/vis-timeline-graph2d.min.css" \
   "$P/LICENSE.md" "$P/LICENSE.MIT.txt" "$P/LICENSE.Apache-2.0.txt" "$DEST/"
cd "$DEST" && grep -E '^[0-9a-f]{64}  ' SOURCE.md | sha256sum -c -
