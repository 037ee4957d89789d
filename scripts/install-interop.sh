#!/bin/sh
# Install what the interoperability tests need: Raptor's `rapper` and Rasqal's `roqet` (Debian
# raptor2-utils, rasqal-utils), a Java runtime for HermiT (through owlready2), owlready2 itself,
# Virtuoso 7 (virtuoso-opensource-7-bin), Apache Jena (libapache-jena-java: `arq` and `riot` in
# the venv's interop/jena/bin), and the npm packages rdf-validate-shacl (a second SHACL
# implementation) and @zazuko/yasgui (the SPARQL editor, run against `kg serve`) in the venv's
# interop/.
# Usage: scripts/install-interop.sh [PYTHON]   (PYTHON defaults to .venv/bin/python)
# Anything that cannot be installed is reported; the tests then skip, or fail when CI=true.
set -eu

PYTHON="${1:-.venv/bin/python}"

missing=""
command -v rapper >/dev/null 2>&1 || missing="$missing raptor2-utils"
command -v roqet >/dev/null 2>&1 || missing="$missing rasqal-utils"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
command -v virtuoso-t >/dev/null 2>&1 || missing="$missing virtuoso-opensource-7-bin"
JARS=/usr/share/java
[ -f "$JARS/jena-cmds.jar" ] || missing="$missing libapache-jena-java"

if [ -n "$missing" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
        echo "install-interop: installing Debian's$missing" >&2
        # shellcheck disable=SC2086
        { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing \
            >/dev/null; } || echo "install-interop: apt-get could not install$missing" >&2
    else
        echo "install-interop: missing$missing and cannot install (not root or no apt-get)" >&2
    fi
fi

if ! "$PYTHON" -c "import owlready2" >/dev/null 2>&1; then
    echo "install-interop: installing owlready2" >&2
    "$PYTHON" -m pip install --quiet "owlready2>=0.47" ||
        echo "install-interop: pip could not install owlready2" >&2
fi

NODE_DIR="$(dirname "$(dirname "$PYTHON")")/interop"

# Debian's Jena 4.5.0 has no command scripts, and dies at start (ExceptionInInitializerError in
# JenaSystem.init): jena-core renames Xerces's classes to `xerces.*` but keeps their message
# resources under org/apache/jena/ext/xerces/. A folder with those resources at the renamed
# path, first on the classpath, lets it start. Made again each run (idempotent).
mkdir -p "$NODE_DIR"
JENA="$(cd "$NODE_DIR" && pwd)/jena"  # absolute: the commands run from any folder
if [ -f "$JARS/jena-cmds.jar" ] && command -v java >/dev/null 2>&1; then
    rm -rf "$JENA.new"
    mkdir -p "$JENA.new/bin" "$JENA.new/resources"
    "$PYTHON" - "$JARS/jena-core.jar" "$JENA.new/resources" <<'PY'
import sys, zipfile
from pathlib import Path

jar, out = sys.argv[1], Path(sys.argv[2])
prefix = "org/apache/jena/ext/xerces/"
with zipfile.ZipFile(jar) as z:
    for name in z.namelist():
        if name.startswith(prefix) and name.endswith(".properties"):
            target = out / "xerces" / name[len(prefix):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(name))
PY
    cp="$JENA/resources"
    for jar in jena-arq jena-base jena-cmds jena-core jena-dboe-base jena-dboe-index \
        jena-dboe-storage jena-dboe-trans-data jena-dboe-transaction jena-iri \
        jena-rdfconnection jena-shacl jena-shex jena-tdb jena-tdb2 commons-cli commons-codec \
        commons-compress commons-csv commons-io commons-lang3 dexx.collection gson guava \
        httpclient httpclient-cache httpcore jackson-annotations jackson-core jackson-databind \
        jakarta.json-api jsonld-java protobuf slf4j-api slf4j-nop thrift titanium-json-ld; do
        cp="$cp:$JARS/$jar.jar"
    done
    for cmd in arq:arq.arq riot:riotcmd.riot tdb2.tdbloader:tdb2.tdbloader \
        tdb2.tdbquery:tdb2.tdbquery; do
        printf '#!/bin/sh\n# Apache Jena (Debian libapache-jena-java), by scripts/install-interop.sh\nexec java -cp "%s" %s "$@"\n' \
            "$cp" "${cmd#*:}" > "$JENA.new/bin/${cmd%%:*}"
        chmod +x "$JENA.new/bin/${cmd%%:*}"
    done
    rm -rf "$JENA" && mv "$JENA.new" "$JENA"
    if ! "$JENA/bin/arq" --query=/dev/stdin >/dev/null 2>&1 <<'RQ'
ASK {}
RQ
    then
        echo "install-interop: Jena's arq does not start (see $JENA/bin/arq)" >&2
    fi
fi
SHACL_JS="$NODE_DIR/node_modules/rdf-validate-shacl"
if [ ! -d "$SHACL_JS" ] && command -v npm >/dev/null 2>&1; then
    echo "install-interop: installing rdf-validate-shacl (npm) into $NODE_DIR" >&2
    mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && [ -f package.json ] || echo '{"private": true}' > package.json)
    (cd "$NODE_DIR" && npm install --silent --no-audit --no-fund \
        rdf-validate-shacl@0.6 @zazuko/env-node@3 >/dev/null) ||
        echo "install-interop: npm could not install rdf-validate-shacl" >&2
fi

# YASGUI (the SPARQL editor many endpoints offer), for the test that runs it against `kg serve`
YASGUI="$NODE_DIR/node_modules/@zazuko/yasgui/build/yasgui.min.js"
if [ ! -f "$YASGUI" ] && command -v npm >/dev/null 2>&1; then
    echo "install-interop: installing @zazuko/yasgui (npm) into $NODE_DIR" >&2
    mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && [ -f package.json ] || echo '{"private": true}' > package.json)
    (cd "$NODE_DIR" && npm install --silent --no-audit --no-fund @zazuko/yasgui@4.6.2 >/dev/null) ||
        echo "install-interop: npm could not install @zazuko/yasgui" >&2
fi
