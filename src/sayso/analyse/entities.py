"""Who is named in an article: people, organisations and outlets, with their roles and mentions.

The ``sayso_entities`` component groups the named mentions of a ``Doc`` into entities, with no
coreference model: a full name ("John Kirby") founds a person, as does a one-word name that
follows a title somewhere and that the recogniser mostly takes for a person ("President Trump");
a later surname or first name ("Kirby", "Trump" even where the recogniser calls it an
organisation) is a mention of the first person so named before it, of the gender of an
honorific before it ("Ms. Trump"); an honorific, a gendered title, a first name, or else the
he/she that follows a mention, gives the gender. A name in a title-case headline is cut to the
part of it the text names elsewhere ("Tom Keller Defends" -> "Tom Keller"); a name ending in a
party's or a people's members is a group ("Virginia Democrats"). Roles come from the words
before a name ("State Department spokesperson Ned Price") and from appositions ("John Kirby,
White House National Security Council spokesperson,"); a plural title before a list of names
gives each the title ("Sens. Jon Tester and Susan Collins": Senator, Senator). Organisations and
outlets come from the named-entity recogniser; an outlet is recognised by name
(``data/media_outlets.txt``) or by the last word of its name ("Gazette").

Result: ``doc._.entities``, a list of :class:`EntityInfo` in order of first mention.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from sayso.analyse.data import table, words

PERSON_LABELS = {"PERSON"}
NOT_NAMES = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "LANGUAGE"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
_DETERMINERS = {"the", "a", "an"}
_NAME_PUNCT = {".", "-"}
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_APPOSITION_END = {",", ".", ";", ":", ")", "—", "–", "\n"}
_NOT_IN_ROLE = {"VERB", "AUX", "PRON", "SCONJ"}
_ROLE_WORD_POS = {"PROPN", "NOUN", "ADJ"}
_PLURAL_TAGS = {"NNPS", "NNS"}
_WORD = re.compile(r"[^\W\d_]+")
TITLE_CASE_SHARE = 0.8
HEADLINE_CHARS = 300
"""A line running this far on either side of a name is not a headline."""
_GROUP_MEMBERS = re.compile(r"(?:crats|icans|ians|ists|ives)$")
"""Endings of the plurals of a party's or a people's members (Democrats, Americans, Iranians,
Socialists, Conservatives)."""


@dataclass(eq=False)
class EntityInfo:
    """One entity of a Doc: canonical name, type, gender (people), roles and mention spans.

    Compared and hashed by identity: two entities are the same only if they are one object."""

    name: str
    type: str
    gender: str = "unknown"
    roles: list[str] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)

    def add_role(self, role: str) -> None:
        if role and role.lower() not in (r.lower() for r in self.roles):
            self.roles.append(role)

    def add_mention(self, span: Span) -> None:
        if all((m.start, m.end) != (span.start, span.end) for m in self.mentions):
            self.mentions.append(span)
            self.mentions.sort(key=lambda m: m.start)


if not Doc.has_extension("entities"):
    Doc.set_extension("entities", default=None)


def _bare(word: str) -> str:
    return word.lower().rstrip(".")


def is_role_word(token: Token) -> bool:
    """A noun naming a role or title ("spokesperson", "Sen."), or several ("Democratic Senators",
    which the tagger makes a plural name whose lemma keeps the "s")."""
    roles = words("role_nouns.txt")
    bare = _bare(token.text)
    return (
        bare in roles
        or token.lemma_.lower() in roles
        or (token.tag_ == "NNPS" and bare.endswith("s") and bare[:-1] in roles)
    )


def _is_common_noun(token: Token) -> bool:
    return token.pos_ == "NOUN" and token.text.islower()


def media_name(name: str) -> bool:
    """Whether an organisation's name is a news outlet's."""
    bare = name[4:] if name.lower().startswith("the ") else name
    return _is_outlet_name(bare) or bare.split()[-1] in words("media_name_words.txt")


@cache
def _outlet_names() -> frozenset[str]:
    return frozenset(name.lower() for name in words("media_outlets.txt"))


def _is_outlet_name(name: str) -> bool:
    """Whether ``name`` is one of the outlets listed by name, in any case ("Politifact")."""
    return name.lower() in _outlet_names()


def strip_determiner(span: Span) -> Span:
    """The span without a leading "the"/"a" and a trailing possessive or punctuation."""
    start, end = span.start, span.end
    while start < end and span.doc[start].lower_ in _DETERMINERS:
        start += 1
    while end > start and (span.doc[end - 1].text in _POSSESSIVE or span.doc[end - 1].is_punct):
        end -= 1
    return span.doc[start:end]


class _Registry:
    """The entities of one Doc being built, with indexes to find them by name."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.entities: list[EntityInfo] = []
        self.by_key: dict[str, EntityInfo] = {}
        self.by_part: dict[str, list[EntityInfo]] = {}  # surname / first name -> people

    def person(self, name: Span) -> EntityInfo:
        parts = [t.text for t in name if t.text not in _NAME_PUNCT and len(t.text.rstrip(".")) > 1]
        parts = [p for p in parts if _bare(p) not in _NAME_SUFFIXES] or parts  # "Kennedy", not "Jr."
        parts = parts or [t.text for t in name]  # initials only ("A.", "J.")
        key = "person:" + " ".join([parts[0], parts[-1]]).lower()
        entity = self.by_key.get(key)
        if entity is None:
            entity = EntityInfo(name=name.text, type="person", gender=_first_name_gender(parts[0]))
            self.by_key[key] = entity
            self.entities.append(entity)
            for part in (parts[-1], parts[0]):
                self.by_part.setdefault(part, []).append(entity)
        entity.add_mention(name)
        return entity

    def group(self, name: Span) -> EntityInfo:
        text = name.text
        kind = "media" if media_name(text) else "organization"
        key = "group:" + text.lower()
        entity = self.by_key.get(key) or self._short_form(text)
        if entity is None:
            entity = EntityInfo(name=text, type=kind)
            self.by_key[key] = entity
            self.entities.append(entity)
        entity.add_mention(name)
        return entity

    def _short_form(self, text: str) -> EntityInfo | None:
        """An earlier organisation whose name ends with ``text`` ("the Times", "the Post")."""
        for entity in reversed(self.entities):
            if entity.type != "person" and entity.name.lower().endswith(" " + text.lower()):
                return entity
        return None

    def person_named(self, token: Token) -> EntityInfo | None:
        """The person a lone surname or first name refers to: of those so named, of the gender
        of an honorific before it ("Ms. Trump"), the first one introduced before it (a bare
        "Trump" after "Ivanka Trump" is still Donald Trump, whom the article named first)."""
        candidates = self.by_part.get(token.text)
        if not candidates:
            return None
        gender = _gender_from([token.nbor(-1)], []) if token.i > 0 else "unknown"
        fitting = [e for e in candidates if gender == "unknown" or e.gender in (gender, "unknown")]
        before = [e for e in fitting or candidates if e.mentions[0].start < token.i]
        return (before or fitting or candidates)[0]


def _first_name_gender(first: str) -> str:
    return table("first_names.tsv").get(first, "unknown")


def _name_pieces(ent: Span) -> list[Span]:
    """An entity span split at possessives ("The State Department's Price" -> two pieces)."""
    pieces, start = [], ent.start
    for token in ent:
        if token.text in _POSSESSIVE:
            pieces.append(ent.doc[start : token.i])
            start = token.i + 1
    pieces.append(ent.doc[start : ent.end])
    return [p for p in (strip_determiner(p) for p in pieces) if len(p)]


def _strip_titles(name: Span) -> tuple[Span, list[Token]]:
    """A person's name without leading honorifics and titles ("Mayor", "Dr."); and those words."""
    start = name.start
    while start < name.end - 1 and (
        _bare(name.doc[start].text) in table("honorifics.tsv") or is_role_word(name.doc[start])
    ):
        start += 1
    return name.doc[start : name.end], list(name.doc[name.start : start])


def _is_full_name(name: Span) -> bool:
    parts = [t for t in name if t.text not in _NAME_PUNCT]
    return len(parts) >= 2 and all(t.text[:1].isupper() for t in parts)


def _is_group_name(name: Span) -> bool:
    """Whether a name ends in an organisation noun or the plural of a party's or people's member,
    a group's name even where the recogniser took it for a person ("Victoria Hospital",
    "Virginia Democrats", "African-Americans"; not "Willie Mays", "Dainis Ivans")."""
    last = name[-1]
    if last.lower_ in words("organization_nouns.txt"):
        return True  # "Victoria Hospital", its first word a first name
    return last.tag_ in _PLURAL_TAGS and _GROUP_MEMBERS.search(last.text) is not None


def _is_name_word(token: Token) -> bool:
    """A capitalised word that can be a surname here: a sentence's first word only if tagged a
    name or followed by a verb or a possessive ("Trump said", "Schiff’s claim", not "Price
    increases")."""
    if not token.text[:1].isupper() or not token.is_alpha:
        return False
    if token.pos_ == "PROPN" or token.ent_type_ or not token.is_sent_start:
        return True
    following = token.nbor() if token.i + 1 < len(token.doc) else None
    return following is not None and (following.pos_ in {"VERB", "AUX"} or following.text in _POSSESSIVE)


def premodifier_role(name: Span) -> str | None:
    """The role written before a name: "White House National Security Council spokesperson";
    a plural title made singular ("Sens. Jon Tester" -> "Senator")."""
    doc, end = name.doc, name.start
    if _is_abbreviation_stop(doc, end - 1):
        end -= 1  # "Sens. Jon Tester", tokenised "Sens" "."
    if end == 0 or not (is_role_word(doc[end - 1]) or _is_common_noun(doc[end - 1])):
        return None
    start = end - 1
    while start > name.sent.start and doc[start - 1].pos_ in _ROLE_WORD_POS and not doc[start - 1].is_space:
        start -= 1
    if _is_plural_title(doc[end - 1]):
        return " ".join([*(t.text for t in doc[start : end - 1]), _singular_title(doc[end - 1])])
    return doc[start:end].text


def _is_plural_title(token: Token) -> bool:
    """A title naming several people: "Senators", "Sens."."""
    return is_role_word(token) and (
        token.tag_ in ("NNS", "NNPS") or _bare(token.text) in table("plural_titles.tsv")
    )


def _under_plural_title(name: Span) -> bool:
    """Whether a plural title stands just before ``name`` ("Senators Lindsey Graham", "Sens. Jon")."""
    before = name.start - 1 - _is_abbreviation_stop(name.doc, name.start - 1)
    return before >= 0 and _is_plural_title(name.doc[before])


def _is_abbreviation_stop(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is the full stop of an abbreviated title tokenised apart ("Sens" ".")."""
    if i < 1 or doc[i].text != "." or doc[i - 1].whitespace_:
        return False
    bare = _bare(doc[i - 1].text)
    return bare in table("plural_titles.tsv") or bare in table("title_abbreviations.tsv")


def _singular_title(token: Token) -> str:
    """The title a plural one gives each of its people: "Sens." -> "Senator", "Senators" -> "Senator"."""
    bare = _bare(token.text)
    singular = table("plural_titles.tsv").get(bare) or (token.text[:-1] if bare.endswith("s") else token.text)
    return table("title_abbreviations.tsv").get(_bare(singular), singular)


def _list_continues_at(doc: Doc, end: int) -> int:
    """Where the next name of a list would start after a name ending at ``end``: past a
    bracketed party and state ("(D-Mont.)") and the comma or "and" between the names."""
    i = end
    if i < len(doc) and doc[i].text == "(":
        while i < len(doc) and doc[i].text != ")" and i - end < 8:
            i += 1
        i += 1
    while i < len(doc) and doc[i].lower_ in (",", "and"):
        i += 1
    return i


def apposition_role(name: Span) -> str | None:
    """A role in apposition after ("John Kirby, NSC spokesperson,") or before the name."""
    doc = name.doc
    if name.end < len(doc) and doc[name.end].text == ",":
        phrase = _phrase(doc, name.end + 1, step=1)
        if phrase is not None:
            return phrase
    if name.start > 0 and doc[name.start - 1].text == ",":
        return _phrase(doc, name.start - 2, step=-1)
    return None


def _phrase(doc: Doc, i: int, step: int, limit: int = 12) -> str | None:
    """The noun phrase from token ``i`` to the next break, if it reads as a role."""
    tokens: list[Token] = []
    while 0 <= i < len(doc) and len(tokens) <= limit and doc[i].text not in _APPOSITION_END:
        if doc[i].is_sent_start and step == 1 and tokens:
            break
        tokens.append(doc[i])
        if doc[i].is_sent_start and step == -1:
            break
        i += step
    if not tokens or len(tokens) > limit:
        return None
    tokens.sort(key=lambda t: t.i)
    described = bool(tokens) and tokens[0].lower_ in _DETERMINERS  # "a former crane operator"
    while tokens and tokens[0].lower_ in _DETERMINERS:
        tokens = tokens[1:]
    if not tokens or tokens[0].pos_ in {"ADP", "SCONJ", "CCONJ"}:
        return None
    if any(t.pos_ in _NOT_IN_ROLE and t.text not in _POSSESSIVE for t in tokens):
        return None
    if tokens[-1].ent_type_ in PERSON_LABELS:
        return None
    if not any(is_role_word(t) or (described and _is_common_noun(t)) for t in tokens):
        return None
    return doc[tokens[0].i : tokens[-1].i + 1].text


def _is_listed_outlet(name: Span) -> bool:
    """Whether a name is one of the outlets listed by name, which the recogniser may take for a
    person ("Asahi Shimbun")."""
    return _is_outlet_name(name.text)


def _after_role_word(name: Span) -> bool:
    """Whether a role noun stands just before the name ("finance chief Maria Okonkwo"), the
    name not modifying a noun itself ("deputy White House press secretary") nor ending in a
    title or an organisation's head noun ("spokesman Navy Capt.", "member Drafting Committee")."""
    if name.start == 0 or name[-1].dep_ == "compound":
        return False
    before, last = name.doc[name.start - 1], _bare(name[-1].text)
    return (
        before.pos_ in ("NOUN", "PROPN")
        and is_role_word(before)
        and not is_role_word(name[-1])
        and last not in table("title_abbreviations.tsv")
        and last not in words("organization_nouns.txt")
    )


def _titled_by_apposition(name: Span) -> bool:
    """Whether a phrase with a role word follows the name in apposition ("Eswar Pradeep, a trade
    professor at Cornell,"): a person's name, whatever the recogniser took it for."""
    doc = name.doc
    if name.end >= len(doc) or doc[name.end].text != ",":
        return False
    role = _phrase(doc, name.end + 1, step=1)
    return role is not None and any(_bare(word) in words("role_nouns.txt") for word in role.split())


def _gender_from(words_before: list[Token], roles: list[str]) -> str:
    titles = table("honorifics.tsv")
    for word in [_bare(t.text) for t in words_before] + [r.split()[-1].lower() for r in roles]:
        if titles.get(word, "unknown") != "unknown":
            return titles[word]
    return "unknown"


def find_entities(doc: Doc) -> list[EntityInfo]:
    """Group the named mentions of ``doc`` into entities (see the module docstring).

    A person is a full name tagged PERSON, or one that follows a title, starts with a known
    first name or has a role in apposition after it (the small model often tags "Mayor Elena
    Marsh" or "Eswar Pradeep, a trade professor at Cornell," as an organisation).
    """
    registry = _Registry(doc)
    text = doc.text
    known = _names_outside_headlines(doc, text)
    singles: list[Span] = []
    listed: tuple[int, str] | None = None  # where a list of names under a plural title goes on, its role
    for ent in doc.ents:
        if ent.label_ in NOT_NAMES:
            continue
        for piece in _name_pieces(ent):
            name, titles = _strip_titles(_without_headline_words(piece, known, text))
            if (
                _is_full_name(name)
                and not _is_listed_outlet(name)
                and not _is_group_name(name)
                and (
                    ent.label_ in PERSON_LABELS
                    or titles
                    or _first_name_gender(name[0].text) != "unknown"
                    or _titled_by_apposition(name)
                    or _after_role_word(name)
                )
            ):
                person = registry.person(name)
                roles = [
                    _singular_title(t) if _is_plural_title(t) else t.text for t in titles if is_role_word(t)
                ]
                premodifier = premodifier_role(name)
                roles += [r for r in (premodifier, apposition_role(name)) if r]
                list_role = listed[1] if listed is not None and listed[0] == piece.start else None
                if list_role:
                    roles.append(list_role)  # "Senators Lindsey Graham and [Richard Blumenthal]"
                list_role = premodifier if _under_plural_title(name) else list_role
                listed = (_list_continues_at(doc, name.end), list_role) if list_role else None
                for role in roles:
                    person.add_role(table("title_abbreviations.tsv").get(_bare(role), role))
                if person.gender == "unknown":
                    person.gender = _gender_from([*titles, *_preceding(name)], roles)
            else:
                singles.append(piece)
    labels, titled = _labels_by_word(doc), _titled_words(doc)
    for piece in singles:  # "President Trump", with no full name in the article: a person all the same
        word = piece[0].text
        if (
            len(piece) == 1
            and word in titled
            and _mostly_person(labels[word])
            and not registry.person_named(piece[0])
        ):
            registry.person(piece)
    claimed = {t.i for e in registry.entities for m in e.mentions for t in m}
    in_group_name = {t.i for piece in singles if len(piece) > 1 for t in piece}
    for token in doc:
        if token.i in claimed or token.i in in_group_name or not _is_name_word(token):
            continue
        person = registry.person_named(token)
        if person is not None:
            person.add_mention(doc[token.i : token.i + 1])
            claimed.add(token.i)
    for piece in singles:
        if any(t.i in claimed for t in piece):
            continue
        if piece.root.ent_type_ in PERSON_LABELS and not (_is_listed_outlet(piece) or _is_group_name(piece)):
            registry.person(piece)
        else:
            registry.group(piece)
    registry.entities.sort(key=lambda e: e.mentions[0].start)
    _genders_from_pronouns(doc, registry.entities)
    return registry.entities


def _in_title_case_line(span: Span, text: str) -> bool:
    """Whether a span is in a line whose words of four letters or more are nearly all
    capitalised: a headline in title case, where the recogniser runs names into the words
    around them ("Tom Keller Defends Himself Against Charges ..."); ``text``: the doc's text."""
    low, high = max(0, span.start_char - HEADLINE_CHARS), min(len(text), span.end_char + HEADLINE_CHARS)
    start = text.rfind("\n", low, span.start_char) + 1 or (0 if low == 0 else -1)
    end = text.find("\n", span.end_char, high)
    if start < 0 or (end < 0 and high < len(text)):
        return False  # a line this long is no headline
    words = [w for w in _WORD.findall(text[start : end if end >= 0 else high]) if len(w) >= 4]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= TITLE_CASE_SHARE * len(words)


def _names_outside_headlines(doc: Doc, text: str) -> frozenset[str]:
    """The texts of the person names recognised outside title-case lines."""
    return frozenset(
        e.text for e in doc.ents if e.label_ in PERSON_LABELS and not _in_title_case_line(e, text)
    )


def _without_headline_words(name: Span, known: frozenset[str], text: str) -> Span:
    """A name in a title-case headline cut to the longest part of it named so elsewhere in the
    text, where the words cut are not first names ("Tom Keller Defends" -> "Tom Keller",
    "Telling Jeb Bush" -> "Jeb Bush"); else the name as it is."""
    if name.text in known or len(name) < 2 or not _in_title_case_line(name, text):
        return name
    for size in range(len(name) - 1, 0, -1):
        for start in range(name.start, name.end - size + 1):
            part = name.doc[start : start + size]
            cut = [t for t in name if t.i < part.start or t.i >= part.end]
            if part.text in known and all(_first_name_gender(t.text) == "unknown" for t in cut):
                return part
    return name


def _labels_by_word(doc: Doc) -> dict[str, Counter[str]]:
    """How often the recogniser gave each one-word name each label in the doc."""
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for ent in doc.ents:
        if len(ent) == 1:
            labels[ent.text][ent.label_] += 1
    return labels


def _titled_words(doc: Doc) -> set[str]:
    """The capitalised words that follow a title or honorific somewhere in the doc ("President Trump")."""
    return {
        token.text
        for token in doc[1:]
        if token.text[:1].isupper()
        and (_bare(token.nbor(-1).text) in table("honorifics.tsv") or is_role_word(token.nbor(-1)))
    }


def _mostly_person(labels: Counter[str]) -> bool:
    """Whether a one-word name is a person by the recogniser's majority, at least twice over
    ("Trump": PERSON 7 times, ORG 3; not a product it once took for a person)."""
    person = sum(labels[label] for label in PERSON_LABELS)
    return person >= 2 and person > sum(labels.values()) - person


def _genders_from_pronouns(doc: Doc, entities: list[EntityInfo]) -> None:
    """A person of unknown gender takes that of the first he/she after one of their mentions,
    when no other person is named in between (within that sentence and the next)."""
    owner = {t.i: e for e in entities if e.type == "person" for m in e.mentions for t in m}
    genders = table("pronouns.tsv")
    for entity in entities:
        if entity.type != "person" or entity.gender != "unknown":
            continue
        for mention in entity.mentions:
            sentence = mention.sent
            stop = sentence.end if sentence.end >= len(doc) else doc[sentence.end].sent.end
            gender = None
            for token in doc[mention.end : stop]:
                if owner.get(token.i, entity) is not entity:
                    break
                if token.pos_ == "PRON" and genders.get(token.lower_) in {"male", "female"}:
                    gender = genders[token.lower_]
                    break
            if gender:
                entity.gender = gender
                break


def _preceding(name: Span) -> list[Token]:
    return [name.doc[name.start - 1]] if name.start else []


@Language.factory(
    "sayso_entities",
    assigns=["doc._.entities"],
    requires=["doc.ents", "token.pos", "token.dep", "token.lemma"],
)
def make_entities(nlp: Language, name: str) -> EntityFinder:
    """The component that sets ``doc._.entities``."""
    return EntityFinder()


class EntityFinder:
    """spaCy component: ``doc._.entities`` from the named entities and the parse."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.entities = find_entities(doc)
        return doc
