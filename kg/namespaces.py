"""Namespaces of the project and the vocabularies it reuses."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/scs-kg/"
ONTOLOGY_IRI = URIRef(BASE + "ontology")
ENT = Namespace(BASE + "id/")
SRC = Namespace(BASE + "source/")
FACT = Namespace(BASE + "fact/")
GRAPH = Namespace(BASE + "graph/")
CAMEO = Namespace(BASE + "cameo/")
PLOVER = Namespace(BASE + "plover/")
DERIVED = Namespace(BASE + "derived/")
VOID_BASE = Namespace(BASE + "void/")

NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ORG = Namespace("http://www.w3.org/ns/org#")
VOID = Namespace("http://rdfs.org/ns/void#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
VANN = Namespace("http://purl.org/vocab/vann/")

ONTOLOGY_GRAPH = GRAPH["ontology"]
ENTITIES_GRAPH = GRAPH["entities"]
DERIVED_GRAPH = GRAPH["derived"]


SOURCE_GRAPHS = str(GRAPH) + "source/"
"""What every source's named graph begins with (`source_graph`, `graph_source`)."""


def source_graph(slug: str) -> URIRef:
    """Return the named graph of one source."""
    return URIRef(SOURCE_GRAPHS + slug)


def graph_source(name: str) -> str | None:
    """Return the slug of a source's named graph (`source_graph`'s inverse), else None."""
    return name[len(SOURCE_GRAPHS) :] if name.startswith(SOURCE_GRAPHS) else None


def owner(term: str) -> str | None:
    """Return the slug of the source whose namespace (`fact:SLUG/…`, `src:SLUG#…`) holds an IRI."""
    for ns, stop in ((str(FACT), "/"), (str(SRC), "#")):
        if term.startswith(ns):
            return term[len(ns) :].split(stop, 1)[0]
    return None


class KG(DefinedNamespace):
    """The scs-kg ontology; a term not declared here raises AttributeError."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # Classes
    Actor: URIRef
    State: URIRef
    Organization: URIRef
    InternationalOrganization: URIRef
    Government: URIRef
    MilitaryOrganization: URIRef
    Person: URIRef
    Group: URIRef
    Place: URIRef
    City: URIRef
    MaritimeArea: URIRef
    MaritimeFeature: URIRef
    Instrument: URIRef
    Role: URIRef
    Source: URIRef
    Fact: URIRef
    RoleHolding: URIRef
    Membership: URIRef
    Alliance: URIRef
    Counterpart: URIRef
    Affiliation: URIRef
    Location: URIRef
    TerritorialClaim: URIRef
    ClaimContest: URIRef
    MetonymMention: URIRef
    Event: URIRef
    Meeting: URIRef
    Conversation: URIRef
    Agreement: URIRef
    Address: URIRef
    MilitaryExercise: URIRef
    Seizure: URIRef
    Confrontation: URIRef
    Establishment: URIRef
    Statement: URIRef
    Participation: URIRef
    StatementType: URIRef
    EventStatus: URIRef
    CameoCategory: URIRef
    Relationship: URIRef
    SubOrganization: URIRef
    InstrumentState: URIRef
    Inference: URIRef
    Action: URIRef
    InstrumentStatus: URIRef
    ActKind: URIRef
    DateType: URIRef
    PloverCategory: URIRef
    PloverMode: URIRef

    # Qualified layer
    holder: URIRef
    role: URIRef
    roleIn: URIRef
    member: URIRef
    organization: URIRef
    ally: URIRef
    counterpart: URIRef
    affiliate: URIRef
    affiliatedTo: URIRef
    locatedPlace: URIRef
    containingPlace: URIRef
    claimant: URIRef
    claimedPlace: URIRef
    contester: URIRef
    contestedClaim: URIRef
    mentionText: URIRef
    refersTo: URIRef
    participation: URIRef
    participant: URIRef
    participantRole: URIRef
    status: URIRef
    onSidelinesOf: URIRef
    inResponseTo: URIRef
    subjectMatter: URIRef
    speaker: URIRef
    onBehalfOf: URIRef
    addressee: URIRef
    target: URIRef
    about: URIRef
    statementType: URIRef
    quotation: URIRef
    label: URIRef
    madeDuring: URIRef
    medium: URIRef
    relativeTime: URIRef
    dateType: URIRef
    metonym: URIRef
    quadClass: URIRef
    party: URIRef
    callsFor: URIRef
    sameActAs: URIRef
    speakingAs: URIRef
    actKind: URIRef
    eventObject: URIRef
    unstatedRole: URIRef
    providesFor: URIRef
    instrument: URIRef
    instrumentStatus: URIRef

    # Authoring and evidence
    quote: URIRef
    quoteStart: URIRef
    evidence: URIRef
    sha256: URIRef

    # Direct layer (derived)
    holdsRole: URIRef
    affiliatedWith: URIRef
    alliedWith: URIRef
    counterpartOf: URIRef
    locatedIn: URIRef
    claims: URIRef
    contests: URIRef
    contestsClaimOf: URIRef
    participatedIn: URIRef
    statedAbout: URIRef
    statedTo: URIRef
    inRole: URIRef

    # Concept schemes and concepts
    StatementTypeScheme: URIRef
    EventStatusScheme: URIRef
    CameoScheme: URIRef
    Announcement: URIRef
    Assessment: URIRef
    Reassurance: URIRef
    Warning: URIRef
    Appeal: URIRef
    Proposal: URIRef
    Endorsement: URIRef
    Criticism: URIRef
    Accusation: URIRef
    Labelling: URIRef
    Rejection: URIRef
    Planned: URIRef
    Past: URIRef
    Ongoing: URIRef
    Requested: URIRef
    Characterisation: URIRef
    InstrumentStatusScheme: URIRef
    UnderNegotiation: URIRef
    Delayed: URIRef
    InForce: URIRef
    ActKindScheme: URIRef
    Verbal: URIRef
    Material: URIRef
    DateTypeScheme: URIRef
    Exact: URIRef
    Approximate: URIRef
    Relative: URIRef
    PloverScheme: URIRef


PREFIXES: dict[str, str] = {
    "kg": str(KG._NS),
    "ent": str(ENT),
    "src": str(SRC),
    "graph": str(GRAPH),
    "cameo": str(CAMEO),
    "plover": str(PLOVER),
    "derived": str(DERIVED),
    "nif": str(NIF),
    "org": str(ORG),
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "pav": "http://purl.org/pav/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": str(SCHEMA),
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "void": str(VOID),
    "sh": "http://www.w3.org/ns/shacl#",
    "kgsh": BASE + "shapes#",
}
