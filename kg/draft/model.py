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

from kg import authoring, evidence, registry
from kg.authoring import slug_of
from kg.draft.drafter import EVENTS, Draft, Proposal
from kg.draft.text import Text
from kg.errors import InputError
from kg.namespaces import ENT, KG
from kg.prefixes import short_iri

# class → (property in the answer, property of the node, kind of value)
FIELDS: dict[str, list[tuple[str, str, str]]] = {
    "RoleHolding": [("holder", "kg:holder", "entity"), ("role", "kg:role", "entity"),
                    ("roleIn", "kg:roleIn", "entity")],
    "Membership": [("member", "kg:member", "entity"),
                   ("organization", "kg:organization", "entity")],
    "Alliance": [("allies", "kg:ally", "entities")],
    "Counterpart": [("counterparts", "kg:counterpart", "entities")],
    "Affiliation": [("affiliate", "kg:affiliate", "entity"),
                    ("affiliatedTo", "kg:affiliatedTo", "entity")],
    "Location": [("place", "kg:locatedPlace", "entity"), ("in", "kg:containingPlace", "entity")],
    "TerritorialClaim": [("claimant", "kg:claimant", "entity"),
                         ("place", "kg:claimedPlace", "entity")],
    "MetonymMention": [("words", "kg:mentionText", "string"),
                       ("refersTo", "kg:refersTo", "entity")],
    "Statement": [("speaker", "kg:speaker", "entity"), ("type", "kg:statementType", "type"),
                  ("actKind", "kg:actKind", "act"),
                  ("addressee", "kg:addressee", "entity"), ("target", "kg:target", "entity"),
                  ("about", "kg:about", "entity"), ("quotation", "kg:quotation", "string"),
                  ("label", "kg:label", "string")],
}  # fmt: skip
REQUIRED = {
    "RoleHolding": ["holder", "role"], "Membership": ["member", "organization"],
    "Alliance": ["allies"], "Counterpart": ["counterparts"],
    "Affiliation": ["affiliate", "affiliatedTo"], "Location": ["place", "in"],
    "TerritorialClaim": ["claimant", "place"], "MetonymMention": ["words", "refersTo"],
    "Statement": ["speaker", "type"],
}  # fmt: skip


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
    shape = {c: [f for f, _, _ in fields] for c, fields in FIELDS.items()}
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
            "status Past|Planned|Ongoing|Requested): " + ", ".join(sorted(EVENTS)),
            "Statement types: " + ", ".join(types),
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
    types = {str(c).rsplit("#", 1)[-1] for c in ontology.subjects(RDF.type, KG.StatementType)}
    kept: list[Proposal] = []
    rejected: list[Rejected] = []
    for n, fact in enumerate(facts, start=1):
        cls = str(fact.get("class", "")) if isinstance(fact, dict) else ""
        try:
            kept.append(_proposal(fact, cls, text, known, types))
        except ValueError as exc:
            rejected.append(Rejected(n, cls, str(exc)))
    return kept, rejected


def _entity(value: Any, known: set[URIRef]) -> URIRef:
    name = str(value).removeprefix("ent:")
    iri = ENT[name]
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", name) or iri not in known:
        raise ValueError(f"unknown entity {value!r}: not in the registry")
    return iri


def _proposal(fact: Any, cls: str, text: str, known: set[URIRef], types: set[str]) -> Proposal:
    if not isinstance(fact, dict):
        raise ValueError("not a JSON object")
    if cls not in FIELDS and cls not in EVENTS:
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
    if cls in EVENTS:
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
        for name in REQUIRED[cls]:
            if fact.get(name) in (None, "", []):
                raise ValueError(f"no {name}")
        for name, prop, kind in FIELDS[cls]:
            value = fact.get(name)
            if value in (None, "", []):
                continue
            if kind == "entity":
                values.append((prop, _entity(value, known)))
            elif kind == "entities":
                if not isinstance(value, list) or len(value) != 2:
                    raise ValueError(f"{name}: two entities expected")
                values += [(prop, _entity(v, known)) for v in value]
            elif kind == "act":
                if str(value) not in ("Verbal", "Material"):
                    raise ValueError(f"unknown act kind {value!r}: Verbal or Material")
                values.append((prop, KG[str(value)]))
            elif kind == "type":
                if str(value) not in types:
                    raise ValueError(f"unknown statement type {value!r}")
                values.append((prop, KG[str(value)]))
            else:
                if str(value) not in quote:
                    raise ValueError(f"{name} {value!r} is not inside the quote")
                values.append((prop, Literal(str(value))))
        if cls == "Statement":
            if not fact.get("actKind"):
                values.append(("kg:actKind", KG.Verbal))  # a statement is a speech act
            if not fact.get("target") and not fact.get("about"):
                raise ValueError("a statement needs a target or what it is about (about)")
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
