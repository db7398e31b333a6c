"""Fictional-facts benchmark: seeded documents about invented people, organisations and places, with
multiple-choice questions no model can answer from prior knowledge.

Why it exists: on real articles a 135M model sits at chance whatever we do, so "did the model learn the document?"
cannot be measured there. Here every fact is invented, so base accuracy is near chance, RAG (the fact is in the
retrieved passage) is high, and any gain of the tuned model closed-book is knowledge it took from the training data.

* Documents are written in varied sentences; after the first mention a person is referred to by pronoun or
  surname, as in real prose.
* Questions are phrased unlike the documents (own templates), and the three distractors are values of the *same*
  attribute, taken first from other entities of the same document, so recognising a word from the text does not
  answer a question: only the association entity -> value does.
* Every fact is kept in the line's ``facts`` list (entity, attribute, value, the sentence that states it), which
  ingestion stores as metadata and never trains on; ``benchmarks/faithfulness.py`` grades generated samples
  against it.

It is an **eval set**: never train on its questions. Lines use the generic JSONL layout, so they load through
the normal ingestion. ``python benchmarks/fictional_facts.py --help`` writes files; this module is the library.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# ---- invented vocabulary ---------------------------------------------------------------------------------------
# Syllables chosen to make pronounceable names that are not real people, towns or companies.
_ONSETS = ["Br", "Cal", "Dr", "El", "Fen", "Gar", "Hal", "Isk", "Jor", "Kel", "Lor", "Mar", "Nel", "Or", "Pel",
           "Quil", "Ros", "Sel", "Tam", "Ul", "Vor", "Wen", "Yar", "Zel", "Ast", "Bel", "Cor", "Dun", "Esk", "Fal"]
_MIDDLES = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"]
_CODAS = ["dric", "wyn", "stan", "mere", "lock", "vane", "thorn", "brook", "ford", "wick", "dell", "mont", "ric",
          "ven", "sby", "holt", "ley", "ton", "gar", "nell"]
_FEMALE_FIRST = ["Ilsa", "Maren", "Odile", "Tessaly", "Brisa", "Anwen", "Corliss", "Delphine", "Elowen", "Faye",
                 "Greta", "Hester", "Isolde", "Junia", "Kestrel", "Liora", "Mirela", "Nadia", "Orla", "Priya"]
_MALE_FIRST = ["Aurel", "Bastien", "Caspar", "Dorian", "Emrys", "Florin", "Gideon", "Hollis", "Ivo", "Jasper",
               "Kasimir", "Leander", "Matthis", "Nico", "Osric", "Pascal", "Quentin", "Rafferty", "Silas", "Tobin"]
_ORG_SUFFIX = ["Instruments", "Shipping", "Mills", "Works", "Foundry", "Press", "Textiles", "Optics", "Ceramics",
               "Brewing"]
_PLACE_SUFFIX = ["haven", "ford", "mere", "bury", "stead", "wick", "cross", "holm", "field", "port"]

PROFESSIONS = ["cartographer", "glassblower", "beekeeper", "bookbinder", "clockmaker", "lighthouse keeper",
               "veterinarian", "stonemason", "botanist", "harpsichord tuner", "ferry pilot", "archivist",
               "saddle maker", "meteorologist", "perfumer", "locksmith", "surveyor", "puppeteer"]
INSTRUMENTS = ["oboe", "cello", "accordion", "harp", "bassoon", "mandolin", "trombone", "zither", "banjo",
               "clarinet", "viola", "marimba"]
PETS = ["tortoise", "parrot", "greyhound", "ferret", "goat", "hedgehog", "donkey", "cockatoo", "rabbit", "pony"]
PRODUCTS = ["marine compasses", "ceramic tiles", "rope ladders", "copper kettles", "weather vanes", "wool blankets",
            "paper lanterns", "brass buttons", "telescope lenses", "canvas sails", "oak barrels", "tin whistles"]
FAMOUS_FOR = ["salt marshes", "apple orchards", "stone bridge", "lavender fields", "annual kite festival",
              "clock tower", "oyster beds", "glass market", "windmills", "hot springs"]


def _invented_word(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_MIDDLES) + rng.choice(_CODAS)


# ---- facts -----------------------------------------------------------------------------------------------------

@dataclass
class Fact:
    entity: str
    kind: str  # person | organisation | place
    attribute: str
    value: str
    sentence: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"entity": self.entity, "kind": self.kind, "attribute": self.attribute, "value": self.value,
                "sentence": self.sentence}


@dataclass
class Entity:
    name: str
    kind: str
    pronoun: str  # "she" | "he" | "it"
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def short(self) -> str:
        """Surname for people (a later mention), the full name otherwise."""
        return self.name.split()[-1] if self.kind == "person" else self.name


# Sentence templates per attribute: {s} = subject (name, pronoun or surname), {v} = value. Several per attribute so
# the document's wording varies; the question templates below are deliberately different wordings.
SENTENCES: dict[str, list[str]] = {
    "born_year": ["{s} was born in {v}.", "{S} came into the world in {v}.", "Records show that {s} was born in {v}."],
    "hometown": ["{S} grew up in the town of {v}.", "{S} spent {p} childhood in {v}.", "{S} was raised in {v}."],
    "profession": ["{S} worked as a {v}.", "By trade, {s} was a {v}.", "{S} earned a living as a {v}."],
    "employer": ["{S} was employed by {v}.", "For most of {p} career {s} worked for {v}.", "{S} joined {v} and stayed there."],
    "instrument": ["In the evenings {s} played the {v}.", "{S} was a keen player of the {v}.", "{S} taught {r} to play the {v}."],
    "pet": ["{S} kept a {v} as a pet.", "{S} lived with a pet {v}.", "At home {s} looked after a {v}."],
    "founded_year": ["{S} was founded in {v}.", "{S} opened its doors in {v}.", "The founding of {s} dates to {v}."],
    "headquarters": ["{S} has its headquarters in {v}.", "{S} is based in {v}.", "The main office of {s} stands in {v}."],
    "product": ["{S} is known for its {v}.", "{S} makes {v}.", "Most of what {s} sells are {v}."],
    "employees": ["{S} employs {v} people.", "{S} has a staff of {v}.", "There are {v} people on the payroll of {s}."],
    "population": ["{S} has {v} inhabitants.", "About {v} people live in {s}.", "The population of {s} is {v}."],
    "famous_for": ["{S} is famous for its {v}.", "Visitors come to {s} for its {v}.", "{S} is best known for its {v}."],
    "river": ["{S} lies on the {v}.", "The {v} runs through {s}.", "{S} was built beside the {v}."],
}
QUESTIONS: dict[str, str] = {
    "born_year": "In what year is {e}'s birth recorded?",
    "hometown": "Which town is named as {e}'s childhood home?",
    "profession": "What occupation did {e} have?",
    "employer": "Which company was {e} on the staff of?",
    "instrument": "Which musical instrument is associated with {e}?",
    "pet": "What kind of animal did {e} keep?",
    "founded_year": "When was the organisation {e} established?",
    "headquarters": "In which town is {e} headquartered?",
    "product": "What goods is {e} known to produce?",
    "employees": "How many employees does {e} have?",
    "population": "How many inhabitants does the town of {e} have?",
    "famous_for": "What is the town of {e} known for?",
    "river": "Which river is {e} situated on?",
}
PERSON_ATTRIBUTES = ["born_year", "hometown", "profession", "employer", "instrument", "pet"]
ORG_ATTRIBUTES = ["founded_year", "headquarters", "product", "employees"]
PLACE_ATTRIBUTES = ["population", "famous_for", "river"]


@dataclass
class BenchConfig:
    documents: int = 1
    people: int = 10  # per document
    organisations: int = 0  # per document
    places: int = 0  # per document
    facts_per_person: int = 6
    seed: int = 0


class _Namer:
    """Unique invented names across the whole benchmark (so documents never share an entity)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.used = rng, set()

    def _unique(self, make) -> str:
        for _ in range(1000):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of invented names")

    def person(self, female: bool) -> str:
        return self._unique(lambda: f"{self.rng.choice(_FEMALE_FIRST if female else _MALE_FIRST)} {_invented_word(self.rng)}")

    def organisation(self) -> str:
        return self._unique(lambda: f"{_invented_word(self.rng)} {self.rng.choice(_ORG_SUFFIX)}")

    def place(self) -> str:
        return self._unique(lambda: _invented_word(self.rng)[:-2].rstrip("aeiouy") + self.rng.choice(_PLACE_SUFFIX))

    def river(self) -> str:
        return self._unique(lambda: f"{_invented_word(self.rng)} River")


def _pick(rng: random.Random, pool: list[str], taken: set[str]) -> str:
    """A value not yet used in this document for this attribute (distinct values make every question answerable)."""
    free = [v for v in pool if v not in taken] or pool
    value = rng.choice(free)
    taken.add(value)
    return value


def _make_entities(rng: random.Random, namer: _Namer, config: BenchConfig) -> list[Entity]:
    towns = [namer.place() for _ in range(max(4, config.people // 2 + config.places))]
    companies = [namer.organisation() for _ in range(max(3, config.people // 3 + config.organisations))]
    taken: dict[str, set[str]] = {}
    entities: list[Entity] = []
    for _ in range(config.people):
        female = rng.random() < 0.5
        e = Entity(namer.person(female), "person", "she" if female else "he")
        attributes = PERSON_ATTRIBUTES[: max(1, min(config.facts_per_person, len(PERSON_ATTRIBUTES)))]
        pools = {"born_year": [str(y) for y in range(1901, 1996)], "hometown": towns, "profession": PROFESSIONS,
                 "employer": companies, "instrument": INSTRUMENTS, "pet": PETS}
        for a in attributes:
            e.facts[a] = _pick(rng, pools[a], taken.setdefault(a, set()))
        entities.append(e)
    for i in range(config.organisations):
        e = Entity(companies[i % len(companies)] if i < len(companies) else namer.organisation(), "organisation", "it")
        pools = {"founded_year": [str(y) for y in range(1820, 1990)], "headquarters": towns, "product": PRODUCTS,
                 "employees": [str(n) for n in range(40, 4000, 7)]}
        for a in ORG_ATTRIBUTES:
            e.facts[a] = _pick(rng, pools[a], taken.setdefault(a, set()))
        entities.append(e)
    for i in range(config.places):
        e = Entity(towns[i % len(towns)], "place", "it")
        pools = {"population": [f"{n:,}" for n in range(1200, 90000, 337)], "famous_for": FAMOUS_FOR,
                 "river": [namer.river() for _ in range(8)]}
        for a in PLACE_ATTRIBUTES:
            e.facts[a] = _pick(rng, pools[a], taken.setdefault(a, set()))
        entities.append(e)
    return entities


def _sentence(rng: random.Random, entity: Entity, attribute: str, value: str, first: bool) -> str:
    template = rng.choice(SENTENCES[attribute])
    if first:
        subject = entity.name
    elif entity.kind == "person":
        subject = entity.short if rng.random() < 0.35 else entity.pronoun
    else:
        subject = entity.name if rng.random() < 0.5 else {"organisation": "the company", "place": "the town"}[entity.kind]
    possessive = {"she": "her", "he": "his", "it": "its"}[entity.pronoun]
    reflexive = {"she": "herself", "he": "himself", "it": "itself"}[entity.pronoun]
    text = template.format(s=subject, S=subject[:1].upper() + subject[1:], v=value, p=possessive, r=reflexive)
    return re.sub(r"\b([Aa]) ([aeiou])", r"\1n \2", text)  # "a archivist" -> "an archivist"


def _paragraph(rng: random.Random, entity: Entity) -> tuple[str, list[Fact]]:
    attributes = list(entity.facts)
    head, rest = attributes[:1], attributes[1:]
    rng.shuffle(rest)
    facts, sentences = [], []
    for i, a in enumerate(head + rest):
        s = _sentence(rng, entity, a, entity.facts[a], first=i == 0)
        sentences.append(s)
        facts.append(Fact(entity.name, entity.kind, a, entity.facts[a], s))
    return " ".join(sentences), facts


def _question(rng: random.Random, fact: Fact, same_attribute: list[str], pool_extra: list[str]) -> dict[str, Any]:
    distractors = [v for v in dict.fromkeys(same_attribute) if v != fact.value]
    rng.shuffle(distractors)
    extra = [v for v in pool_extra if v != fact.value and v not in distractors]
    rng.shuffle(extra)
    options = [*(distractors + extra)[:3], fact.value]
    rng.shuffle(options)
    return {"id": f"{fact.entity}|{fact.attribute}", "question": QUESTIONS[fact.attribute].format(e=fact.entity),
            "options": options, "answer_index": options.index(fact.value), "attribute": fact.attribute}


_POOLS = {"profession": PROFESSIONS, "instrument": INSTRUMENTS, "pet": PETS, "product": PRODUCTS, "famous_for": FAMOUS_FOR}


def make_benchmark(config: BenchConfig) -> list[dict[str, Any]]:
    """The benchmark's documents as generic-JSONL rows (``id``, ``title``, ``text``, ``questions``, ``facts``)."""
    rng = random.Random(config.seed)
    namer = _Namer(rng)
    rows = []
    for d in range(config.documents):
        entities = _make_entities(rng, namer, config)
        paragraphs, facts = [], []
        for e in entities:
            text, fs = _paragraph(rng, e)
            paragraphs.append(text)
            facts += fs
        by_attribute: dict[str, list[str]] = {}
        for f in facts:
            by_attribute.setdefault(f.attribute, []).append(f.value)
        # Distractors never mentioned in the document, for attributes with too few values in it.
        unused = {"hometown": [namer.place() for _ in range(3)], "headquarters": [namer.place() for _ in range(3)],
                  "employer": [namer.organisation() for _ in range(3)], "river": [namer.river() for _ in range(3)]}
        questions = []
        for f in facts:
            extra = _POOLS.get(f.attribute) or unused.get(f.attribute, [])
            if f.attribute.endswith("year"):
                extra = [str(int(f.value) + k) for k in (-7, -3, 4, 9, 12)]
            elif f.attribute in ("employees", "population"):
                number = int(f.value.replace(",", ""))
                fmt = "{:,}" if "," in f.value else "{}"
                extra = [fmt.format(int(number * k)) for k in (0.6, 0.8, 1.25, 1.5)]
            questions.append(_question(rng, f, by_attribute[f.attribute], extra))
        rows.append({"id": f"factbench-s{config.seed}-d{d}", "title": f"Fictional records {config.seed}-{d}",
                     "text": "\n\n".join(paragraphs), "questions": questions,
                     "facts": [f.to_dict() for f in facts], "benchmark": "fictional-facts",
                     "generator": {"seed": config.seed, "people": config.people, "organisations": config.organisations,
                                   "places": config.places, "facts_per_person": config.facts_per_person}})
    return rows


def write_benchmark(path: Path, config: BenchConfig) -> list[dict[str, Any]]:
    rows = make_benchmark(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return rows


def load_facts(path: Path) -> dict[str, list[dict[str, str]]]:
    """Document title -> its facts, from a benchmark JSONL (for grading generated samples)."""
    out: dict[str, list[dict[str, str]]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[row["title"]] = row.get("facts", [])
    return out
