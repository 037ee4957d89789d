"""Relative times resolved against a source's publication date (`dct:issued`), never guessed.

A time the text gives relative to its own date ("today", "last month", "scheduled for
December") keeps its words in `kg:relativeTime`. Only when the source has a `dct:issued` precise
enough is it resolved to a calendar value (`time:inXSDDate`, `time:inXSDgYearMonth`,
`time:inXSDgYear`); the build writes that value into graph:derived, where everything the model
derives lives, reified with the fact whose time it is. Expressions it does not know, and weeks
("earlier this week": no single XML Schema value), stay unresolved.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, TIME, XSD
from rdflib.term import Node

from kg.namespaces import KG
from kg.sources import value_problem

HAS_TIME = TIME.hasTime
DESCRIPTION = TIME.hasDateTimeDescription
MONTH = TIME.month
IN_DATE = TIME.inXSDDate
IN_YEAR_MONTH = TIME.inXSDgYearMonth
IN_YEAR = TIME.inXSDgYear

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_DATES = {XSD.date, XSD.gYearMonth, XSD.gYear}
_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_STEPS = {"this": 0, "last": -1, "next": 1}


def _issued(value: Literal) -> tuple[int, int | None, int | None] | None:
    """Return (year, month, day) of a dct:issued value, as precise as it is, or None."""
    found = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(value).strip())
    if found is None or value.datatype not in (None, *_DATES):
        return None
    shape = XSD.date if found.group(3) else XSD.gYearMonth if found.group(2) else XSD.gYear
    if value_problem(DCTERMS.issued, Literal(found.group(), datatype=shape)) is not None:
        return None  # not a date that exists: `kg check` and the build refuse it
    year, month, day = found.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def resolve(
    words: str, issued: Literal, month: int | None = None, status: Node | None = None
) -> tuple[URIRef, Literal] | None:
    """Return the OWL-Time property and calendar value of a relative time, or None.

    `month` is the time's own `time:month` (for "December"), `status` its event's status: a
    month name points to the next such month for a planned event, the last one for a past event,
    and the one of the publication year otherwise.
    """
    date = _issued(issued)
    if date is None:
        return None
    year, issued_month, day = date
    text = " ".join(words.lower().split())
    if text in _DAYS:
        if issued_month is None or day is None:
            return None
        value = dt.date(year, issued_month, day) + dt.timedelta(days=_DAYS[text])
        return IN_DATE, Literal(value.isoformat(), datatype=XSD.date)
    step = re.fullmatch(r"(this|last|next) (month|year)", text)
    if step is not None:
        delta = _STEPS[step.group(1)]
        if step.group(2) == "year":
            return IN_YEAR, Literal(f"{year + delta:04d}", datatype=XSD.gYear)
        if issued_month is None:
            return None
        y, m = divmod(year * 12 + issued_month - 1 + delta, 12)
        return IN_YEAR_MONTH, Literal(f"{y:04d}-{m + 1:02d}", datatype=XSD.gYearMonth)
    named = next((i + 1 for i, name in enumerate(_MONTHS) if re.search(rf"\b{name}\b", text)), None)
    target = month or named
    if target is None or not 1 <= target <= 12 or issued_month is None:
        return None
    if status == KG.Planned and target < issued_month:
        year += 1
    elif status == KG.Past and target > issued_month:
        year -= 1
    return IN_YEAR_MONTH, Literal(f"{year:04d}-{target:02d}", datatype=XSD.gYearMonth)


def _month(value: Node | None) -> int | None:
    """The number of a valid `time:month` (an xsd:gMonth), else None."""
    if not isinstance(value, Literal) or value_problem(MONTH, value) is not None:
        return None
    return int(str(value)[2:4])


def resolved_times(facts: Graph) -> Iterator[tuple[Node, URIRef, Literal, Node]]:
    """Yield (time, property, value, fact) for each relative time of a fact whose source has a
    publication date."""
    for fact, when in facts.subject_objects(HAS_TIME):
        source = facts.value(fact, PROV.hadPrimarySource)
        issued = facts.value(source, DCTERMS.issued) if source is not None else None
        words = facts.value(when, KG.relativeTime)
        if not isinstance(issued, Literal) or words is None:
            continue
        description = facts.value(when, DESCRIPTION)
        month = facts.value(description, MONTH) if description is not None else None
        number = _month(month)
        found = resolve(str(words), issued, number, facts.value(fact, KG.status))
        if found is not None:
            yield when, found[0], found[1], fact
