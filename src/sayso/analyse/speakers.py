"""Whose say-so: each attribution's source resolved to canonical speakers, by rules.

The ``sayso_speakers`` component reads ``doc._.attributions`` and ``doc._.entities`` and sets
``doc._.sources``, one :class:`SourceInfo` per attribution. The head word of the source decides:

- a name ("Kirby", "The State Department's Price") -> the person it names; several names
  ("Kirby and State Department spokesperson Ned Price") -> several speakers;
- he / she -> the last salient person (an earlier speaker or a sentence subject) of that
  gender, else of unknown gender, not counting those named in the quote it introduces;
  they / it -> the last salient group or organisation;
  I / we inside a quote -> the speaker of that quote, outside quotation marks -> the article's
  authors (``doc._.authors``, its byline: a column's "I think ..."); "who" -> the noun it qualifies;
- a definite title ("the commissioner") -> the last person with that title, else the first
  one named later with all of it ("The transport secretary" before "Transport Secretary Mark
  Harper");
- a news epithet ("the billionaire businessman", ``epithet_nouns.txt``) -> the one person of
  its gender mentioned in its sentence or the one before, if only one is;
- an unnamed person or group ("officials", "a person familiar with the matter") -> an
  ``anonymous`` entity that keeps the source's own words as its name;
- an outlet -> ``media``; an organisation, country or "the department" (the last
  organisation so named) -> ``organization``; "Its foreign ministry" -> named with the
  organisation before it.

Sources are resolved in text order, so each one can refer back to the ones before it.
Entities created here (anonymous sources, unnamed organisations) are added to ``doc._.entities``.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from sayso.analyse.attribution_decode import is_put_to
from sayso.analyse.attribution_model import quote_states
from sayso.analyse.data import table, words
from sayso.analyse.entities import NOT_NAMES, EntityInfo, is_role_word, media_name, strip_determiner
from sayso.analyse.extensions import AttributionSpans

_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_GROUP_TYPES = {"anonymous", "organization", "media"}
_THING_TYPES = {"organization", "media"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
_AUTHOR_PREPS = {"by", "from", "of"}
_AND = {"and", "&"}
_NOT_A_SOURCE_POS = {"ADP", "DET", "PUNCT", "SCONJ", "PART", "AUX", "NUM", "SPACE", "ADV"}
_NAME_PHRASE_POS = {"PROPN", "NOUN", "ADJ", "DET", "PART"}


@dataclass
class SourceInfo:
    """The entities behind one attribution's source, its type and its canonical speakers."""

    entities: list[EntityInfo] = field(default_factory=list)
    type: str = "unknown"
    speakers: list[str] = field(default_factory=list)


if not Doc.has_extension("sources"):
    Doc.set_extension("sources", default=None)


class _Resolver:
    """Resolution state for one Doc: entity lookup by token, salient mentions in text order."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.quoted = quote_states(doc) > 0
        self.entities: list[EntityInfo] = list(doc._.entities or [])
        self.of_token: dict[int, EntityInfo] = {}
        self.salient: list[tuple[int, int, EntityInfo]] = []  # (token index, serial, entity)
        for entity in self.entities:
            for mention in entity.mentions:
                for token in mention:
                    self.of_token[token.i] = entity
                if mention.root.dep_ in _SUBJECT_DEPS:
                    self._remember(mention.start, entity)

    def _remember(self, position: int, entity: EntityInfo) -> None:
        bisect.insort(self.salient, (position, len(self.salient), entity))

    def resolve(self, source: list[Span], cue: list[Span], content: Sequence[Span] = ()) -> SourceInfo:
        """The entities behind a (non-empty) source of the cue ``cue``; a pronoun's antecedent is
        not named in the quoted words of the attribution's own ``content`` (""..., Trump makes it
        harder," he said")."""
        span = _phrase_of(source[0])
        root = span.root
        pronoun = table("pronouns.tsv").get(root.lower_) if root.pos_ == "PRON" or len(span) == 1 else None
        if pronoun is not None:
            own_words = {i for span in content for i in range(span.start, span.end) if self.quoted[i]}
            entity = self._antecedent(root, pronoun, own_words)
            found = [entity] if entity else []
        elif root.pos_ == "CCONJ":  # a source cut down to its "and": the names on both sides
            found = list(
                dict.fromkeys(
                    [*self._coordinated(span, -1, joined=True), *self._coordinated(span, 1, joined=True)]
                )
            )
        elif root.pos_ in _NOT_A_SOURCE_POS or root.ent_type_ in NOT_NAMES:  # "year": the cue's subject
            subject = self._cue_subject(cue)
            found = self._named(_subtree(subject), subject) if subject is not None else []
        else:
            found = self._named(span, root)
            if found and found[0].type == "person":
                before, after = self._coordinated(span, -1), self._coordinated(span, 1)
                found = list(dict.fromkeys([*before, *found, *after]))
        if not found:
            return SourceInfo(type="unknown", speakers=[" … ".join(s.text for s in source)])
        for entity in found:
            if not any(span.start <= m.start and m.end <= span.end for m in entity.mentions):
                entity.add_mention(span if pronoun is not None else strip_determiner(span) or span)
            self._remember(span.start, entity)
        return SourceInfo(entities=found, type=found[0].type, speakers=[e.name for e in found])

    def _named(self, span: Span, root: Token) -> list[EntityInfo]:
        people = self._people_in(span)
        owner = self.of_token.get(root.i)
        head = root.lower_
        if owner is not None and owner.type == "person":
            return people
        named_next = self.of_token.get(root.i + 1)
        if people and is_role_word(root) and named_next is not None and named_next.type == "person":
            return people  # a misparsed "Chen and ... spokesperson Omar Haddad": the title, not the head
        named = self._in_apposition(span, root)
        if named:
            return named  # "The chief executive, Mark Lowe,": the person, not an unnamed one
        if root.lemma_.lower() in words("document_nouns.txt") or head in words("document_nouns.txt"):
            return self._author(span, root)  # the lemma of "data" is "datum"
        if is_role_word(root) and span[0].lower_ == "the" and not people:
            titled = self._titled(span, span.start)
            if titled is not None:
                return [titled]  # "the commissioner": the last person with that title
        if _is_epithet(span, root) and not people:
            referent = self._epithet_referent(root, span.start)
            if referent is not None:
                return [referent]  # "The billionaire businessman": the one person just mentioned
        if head in words("anonymous_nouns.txt") or root.lemma_.lower() in words("anonymous_nouns.txt"):
            self._affiliation(span, root)
            return [self._entity(span.text, "anonymous")]
        if owner is not None:
            return [owner]
        if head in words("media_nouns.txt"):
            return [self._last_of({"media"}, span.start) or self._entity(_name(span), "media")]
        if head in words("organization_nouns.txt"):
            named = self.of_token.get(root.i + 1)
            if named is not None and named.type != "person" and self.of_token.get(_name_end(span)) is named:
                return [named]  # "the engineering firm Calder & Webb", not "the mission to the U.N."
            if not any(t.pos_ == "PROPN" for t in span if t.i != root.i):
                earlier = self._named_like(head, span.start)
                if earlier is not None:
                    return [earlier]
            name = self._owned_name(span) or _name(span)
            return [self._entity(name, "media" if media_name(name) else "organization")]
        if people:
            return people
        if root.pos_ == "PROPN":
            name = _name(span)
            return [self._entity(name, "media" if media_name(name) else "organization")]
        if root.pos_ == "NOUN":  # an unnamed person or group: "some business owners"
            return [self._entity(span.text, "anonymous")]
        return []

    def _owned_name(self, span: Span) -> str | None:
        """An organisation's name with its owner for "its" ("Iran ... Its foreign ministry" ->
        "Iran's foreign ministry"); None where the span does not open with "its" or no
        organisation comes before it."""
        if span[0].lower_ != "its" or len(span) < 2:
            return None
        owner = self._last_of({"organization", "media"}, span.start)
        if owner is None:
            return None
        possessive = "'" if owner.name.endswith("s") else "'s"
        return f"{owner.name}{possessive} {span[1:].text}"

    def _author(self, span: Span, document: Token) -> list[EntityInfo]:
        """Who a document speaks for: "a report by X", "a report released by X", "a Bloomberg
        poll"; else nobody."""
        by_phrases = [c for c in document.children if c.dep_ == "prep" and c.lower_ in _AUTHOR_PREPS]
        by_phrases += [
            a for c in document.children if c.dep_ == "acl" for a in c.children if a.dep_ == "agent"
        ]
        author = by_phrases[0] if by_phrases else None
        objects = [c for c in author.children if c.dep_ == "pobj"] if author is not None else []
        if objects:
            return self._named(_subtree(objects[0]), objects[0])
        names = [t for t in span if t.i < document.i and t.pos_ == "PROPN" and t.ent_type_ not in NOT_NAMES]
        if not names:
            return []
        named = self.of_token.get(names[-1].i)
        if named is not None:
            return [named]
        end = document.i + 1 if document.pos_ == "PROPN" else names[-1].i + 1  # "American Community Survey"
        name = self.doc[names[0].i : end].text
        return [self._entity(name, "media" if media_name(name) else "organization")]

    def _affiliation(self, span: Span, root: Token) -> None:
        """Note the organisation an anonymous source belongs to ("Biden administration officials"),
        so that a later "the administration" finds it."""
        for token in span:
            if token.i < root.i and token.lower_ in words("organization_nouns.txt"):
                name = strip_determiner(span.doc[span.start : token.i + 1])
                if len(name):
                    entity = self._entity(name.text, "organization")
                    entity.add_mention(name)
                    self._remember(name.start, entity)
                return

    def _coordinated(self, span: Span, step: int, joined: bool = False) -> list[EntityInfo]:
        """People joined to a source by "and" just after (step 1) or before (-1) its span,
        in text order ("[Kirby] and State Department spokesperson Ned Price"); ``joined``: the
        span is the "and" itself."""
        doc = self.doc
        i = span.end if step == 1 else span.start - 1
        people: list[EntityInfo] = []
        if not joined:
            if not (0 <= i < len(doc)) or doc[i].lower_ not in _AND:
                return people
            i += step
        while 0 <= i < len(doc) and doc[i].pos_ in _NAME_PHRASE_POS and not doc[i].is_space:
            entity = self.of_token.get(i)
            if entity is not None and entity.type == "person" and entity not in people:
                people.append(entity)
            i += step
        return people if step == 1 else people[::-1]

    def _cue_subject(self, cue: list[Span]) -> Token | None:
        """The grammatical subject of the cue's verb, if it has one."""
        if not cue:
            return None
        verb = cue[0].root
        return next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)

    def _in_apposition(self, span: Span, root: Token) -> list[EntityInfo]:
        """The people named in apposition to the source's head noun, inside the source, with
        those joined to them ("The candidates, Hillary Clinton and Donald Trump,")."""
        for child in root.rights:
            if child.dep_ == "appos" and child.i < span.end:
                named = [self.of_token.get(t.i) for t in (child, *child.conjuncts) if t.i < span.end]
                people = [e for e in dict.fromkeys(named) if e is not None and e.type == "person"]
                if people:
                    return people
        return []

    def _people_in(self, span: Span) -> list[EntityInfo]:
        """The people named in a span, in order, leaving out possessors ("Kirby's aide")."""
        people: list[EntityInfo] = []
        for token in span:
            entity = self.of_token.get(token.i)
            if entity is None or entity.type != "person" or entity in people:
                continue
            following = token.i + 1
            if following < span.end - 1 and self.doc[following].text in _POSSESSIVE:
                continue  # "Kirby's aide"; but "Kirby's" alone is Kirby
            people.append(entity)
        return people

    def _antecedent(self, pronoun: Token, stands_for: str, skipped: AbstractSet[int]) -> EntityInfo | None:
        if stands_for == "self":
            return None  # resolved afterwards, from the enclosing quote's speaker
        if stands_for == "relative":  # "Ana Lopes, who runs a bakery": the noun qualified
            qualified = pronoun.head.head if pronoun.head.dep_ == "relcl" else None
            if qualified is None or qualified.i >= pronoun.i:
                return None
            found = self._named(self.doc[qualified.left_edge.i : qualified.i + 1], qualified)
            return found[0] if found else None
        if stands_for in {"male", "female"}:
            return self._last_person(pronoun.i, stands_for, skipped)
        types = _GROUP_TYPES if stands_for == "group" else _THING_TYPES
        return self._last_of(types, pronoun.i)

    def _last_person(self, position: int, gender: str, skipped: AbstractSet[int]) -> EntityInfo | None:
        """The last person before ``position`` of that gender, else of unknown gender; salient
        people (earlier speakers, subjects) first, then anyone mentioned; mentions at ``skipped``
        token positions do not count."""
        pools = (self._before(position, skipped), self._all_before(position, skipped))
        for wanted in (gender, "unknown"):
            for pool in pools:
                for entity in pool:
                    if entity.type == "person" and entity.gender == wanted:
                        return entity
        return None

    def _epithet_referent(self, head: Token, position: int) -> EntityInfo | None:
        """The person an epithet stands for ("the real estate tycoon"): the one person of the
        head noun's gender, where it has one ("the actress"), mentioned in the epithet's sentence
        before it or in the sentence before; none where there are several ("Elizabeth Warren
        grilled John Stumpf. The Democratic senator ..."). PolNeAR, the first 300 train articles
        and dev: 28 of the 32 epithets so resolved are right by a reading (the last salient
        person instead, as for a pronoun: 48 of 73)."""
        gender = table("honorifics.tsv").get(head.lower_, "unknown")
        sentence = self.doc[position].sent
        window_start = self.doc[sentence.start - 1].sent.start if sentence.start > 0 else 0
        people = {
            entity
            for entity in self.entities
            if entity.type == "person"
            and (gender == "unknown" or entity.gender in (gender, "unknown"))
            and any(window_start <= m.start < position for m in entity.mentions)
        }
        return people.pop() if len(people) == 1 else None

    def _last_of(self, types: set[str], position: int) -> EntityInfo | None:
        return next((e for e in self._before(position) if e.type in types), None)

    def _titled(self, phrase: Span, position: int) -> EntityInfo | None:
        """The last person before ``position`` whose roles include the title word heading
        ``phrase`` ("the commissioner"); else the first one after it whose role is all of a
        title of two words or more, or the end of it, or the title word of one of a named place
        or body (a lead's "The transport secretary said ..." before "Transport Secretary Mark
        Harper", "The New York state attorney general" before "Attorney General Eric
        Schneiderman", "The governor of South Dakota" before "Gov. Kristi Noem"; not "the
        president" before "Vice President Biden")."""
        head = phrase.root
        wanted = {head.lower_, head.lemma_.lower()}
        for entity in self._all_before(position):
            if entity.type == "person" and any(wanted & set(r.lower().split()) for r in entity.roles):
                return entity
        title = strip_determiner(self.doc[phrase.start : head.i + 1]).text.lower()
        of_named = any(
            c.dep_ == "prep" and c.lower_ == "of" and any(o.pos_ == "PROPN" for o in c.subtree)
            for c in head.children
        )
        if len(title.split()) < 2 and not of_named:
            return None
        later = [e for e in self.entities if e.type == "person" and _first_mention(e) > position]
        for entity in sorted(later, key=_first_mention):
            if any(_names_title(title, r.lower()) for r in entity.roles):
                return entity
        return None

    def _named_like(self, head: str, position: int) -> EntityInfo | None:
        """The last organisation before ``position`` whose name ends in ``head`` ("the department";
        not an outlet: "the company" is not Fast Company)."""
        for entity in self._all_before(position):
            if entity.type == "organization" and entity.name.lower().split()[-1] == head:
                return entity
        return None

    def _before(self, position: int, skipped: AbstractSet[int] = frozenset()) -> list[EntityInfo]:
        """Salient entities before ``position``, the nearest first (mentions at ``skipped`` left out)."""
        cut = bisect.bisect_left(self.salient, (position, -1))
        return [entity for at, _, entity in reversed(self.salient[:cut]) if at not in skipped]

    def _all_before(self, position: int, skipped: AbstractSet[int] = frozenset()) -> list[EntityInfo]:
        """Every entity mentioned before ``position``, by its nearest mention first (mentions at
        ``skipped`` left out)."""
        last = {
            e: max((m.start for m in e.mentions if m.start < position and m.start not in skipped), default=-1)
            for e in self.entities
        }
        found = [e for e in self.entities if last[e] >= 0]
        return sorted(found, key=lambda e: -last[e])

    def author(self, name: str) -> EntityInfo:
        """The person of a byline name: the one of that name in the text, else a new one."""
        return self._entity(name, "person")

    def _entity(self, name: str, kind: str) -> EntityInfo:
        """The entity so named and typed, made if new; an ``anonymous`` guess (a capitalised
        "WeWork" the tagger took for a common noun) takes a named entity of that name."""
        for entity in self.entities:
            same_kind = entity.type == kind or kind == "anonymous"
            if same_kind and entity.name.lower() == name.lower():
                return entity
        entity = EntityInfo(name=name, type=kind)
        self.entities.append(entity)
        return entity


def _is_epithet(span: Span, head: Token) -> bool:
    """Whether a source is a news epithet for a person named earlier: "the" and a singular
    head noun of ``epithet_nouns.txt``, with no proper noun after the head ("the billionaire
    businessman", "The Vermont senator"; not "the candidates", "the nominee for Senate in Ohio
    Ted Strickland")."""
    return (
        span[0].lower_ == "the"
        and head.tag_ == "NN"
        and head.lower_ in words("epithet_nouns.txt")
        and not any(t.pos_ == "PROPN" for t in span if t.i > head.i)
    )


def _first_mention(entity: EntityInfo) -> int:
    """Where an entity is first mentioned (-1: nowhere, as a byline's author may be)."""
    return entity.mentions[0].start if entity.mentions else -1


def _names_title(phrase: str, role: str) -> bool:
    """Whether a title phrase names the role: all of it, or a role of two words or more at its end."""
    return phrase == role or (" " in role and phrase.endswith(" " + role))


def _name_end(span: Span) -> int:
    """The index of the span's last word (punctuation and possessives left out)."""
    return strip_determiner(span).end - 1 if len(strip_determiner(span)) else span.end - 1


def _phrase_of(span: Span) -> Span:
    """The noun phrase a tagged source names: the span less its words outside its root's subtree
    ("The Biden administration earlier this year accused": "The Biden administration"), or for a
    lone modifier, the phrase of its noun ("Iranian": "The Iranian mission to the U.N.")."""
    root = span.root
    if len(span) == 1 and root.dep_ in ("amod", "compound") and root.head.pos_ in ("NOUN", "PROPN"):
        return _subtree(root.head)
    return span.doc[max(span.start, root.left_edge.i) : min(span.end, root.right_edge.i + 1)]


def _subtree(token: Token) -> Span:
    return token.doc[token.left_edge.i : token.right_edge.i + 1]


def _name(span: Span) -> str:
    """The name a source span gives, less its determiner and a bracketed short form after it
    ("The Ohio State Attorney General (OSAG)" -> "Ohio State Attorney General")."""
    bracket = next((t.i for t in span[1:] if t.text == "("), span.end)
    return (strip_determiner(span.doc[span.start : bracket]) or span).text


def _position(attribution: AttributionSpans) -> int:
    first = min((s.start for role in attribution for s in role if len(s)), default=0)
    return min((s.start for s in attribution.source if len(s)), default=first)


def resolve_sources(doc: Doc) -> list[SourceInfo]:
    """One SourceInfo per attribution of ``doc`` (see the module docstring)."""
    attributions: list[AttributionSpans] = doc._.attributions or []
    resolver = _Resolver(doc)
    results: list[SourceInfo] = [SourceInfo() for _ in attributions]
    speaking_self: list[int] = []
    for i in sorted(range(len(attributions)), key=lambda i: _position(attributions[i])):
        source = [s for s in attributions[i].source if len(s)]
        if not source:
            continue
        if _is_first_person(source[0].root):
            speaking_self.append(i)
        else:
            cue = [s for s in attributions[i].cue if len(s)]
            results[i] = resolver.resolve(source, cue, attributions[i].content)
    narrator = SourceInfo(
        entities=[resolver.author(name) for name in doc._.authors or []],
        type="person",
        speakers=list(doc._.authors or []),
    )
    for i in speaking_self:
        results[i] = _enclosing_speaker(attributions, results, i, resolver.quoted, narrator)
        for entity in results[i].entities:
            entity.add_mention(attributions[i].source[0])
    for i, attribution in enumerate(attributions):
        if not any(len(s) for s in attribution.source):
            results[i] = _governing_speaker(attributions, results, i)
    doc._.entities = sorted(
        (e for e in resolver.entities if e.mentions), key=lambda e: (e.mentions[0].start, e.name)
    )
    return results


def _is_first_person(token: Token) -> bool:
    """Whether a source's head word is I, we, me or us ("The US" is not)."""
    cased = token.text in (token.lower_, token.lower_.capitalize(), "I")
    return cased and table("pronouns.tsv").get(token.lower_) == "self"


def _governing_speaker(attributions: list[AttributionSpans], results: list[SourceInfo], i: int) -> SourceInfo:
    """A sourceless cue that depends on another attribution's cue ("denied ..., saying ...")
    shares that attribution's speakers, unless it is a question put to them ("Asked ...")."""
    cue = [t for span in attributions[i].cue for t in span]
    if not cue or is_put_to(cue[0]):
        return results[i]
    cue_of = {t.i: j for j, other in enumerate(attributions) if j != i for span in other.cue for t in span}
    token = cue[0]
    while token.head.i != token.i:
        token = token.head
        if token.i in cue_of:
            return results[cue_of[token.i]]
    return results[i]


def _enclosing_speaker(
    attributions: list[AttributionSpans],
    results: list[SourceInfo],
    i: int,
    quoted: numpy.ndarray,
    narrator: SourceInfo,
) -> SourceInfo:
    """I/we: the speaker of the attribution whose content holds it; else, outside quotation
    marks, the article's own voice (``narrator``: its authors, where the byline names them);
    else the speaker of the nearest attribution in the same paragraph (a quote whose attribution
    the model split), else of the last attribution before it (a quote running on over paragraphs)."""
    pronoun = attributions[i].source[0]
    text = pronoun.doc.text  # built from the tokens at each access: once here, not per span
    nearest: tuple[int, int] | None = None
    for j, other in enumerate(attributions):
        if j != i and results[j].entities and any(s.start <= pronoun.start < s.end for s in other.content):
            return results[j]
    if not quoted[pronoun.start]:
        return narrator if narrator.entities else SourceInfo(type="unknown", speakers=[pronoun.text])
    for j, other in enumerate(attributions):
        if j == i or not results[j].entities:
            continue
        for span in (s for role in other for s in role if len(s)):
            lo, hi = sorted((span.start_char, pronoun.start_char))
            if "\n\n" not in text[lo:hi] and (nearest is None or hi - lo < nearest[0]):
                nearest = (hi - lo, j)
    if nearest is not None:
        return results[nearest[1]]
    earlier = [j for j, a in enumerate(attributions) if results[j].entities and _position(a) < pronoun.start]
    if earlier:
        return results[max(earlier, key=lambda j: _position(attributions[j]))]
    return SourceInfo(type="unknown", speakers=[pronoun.text])


@Language.factory(
    "sayso_speakers",
    assigns=["doc._.sources", "doc._.entities"],
    requires=["doc._.attributions", "doc._.entities", "token.pos", "token.dep"],
)
def make_speakers(nlp: Language, name: str) -> SpeakerResolver:
    """The component that sets ``doc._.sources``."""
    return SpeakerResolver()


class SpeakerResolver:
    """spaCy component: resolve each attribution's source to canonical speakers."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.sources = resolve_sources(doc)
        return doc
