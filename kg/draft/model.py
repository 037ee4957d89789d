"""The optional model drafter: facts asked of a language model served with an OpenAI-compatible
chat API (llama.cpp, vLLM, Ollama), turned into the same proposals as the default drafter's.

Nothing the model says is trusted: every quote must occur in the text exactly, every entity
must be in the registry, every class, statement type and status must be the ontology's. What
fails is listed (`Rejected`), never kept. The request goes only to the endpoint the analyst
names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg import authoring, evidence, registry, shapes
from kg.authoring import slug_of
from kg.draft.drafter import Draft, Proposal
from kg.draft.text import Text
from kg.errors import InputError
from kg.namespaces import ENT, KG
from kg.prefixes import short_iri

# The keys of the model's answer: a field's path's local name, but for these, named as the
# answer has always named them.
ANSWER_KEYS = {
    "kg:statementType": "type", "kg:ally": "allies", "kg:counterpart": "counterparts",
    "kg:locatedPlace": "place", "kg:containingPlace": "in", "kg:claimedPlace": "place",
    "kg:mentionText": "words",
}  # fmt: skip
_COUNTS = {2: "two", 3: "three"}


@dataclass(frozen=True)
class Slot:
    """A field of a fact class as the model gives it: its key in the answer and its kind."""

    key: str  # the key in the model's answer ("holder", "type")
    path: str  # the property of the node ("kg:holder")
    kind: str  # "entity", "entities", "concept", "choice" or "string"
    field: shapes.Field


def _kind(f: shapes.Field, concepts: set[str], facts: set[str]) -> str | None:
    """Return how the model gives a field's value, or None if it cannot (a link to a fact, a
    time, the provenance the build writes)."""
    if f.group == "provenance" or "/" in f.path:
        return None
    if f.values:
        return "choice"
    if f.datatype == "xsd:string":
        return "string"
    kg_classes = [c for c in f.classes if c.startswith("kg:")]
    if not kg_classes or len(kg_classes) < len(f.classes):
        return None
    if all(c in concepts for c in kg_classes):
        return "concept"
    if all(c in facts for c in kg_classes):
        return None
    return "entities" if f.min >= 2 else "entity"


def slots(ontology: Graph) -> dict[str, list[Slot]]:
    """Return the fact classes a model may propose (not events: see `prompt`) with their fields,
    read from their shapes (`kg.shapes`): a class whose every required field the model can give
    (or has a default), in the order of the shape."""
    from rdflib.namespace import RDFS, SKOS

    concepts = {
        short_iri(str(c)) for c in ontology.subjects(RDFS.subClassOf, SKOS.Concept)
    }  # the classes whose values are concepts of a scheme (statement type, status, …)
    table = shapes.fact_classes()
    facts = {f"kg:{name}" for name in table}
    found: dict[str, list[Slot]] = {}
    for name, cls in table.items():
        if name == "Fact" or cls.below("Event"):
            continue
        kinds = [(f, _kind(f, concepts, facts)) for f in cls.fields]
        given = [Slot(ANSWER_KEYS.get(f.path, f.path.split(":")[-1]), f.path, k, f)
                 for f, k in kinds if k is not None]  # fmt: skip
        needed = [f for f, k in kinds if f.required and f.group != "provenance"]
        if needed and all(f.default or any(s.field is f for s in given) for f in needed):
            found[name] = given
    return found


@dataclass(frozen=True)
class Rejected:
    """A fact of the model's answer that was not kept, and why."""

    index: int
    cls: str
    why: str

    def line(self) -> str:
        """Return the rejection as one line."""
        return f"model fact {self.index} ({self.cls or '?'}): {self.why}"


def prompt(text: str, entities: Graph, ontology: Graph) -> list[dict[str, str]]:
    """Return the chat messages asking for the facts of a text as JSON."""
    found = authoring.mentions(text, entities, ontology, roles=True).mentions
    known = sorted({(short_iri(str(m.entity)), m.text) for m in found})
    types = sorted(str(c).rsplit("#", 1)[-1] for c in ontology.subjects(RDF.type, KG.StatementType))
    classes = slots(ontology)
    shape = {c: [s.key for s in fields] for c, fields in classes.items()}
    schemes = sorted(
        {s.field.classes[0] for fields in classes.values() for s in fields if s.kind == "concept"}
        - {"kg:StatementType"}
    )
    values = [
        f"Values of {scheme}: "
        + ", ".join(sorted(short_iri(str(c)).split(":")[-1]
                           for c in ontology.subjects(RDF.type, URIRef(shapes.expand(scheme)))))
        for scheme in schemes
    ]  # fmt: skip
    system = (
        "You extract facts about diplomacy from a news article for a knowledge graph. Answer with "
        'one JSON object {"facts": [...]} and nothing else. Each fact has "class", "quote" (the '
        "exact words of the article that state it, copied character for character) and the "
        "fields of its class. Entities are written as the ent: names listed; use no other."
    )
    user = "\n".join(
        [
            "Classes and their fields: " + json.dumps(shape),
            "Event classes (fields: participants, object (what it acts upon, an entity), "
            "status Past|Planned|Ongoing|Requested): " + ", ".join(sorted(shapes.events())),
            "Statement types: " + ", ".join(types),
            *values,
            "Entities named in the article: "
            + "; ".join(f"{name} = {words}" for name, words in known),
            "",
            "Article:",
            text,
        ]
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def ask(endpoint: str, messages: list[dict[str, str]], model: str, timeout: float) -> str:
    """POST the messages to an OpenAI-compatible chat endpoint and return the answer's text.

    Through the project's one HTTP client (`kg.engines.http.http`): the whole exchange ends within
    `timeout` seconds, an answer over the size limit (KG_MAX_RESPONSE, 256 MiB by default)
    is read no further, whatever the server sends is one line, and the
    SPARQL endpoint's credentials are never sent.
    """
    from kg.engines.http import check_url, http
    from kg.errors import EndpointError

    url = endpoint.rstrip("/")
    if not url.endswith("/chat/completions"):
        url += "/chat/completions"
    if not re.match(r"https?://", url):
        raise InputError(f"--model-endpoint {endpoint!r}: not an http(s) URL")
    check_url(url, "--model-endpoint")
    body = json.dumps({"model": model, "messages": messages, "temperature": 0}).encode("utf-8")
    try:
        data, _ctype = http(
            "POST", url, body, "application/json", "application/json", timeout, credentials=False
        )
        answer = json.loads(data.decode("utf-8"))
    except EndpointError as exc:
        raise InputError(f"the model endpoint did not answer: {exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(f"{url}: the model endpoint's answer is not JSON") from None
    try:
        return str(answer["choices"][0]["message"]["content"])
    except (KeyError, IndexError, TypeError) as exc:
        raise InputError(f"{url}: not a chat completion answer (no choices[0].message)") from exc


def facts_of(content: str) -> list[Any]:
    """Return the list of facts of the model's answer (JSON, possibly in a ``` fence)."""
    body = content.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", body, re.S)
    if fenced:
        body = fenced.group(1)
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise InputError(f"the model's answer is not JSON: {exc}") from exc
    facts = data.get("facts") if isinstance(data, dict) else data
    if not isinstance(facts, list):
        raise InputError('the model\'s answer has no "facts" list')
    return facts


def guard(
    facts: list[Any], text: str, entities: Graph, ontology: Graph
) -> tuple[list[Proposal], list[Rejected]]:
    """Keep the facts whose quote, entities, class and type check; list the others."""
    known = registry.entities(entities)
    classes = slots(ontology)
    kept: list[Proposal] = []
    rejected: list[Rejected] = []
    for n, fact in enumerate(facts, start=1):
        cls = str(fact.get("class", "")) if isinstance(fact, dict) else ""
        try:
            kept.append(_proposal(fact, cls, text, known, classes, ontology))
        except ValueError as exc:
            rejected.append(Rejected(n, cls, str(exc)))
    return kept, rejected


def _entity(value: Any, known: set[URIRef]) -> URIRef:
    name = str(value).removeprefix("ent:")
    iri = ENT[name]
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name) or iri not in known:
        raise ValueError(f"unknown entity {value!r}: not in the registry")
    return iri


def _value(slot: Slot, value: Any, quote: str, known: set[URIRef], ontology: Graph) -> list[Any]:
    """Return the node's values for one field of the model's answer; ValueError if wrong."""
    f, name = slot.field, slot.key
    if slot.kind == "entity":
        return [_entity(value, known)]
    if slot.kind == "entities":
        if not isinstance(value, list) or len(value) != f.min:
            raise ValueError(f"{name}: {_COUNTS.get(f.min, str(f.min))} entities expected")
        return [_entity(v, known) for v in value]
    if slot.kind == "choice":
        allowed = [v.split(":")[-1] for v in f.values]
        if str(value) not in allowed:
            raise ValueError(f"unknown {f.name} {value!r}: {' or '.join(allowed)}")
        return [URIRef(shapes.expand(f.values[allowed.index(str(value))]))]
    if slot.kind == "concept":
        concept = URIRef(shapes.KG_NS + str(value))
        if (concept, RDF.type, URIRef(shapes.expand(f.classes[0]))) not in ontology:
            raise ValueError(f"unknown {f.name} {value!r}")
        return [concept]
    if str(value) not in quote:
        raise ValueError(f"{name} {value!r} is not inside the quote")
    return [Literal(str(value))]


def _proposal(
    fact: Any,
    cls: str,
    text: str,
    known: set[URIRef],
    classes: dict[str, list[Slot]],
    ontology: Graph,
) -> Proposal:
    if not isinstance(fact, dict):
        raise ValueError("not a JSON object")
    events = shapes.events()
    if cls not in classes and cls not in events:
        raise ValueError(f"unknown class {cls!r}")
    quote = fact.get("quote")
    if not isinstance(quote, str) or not quote:
        raise ValueError("no quote")
    at = [m.start() for m in re.finditer(re.escape(quote), text)]
    if not at:
        raise ValueError(f"quote not in the text: {quote!r}")
    span = evidence.Span(at[0], at[0] + len(quote))
    values: list[tuple[str, Any]] = []
    participations: list[tuple[URIRef, str]] = []
    if cls in events:
        people = fact.get("participants") or []
        if not isinstance(people, list) or not people:
            raise ValueError("an event needs participants")
        participations = [(_entity(p, known), "participant") for p in people]
        status = str(fact.get("status", "Past"))
        if status not in ("Past", "Planned", "Ongoing", "Requested"):
            raise ValueError(f"unknown status {status!r}")
        values.append(("kg:status", KG[status]))
        if fact.get("object") not in (None, ""):
            values.append(("kg:eventObject", _entity(fact["object"], known)))
        elif cls == "Seizure":
            raise ValueError("a seizure needs its object (the thing seized)")
        if cls == "Seizure":  # the participants' roles are not given: the seizer is unstated
            values.append(("kg:unstatedRole", ENT["role-seizer"]))
        base = re.sub(r"(?<!^)([A-Z])", r"-\1", cls).lower()
    else:
        table = shapes.fact_class(cls)
        for f in table.required:
            key = next((s.key for s in classes[cls] if s.field is f), "")
            if key and not f.default and fact.get(key) in (None, "", []):
                raise ValueError(f"no {key}")
        for slot in classes[cls]:
            value = fact.get(slot.key)
            if value in (None, "", []):
                continue
            values += [(slot.path, v) for v in _value(slot, value, quote, known, ontology)]
        for f in table.required:  # a required field left out takes its default (sh:defaultValue)
            if f.default and not any(p == f.path for p, _ in values):
                values.append((f.path, URIRef(shapes.expand(f.default))))
        if cls == "Statement" and not any(
            fact.get(key) for key in ("target", "about", "subjectMatter")
        ):  # model rule 1: a target, what it is about, or else what it is about in its words
            raise ValueError(
                "a statement needs a target, what it is about (about) or its words (subjectMatter)"
            )
        base = {"Statement": "stmt", "RoleHolding": "role", "MetonymMention": "metonym"}.get(
            cls, cls.lower()
        )
    first = next((v for _, v in values if isinstance(v, URIRef) and str(v).startswith(str(ENT))),
                 participations[0][0] if participations else None)  # fmt: skip
    if first is not None:
        base += "-" + str(first).rsplit("/", 1)[-1]
    base += "-" + slug_of(" ".join(quote.split()[:3]))
    why = "proposed by the model; its quote and entities checked"
    return Proposal(cls, base, span, "model", 0.5, why, values, participations)


def model_draft(
    text: str,
    entities: Graph,
    ontology: Graph,
    endpoint: str,
    model: str = "local",
    timeout: float = 120.0,
) -> tuple[Draft, list[Rejected]]:
    """Ask a model for a text's facts; return the checked proposals and what was rejected."""
    content = ask(endpoint, prompt(text, entities, ontology), model, timeout)
    kept, rejected = guard(facts_of(content), text, entities, ontology)
    draft = Draft(Text(text=text, norm=text, tokens=[], sentences=[], quotations=[]))
    draft.proposals = kept
    return draft, rejected
