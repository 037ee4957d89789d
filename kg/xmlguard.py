"""XML that no parser expands: every XML file kg reads passes `check` before a parser sees it.

An XML document type may declare entities, and a parser expands each reference in place: nine
nested entities in 942 bytes make a 3,000,000,000-character literal ("billion laughs"), and an
external entity (`SYSTEM "file:///etc/passwd"`) reads a file or a URL. RDF/XML needs neither,
so `check` refuses, in one line naming the file, an entity declaration of any kind and a
document type that names an external subset, and a prolog that expat finds malformed (another
parser could read it otherwise); it reads the prolog only (with expat, entity expansion off),
stopping at the first element, so the check takes time linear in the prolog.
"""

from __future__ import annotations

import xml.parsers.expat
from pathlib import Path
from typing import IO

from kg.errors import InputError

_CHUNK = 1 << 16


class _Prolog(Exception):
    """The prolog is over (the first element starts): nothing more to check."""


class _Refused(Exception):
    """What the prolog declares that kg does not read."""


def _entity(name: str, is_parameter: int, *_rest: object) -> None:
    kind = "parameter entity %" if is_parameter else "entity "
    raise _Refused(f"declares the XML {kind}{name}")


def _unparsed(name: str, *_rest: object) -> None:
    raise _Refused(f"declares the XML entity {name}")


def _doctype(name: str, system: str | None, public: str | None, _internal: int) -> None:
    if system or public:
        raise _Refused(f"names an external document type ({system or public})")


def _stop(*_args: object) -> None:
    raise _Prolog


def check_stream(stream: IO[bytes], origin: str) -> None:
    """Refuse an XML stream whose prolog declares entities or names an external DTD."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _entity
    parser.UnparsedEntityDeclHandler = _unparsed
    parser.StartDoctypeDeclHandler = _doctype
    parser.StartElementHandler = _stop
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Refused as declared:
        raise InputError(
            f"{origin}: {declared}: refused (entities can expand without bound or read files; "
            "write the values out)"
        ) from None
    except _Prolog:
        return  # the prolog is clean
    except xml.parsers.expat.ExpatError as exc:  # refused too: another parser may read on
        why = xml.parsers.expat.errors.messages[exc.code]
        raise InputError(f"{origin}:{exc.lineno}: malformed XML: {why}") from None


def check(path: Path) -> None:
    """Refuse an XML file whose prolog declares entities or names an external DTD."""
    try:
        with path.open("rb") as stream:
            check_stream(stream, str(path))
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None


def check_bytes(data: bytes, origin: str) -> None:
    """Refuse XML bytes whose prolog declares entities or names an external DTD."""
    import io

    check_stream(io.BytesIO(data), origin)
