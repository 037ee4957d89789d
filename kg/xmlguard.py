"""XML that no parser expands: every XML file kg reads passes `check` before a parser sees it.

An XML document type may declare entities, and a parser expands each reference in place: nine
nested entities in 942 bytes make a 3,000,000,000-character literal ("billion laughs"), and an
external entity (`SYSTEM "file:///etc/passwd"`) reads a file or a URL. RDF/XML needs neither,
so `check` refuses, in one line naming the file, an entity declaration of any kind, a document
type that names an external subset, elements nested deeper than `MAX_DEPTH` (pyoxigraph's
RDF/XML parser takes time quadratic in the depth: 8,000 levels 0.3 s, 100,000 levels minutes),
and XML that expat finds malformed (another parser could read it otherwise). It reads the file
once with expat (entity expansion off), in time linear in its size.
"""

from __future__ import annotations

import xml.parsers.expat
from pathlib import Path
from typing import IO

from kg.errors import InputError

MAX_DEPTH = 256
"""The deepest nesting of XML elements kg reads (RDF/XML from kg's exports: 4)."""

_CHUNK = 1 << 20


class _Refused(Exception):
    """What the document holds that kg does not read (the message says why, in brackets)."""


_ENTITIES = "refused (entities can expand without bound or read files; write the values out)"


def _entity(name: str, is_parameter: int, *_rest: object) -> None:
    kind = "parameter entity %" if is_parameter else "entity "
    raise _Refused(f"declares the XML {kind}{name}: {_ENTITIES}")


def _unparsed(name: str, *_rest: object) -> None:
    raise _Refused(f"declares the XML entity {name}: {_ENTITIES}")


def _doctype(name: str, system: str | None, public: str | None, _internal: int) -> None:
    if system or public:
        raise _Refused(f"names an external document type ({system or public}): {_ENTITIES}")


def check_stream(stream: IO[bytes], origin: str) -> None:
    """Refuse an XML stream that declares entities, names an external DTD, nests elements
    deeper than `MAX_DEPTH` or is malformed."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _entity
    parser.UnparsedEntityDeclHandler = _unparsed
    parser.StartDoctypeDeclHandler = _doctype
    depth = 0

    def start(_name: str, _attributes: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise _Refused(
                f"{parser.CurrentLineNumber}: XML elements nested more than {MAX_DEPTH} deep: "
                "refused (a parser takes time quadratic in the depth)"
            )

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Refused as found:
        sep = "" if str(found)[:1].isdigit() else " "  # a line number follows the colon
        raise InputError(f"{origin}:{sep}{found}") from None
    except xml.parsers.expat.ExpatError as exc:  # refused too: another parser may read on
        why = xml.parsers.expat.errors.messages[exc.code]
        raise InputError(f"{origin}:{exc.lineno}: malformed XML: {why}") from None


def check(path: Path) -> None:
    """Refuse an XML file that declares entities, names an external DTD, nests elements
    deeper than `MAX_DEPTH` or is malformed."""
    try:
        with path.open("rb") as stream:
            check_stream(stream, str(path))
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None


def check_bytes(data: bytes, origin: str) -> None:
    """Refuse XML bytes as `check` refuses a file."""
    import io

    check_stream(io.BytesIO(data), origin)
