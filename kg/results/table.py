"""The terminal table of a SELECT or ASK: cells fitted to the terminal's width, cut cells ending
in `…`, widths counted as a terminal shows the characters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.results.cells import cells_of, fast_text, short

if TYPE_CHECKING:
    from kg.results.result import Result


def table(result: Result, names: dict[str, str] | None = None, width: int | None = None) -> str:
    """Return aligned columns for a terminal: prefixed names and literal texts, and a row count.

    With a `width`, columns are narrowed (the widest first) until a line fits, and a cell cut
    short ends with `…`; without one every cell is shown whole.
    """
    if result.kind == "ask":
        return ("yes" if result.boolean else "no") + "\n"
    cells = [
        [" ".join(c.split()) for c in row]
        for row in cells_of(result, fast_text(names), lambda t: short(t, names), "")
    ]
    if not result.vars:
        return _count(len(cells))
    widths = [display_width(v) for v in result.vars]
    for row in cells:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    if width is not None:
        widths = fit_widths(widths, [display_width(v) for v in result.vars], width)
    lines = [_line(result.vars, widths)]
    lines.append("  ".join("-" * w for w in widths))
    lines += [_line(row, widths) for row in cells]
    return "\n".join(lines) + "\n" + _count(len(cells))


def _count(n: int) -> str:
    return "no rows\n" if n == 0 else f"{n} row{'s' if n != 1 else ''}\n"


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(pad(clip(c, w), w) for c, w in zip(cells, widths, strict=True)).rstrip()


def display_width(text: str) -> int:
    """Return how many terminal columns a text takes (wide East Asian characters take two)."""
    import unicodedata

    if text.isascii():
        return len(text)
    return sum(
        0
        if unicodedata.combining(ch)
        else 2
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )


def clip(text: str, width: int) -> str:
    """Cut a text to `width` columns with a `…` where it was cut.

    Text is cut at its end; a name without spaces (a prefixed name or `<iri>`) in its middle,
    so that the part that tells similar names apart stays.
    """
    if display_width(text) <= width:
        return text
    if " " in text or width < 9:
        return _head(text, width - 1).rstrip() + "…"
    tail = (width - 1) // 2
    head = _head(text, width - 1 - tail)
    end = _head(text[::-1], width - 1 - display_width(head))[::-1]
    return f"{head}…{end}"


def _head(text: str, width: int) -> str:
    """The longest start of a text that takes at most `width` columns."""
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out)


def pad(text: str, width: int) -> str:
    """Pad a text with spaces to `width` columns."""
    return text + " " * max(0, width - display_width(text))


def fit_widths(widths: list[int], minimum: list[int], total: int) -> list[int]:
    """Narrow the widest columns until the columns and their gaps fit in `total` columns.

    Every column wider than a cap is cut to it (the cap as large as fits); a column keeps at
    least its heading's width (at most 12) and 6 columns, so a very narrow terminal gets lines
    longer than `total` rather than unreadable columns.
    """
    floor = [min(w, max(6, min(m, 12))) for w, m in zip(widths, minimum, strict=True)]
    budget = total - 2 * (len(widths) - 1)

    def capped(cap: int) -> list[int]:
        return [max(f, min(w, cap)) for w, f in zip(widths, floor, strict=True)]

    if sum(widths) <= budget:
        return list(widths)
    low, high = 0, max(widths)  # the largest cap that fits, by bisection
    while low < high:
        mid = (low + high + 1) // 2
        if sum(capped(mid)) <= budget:
            low = mid
        else:
            high = mid - 1
    return capped(low)
