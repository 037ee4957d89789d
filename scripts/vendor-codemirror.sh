#!/bin/sh
# Fetch CodeMirror 5's stand-alone run-mode and SPARQL mode from npm (at development time only:
# the workbench serves the copy under kg/web/vendor/ and fetches nothing at run time) and check
# them against the digests recorded in kg/web/vendor/codemirror-5.65.21/SOURCE.md.
#   sh scripts/vendor-codemirror.sh
set -eu
VERSION=5.65.21
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEST="$ROOT/kg/web/vendor/codemirror-$VERSION"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --loglevel=error "codemirror@$VERSION" >/dev/null && tar xzf "codemirror-$VERSION.tgz")
P="$TMP/package"
mkdir -p "$DEST"
cp "$P/addon/runmode/runmode-standalone.js" "$P/mode/sparql/sparql.js" "$P/LICENSE" "$DEST/"
cd "$DEST" && grep -E '^[0-9a-f]{64}  ' SOURCE.md | sha256sum -c -
