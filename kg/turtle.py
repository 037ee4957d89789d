"""rdflib's Turtle parser with its string literals read in linear time (the format `kg-turtle`).

rdflib's `SinkParser.strconst` builds a literal by appending each run of characters between
two escapes, quotation marks or line breaks to a string: every append may copy the whole
literal, so a long literal with many of them (a quote of a 2 MB line with apostrophes: 31 s,
against 3 s at 1 MB) takes time in the square of its length. Here the runs are collected and
joined once; everything else (what is accepted, the values, the errors and their lines) is
rdflib's own. `kg.sources.parse_turtle` reads every facts file and the registry with it.
"""

from __future__ import annotations

from typing import Any

from rdflib.plugins.parsers.notation3 import (
    BadSyntax,
    RDFSink,
    SinkParser,
    TurtleParser,
    interesting,
)

FORMAT = "kg-turtle"


class _LinearSinkParser(SinkParser):
    """rdflib's Turtle/N3 parser whose string constants are joined once."""

    def strconst(self, argstr: str, i: int, delim: str) -> tuple[int, str]:
        """Parse a string constant delimited by `delim`; return (index after it, value)."""
        delim1 = delim[0]
        delim2, delim3, delim4, delim5 = delim1 * 2, delim1 * 3, delim1 * 4, delim1 * 5
        pieces: list[str] = []
        j = i
        startline = self.lines  # where the literal starts, for error messages
        len_argstr = len(argstr)
        while j < len_argstr:
            if argstr[j] == delim1:
                if delim == delim1:  # done when delim is " or '
                    return j + 1, "".join(pieces)
                if delim == delim3:  # done at """ or ''' (after one or two quotes of the value)
                    if argstr[j : j + 5] == delim5:
                        pieces.append(delim2)
                        return j + 5, "".join(pieces)
                    if argstr[j : j + 4] == delim4:
                        pieces.append(delim1)
                        return j + 4, "".join(pieces)
                    if argstr[j : j + 3] == delim3:
                        return j + 3, "".join(pieces)
                    j += 1  # a quote inside the value
                    pieces.append(delim1)
                    continue
            m = interesting.search(argstr, j)
            if m is None:  # rdflib asserts here: the same words, as a syntax error
                raise BadSyntax(self._thisDoc, startline, argstr, j, "Quote expected in string")
            i = m.start()
            pieces.append(argstr[j:i])
            ch = argstr[i]
            if ch == delim1:
                j = i
                continue
            if ch in {'"', "'"} and ch != delim1:
                pieces.append(ch)
                j = i + 1
                continue
            if ch in {"\r", "\n"}:
                if delim == delim1:
                    raise BadSyntax(
                        self._thisDoc, startline, argstr, i, "newline found in string literal"
                    )
                self.lines += 1
                pieces.append(ch)
                j = i + 1
                self.startOfLine = j
            elif ch == "\\":
                j = i + 1
                ch = argstr[j : j + 1]  # empty if the text ends
                if not ch:
                    raise BadSyntax(
                        self._thisDoc, startline, argstr, i, "unterminated string literal (2)"
                    )
                k = "abfrtvn\\\"'".find(ch)
                if k >= 0:
                    pieces.append("\a\b\f\r\t\v\n\\\"'"[k])
                    j += 1
                elif ch == "u":
                    j, ch = self.uEscape(argstr, j + 1, startline)
                    pieces.append(ch)
                elif ch == "U":
                    j, ch = self.UEscape(argstr, j + 1, startline)
                    pieces.append(ch)
                else:
                    self.BadSyntax(argstr, i, "bad escape")
        self.BadSyntax(argstr, i, "unterminated string literal")


class LinearTurtleParser(TurtleParser):
    """rdflib's Turtle parser, reading string literals with `_LinearSinkParser`."""

    def parse(
        self, source: Any, graph: Any, encoding: str | None = "utf-8", turtle: bool = True
    ) -> None:
        """Parse a Turtle source into `graph`, as rdflib's TurtleParser.parse does."""
        from rdflib.exceptions import ParserError

        if encoding not in [None, "utf-8"]:
            raise ParserError(f"Turtle files are always utf-8 encoded, I was passed: {encoding}")
        sink = RDFSink(graph)
        base = graph.absolutize(source.getPublicId() or source.getSystemId() or "")
        parser = _LinearSinkParser(sink, baseURI=base, turtle=turtle)
        stream = source.getCharacterStream() or source.getByteStream()
        parser.loadStream(stream)
        for prefix, namespace in parser._bindings.items():
            graph.bind(prefix, namespace)


def register() -> None:
    """Make `Graph.parse(..., format="kg-turtle")` use `LinearTurtleParser` (idempotent)."""
    from rdflib import parser, plugin

    plugin.register(FORMAT, parser.Parser, "kg.turtle", "LinearTurtleParser")
