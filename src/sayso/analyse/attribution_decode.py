"""Grouping per-token role tags into attributions (the decoder of the attribution tagger).

The tagger labels each token ``B-``/``I-`` ``SOURCE``/``CUE``/``CONTENT`` or ``O``; this module
turns such a tag sequence over a parsed ``Doc`` into :class:`AttributionSpans`:

- every cue span starts one attribution (PolNeAR: each attribution has a cue, nearly always
  in a sentence its content touches);
- a content span goes to the cue it is linked to in the dependency parse, else to the
  nearest cue of a sentence it touches; a quoted content span with no cue in its sentences
  (the next paragraph of a long quote) continues the last attribution before it that reaches
  the sentence just before, one with quoted content first ('"...," X said, pointing out
  that .... "..."' goes on with "said"); other contents without a cue are dropped;
- a content piece of one or two words standing apart from the cue and the other pieces is a
  stray tag, and dropped, as is a lone word beside a longer piece unless it is a subject, a
  pronoun, a name or a wh-word (content split by its cue: "Trump, aides say, will ...");
- the cue's modifiers before it ("On Thursday, | he said ...") are not content unless they are
  in quotation marks (""So far," | he said, ..."), nor is part of an adverbial after it
  ("reported the plans last | week"), nor a
  conjunction or determiner left at the end of a piece ("... missiles, but | did not elaborate"),
  nor the full stop after it outside quotation marks;
- the subject of a passive or raising cue ("X is expected to ...", "X seems to ...") is
  content, not source, whether it was tagged source or left untagged (PolNeAR train: 547
  such subjects are content, 108 the source, 68 neither); the subject of an active cue verb
  that a content piece was tagged in is all source where more content is left ("The mission to
  | the U.N. | did not respond to | a request ..."), and a source tagged in part of such a
  subject grows to all of it where the subject has no punctuation ("The | Iranian mission to
  the U.N. | declined ..."); a source tagged in the object of a preposition that ends a piece of
  the content is content ("echoing | recent statements by | senior officials");
- each sentence's part of a content grows to the parse subtree that holds it, where that adds
  only a word or two and no other attribution's cue;
- a source span with no word in it (a stray tag on a comma) is none, one ending in a first name
  or other compound grows over the untagged rest of the name; a source span serves the
  cues it is linked to in the parse, else the nearest cue of its sentence that has no linked
  source; a cue conjoined to another cue, with no subject of its
  own, has that cue's source ("X, who advises Y, is no fan of Z but lauded ...": X, not "who");
  a cue whose verb has a relative pronoun subject takes it ("Trump, who has pledged ...": "who",
  which the speaker resolver maps to Trump), not the nearest free source;
  one source may serve several cues ("X said ... and added ..."), but not a question put to
  its speaker ("Asked ..., X said"); a passive cue takes no source the parse does not link to
  it ("... and the deal was seen as dead"; PolNeAR train: 37 of 648 passive cues have one);
  a cue with no source in its sentence takes the untagged agent of a passive cue ("... got
  dinged by critics") or subject of its verb ("The mission did not respond ..."), or of the
  verb a subjectless cue hangs from ("Clinton answered by | touting | ..."), or the name just
  after a speech cue or "according to" that follows its content ("..., said | The Fenwick
  Company's ... Maria Okonkwo | in a note", where the parse makes the name a clause's subject
  or the tagger content; PolNeAR dev, fast mode: attribution F1 0.720 -> 0.721), else keeps
  none (PolNeAR's no-source case); the object of a prepositional cue ("According to a report
  by X, ...") is all source where the source is tagged in it and the content runs into it;
- a cue does not end in a preposition whose object is neither content nor source ("said at | a
  news conference"), "according to" excepted;
- a cue that receives no content is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy
from spacy.attrs import HEAD, IDX, LENGTH
from spacy.tokens import Doc, Token

from .attribution_model import quote_states
from .data import words
from .extensions import AttributionSpans

ROLES = ("SOURCE", "CUE", "CONTENT")
SNAP_MIN_DICE = 0.8
CONTINUATION_SENTENCES = 1
FRAGMENT_WORDS = 3
FRAGMENT_GAP = 3
RAISING_CUES = frozenset(["seem", "appear"])
"""Cues whose subject belongs to the content ("He seems to ..."), as a passive cue's does."""
AUDIENCE_PRONOUNS = frozenset(["i", "we", "you"])
"""Subjects of a passive cue that are who is told, not what ("I was told that ...")."""
SUBJECT_POS = frozenset(["NOUN", "PROPN", "PRON"])
CONTROL_DEPS = frozenset(["advcl", "pcomp", "conj", "prep"])
"""Arcs from a subjectless verb cue up to the verb whose subject is its source (``prep`` only
after ``pcomp``: "by | touting |"; as a cue's own arc it is "according to", whose head's subject
is not the source)."""
CONTROL_STEPS = 3
INVERTED_SOURCE_TOKENS = 15
FINITE_TAGS = frozenset(["VBD", "VBZ", "VBP", "MD"])
NAME_PUNCT = frozenset(["’s", "'s", "’", "'", "-", "."])
"""Punctuation inside a name after an inverted cue ("The Fenwick Company’s ... Maria Okonkwo")."""
CUE_MODIFIERS = frozenset(["prep", "advmod", "npadvmod", "advcl"])
"""Dependencies of a cue's modifiers ("On Thursday, he said"), never content before the cue."""
CUE_ADVERBIALS = frozenset(["advmod", "npadvmod"])
"""Dependencies of a cue's adverbials after it ("said last week"), all content or none."""
DANGLING_POS = frozenset(["CCONJ", "DET"])
"""Parts of speech a content never ends with ("... missiles, but")."""
OBJECT_DEPS = frozenset(["pobj", "pcomp"])
PREPOSITION_CUES = frozenset(["accord"])
"""Words whose preposition is part of the cue whatever its object ("according to")."""
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class TagSpan:
    """A run of tokens ``[start, end)`` with one role."""

    role: str
    start: int
    end: int


@dataclass
class _Group:
    cue: TagSpan
    cue_sents: set[int]
    sources: list[TagSpan] = field(default_factory=list)
    contents: list[TagSpan] = field(default_factory=list)


def tag_spans(doc: Doc, tags: Sequence[str]) -> list[TagSpan]:
    """Role spans of a BIO tag sequence; an ``I-`` tag after another role starts a span.

    Whitespace tokens continue the span around them but never start one; a line break ends
    one (a paragraph's content is its own piece, paired by its own sentences).
    """
    spans: list[TagSpan] = []
    role, start, end = None, 0, 0
    for i, tag in enumerate(tags):
        if doc[i].is_space:
            if role is not None and "\n" in doc[i].text:
                spans.append(TagSpan(role, start, end))
                role = None
            continue
        new_role = None if tag == "O" else tag[2:]
        if role is not None and (new_role != role or tag.startswith("B-")):
            spans.append(TagSpan(role, start, end))
            role = None
        if new_role is not None:
            if role is None:
                role, start = new_role, i
            end = i + 1
    if role is not None:
        spans.append(TagSpan(role, start, end))
    return spans


def decode(doc: Doc, tags: Sequence[str]) -> list[AttributionSpans]:
    """Attributions found in ``doc`` given one role tag per token (see the module docstring)."""
    spans = tag_spans(doc, tags)
    sent_of = _sentence_ids(doc)
    text = doc.text
    is_word, heads = _words_and_heads(doc, text)
    groups = [_Group(s, _sents(s, sent_of)) for s in spans if s.role == "CUE"]
    quoted = quote_states(doc, text) > 0
    for content in (s for s in spans if s.role == "CONTENT"):
        group = _group_for_content(heads, content, groups, sent_of, is_word, quoted)
        if group is not None:
            group.contents.append(content)
    tagged = {i for s in spans for i in range(s.start, s.end)}
    sources = [
        _with_whole_name(doc, s, tagged)
        for s in spans
        if s.role == "SOURCE" and any(is_word[s.start : s.end])
    ]
    _assign_sources(doc, heads, sources, groups, sent_of)
    for g in groups:
        if g.contents:
            subject = _active_subject(doc, g)
            if subject is not None:
                _subject_content_as_source(g, subject)
                _source_grown_to_subject(g, subject, is_word)
            _passive_subject_as_content(doc, g)
            _source_in_content_as_content(doc, g)
        if not g.sources and g.contents:
            g.sources = _subject_of_cue(doc, g) or _inverted_source(doc, g, is_word)
        _cue_object_as_source(doc, g, is_word)
        g.cue = _without_dangling_preposition(doc, g)
    out = []
    cues = {i for g in groups if g.contents for i in range(g.cue.start, g.cue.end)}
    for g in groups:
        if not g.contents:
            continue
        g.contents = _without_fragments(doc, g, is_word)
        g.contents = _snap_contents(doc, g, sent_of, is_word, cues)
        g.contents = _without_cue_modifiers(doc, g, is_word, quoted)
        g.contents = _without_dangling_ends(doc, g, is_word, quoted)
        g.contents = _without_fragments(doc, g, is_word)
        out.append(
            AttributionSpans(
                source=[doc[s.start : s.end] for s in g.sources],
                cue=[doc[g.cue.start : g.cue.end]],
                content=[doc[s.start : s.end] for s in sorted(g.contents, key=lambda s: s.start)],
            )
        )
    return out


def with_untagged_passive_subject(doc: Doc, attribution: AttributionSpans) -> AttributionSpans:
    """The attribution with its passive or raising cue's subject as content where no role of it
    touches the subject ("Mr. Lowe | has been criticized | for offering ..."), unless that
    is the first or second person ("We are told that ...": the audience) or runs over a line
    break (a headline before it).

    Applied after the tagger's probability floors (:mod:`.attribution`), which would take the
    untagged words for a doubtful piece (held-out train articles, content strict F1: accurate
    0.619 -> 0.623, fast unchanged).
    """
    subject = _passive_subject(doc, range(attribution.cue[0].start, attribution.cue[0].end))
    if subject is None or subject.lower_ in AUDIENCE_PRONOUNS:
        return attribution
    phrase = doc[subject.left_edge.i : subject.right_edge.i + 1]
    roles = [*attribution.cue, *attribution.source, *attribution.content]
    if "\n" in phrase.text or any(s.start < phrase.end and phrase.start < s.end for s in roles):
        return attribution
    return attribution._replace(content=sorted([*attribution.content, phrase], key=lambda s: s.start))


def _with_whole_name(doc: Doc, source: TagSpan, tagged: set[int]) -> TagSpan:
    """The source grown over the untagged words its last word is a compound of, just after it
    ("... spokesperson Ned | Price": a name does not end at its first name)."""
    end = source.end
    while (
        end < len(doc)
        and end not in tagged
        and doc[end - 1].dep_ == "compound"
        and doc[end - 1].head.i == end
    ):
        end += 1
    return source if end == source.end else TagSpan(source.role, source.start, end)


def _cue_object_as_source(doc: Doc, group: _Group, is_word: list[bool]) -> None:
    """A prepositional cue's object phrase that the source is tagged in and the content runs into
    ("According to a report by | the firm Calder & Webb, inspectors ...") or whose untagged
    rest holds no verb ("According to a report by the firm Calder & | Webb") is all source."""
    cue = range(group.cue.start, group.cue.end)
    objects = [c for i in cue for c in doc[i].children if c.dep_ == "pobj" and c.i not in cue]
    if len(objects) != 1 or len(group.sources) != 1:
        return
    phrase = range(objects[0].left_edge.i, objects[0].right_edge.i + 1)
    source = group.sources[0]
    overlapped = any(c.start < phrase.stop and phrase.start < c.end for c in group.contents)
    rest = doc[source.end : phrase.stop]
    verbless_rest = len(rest) > 0 and not any(t.pos_ in ("VERB", "AUX") for t in rest)
    if source.start not in phrase or not (overlapped or verbless_rest):
        return
    group.sources = [TagSpan("SOURCE", phrase.start, phrase.stop)]
    kept = []
    for content in group.contents:
        start = content.start
        if phrase.start <= start < phrase.stop:
            start = next((i for i in range(phrase.stop, content.end) if is_word[i]), content.end)
        if start < content.end and not (content.start < phrase.start < content.end):
            kept.append(TagSpan("CONTENT", start, content.end))
        elif start < content.end:
            kept.append(content)
    group.contents = kept


def _without_dangling_preposition(doc: Doc, group: _Group) -> TagSpan:
    """The cue less a last word that is a preposition whose object is neither content nor source
    ("said at | a news conference"; PolNeAR train: 19 of 3,350 cues ending in a preposition)."""
    last = doc[group.cue.end - 1]
    if group.cue.end - group.cue.start < 2 or last.pos_ != "ADP" or last.head.lemma_ in PREPOSITION_CUES:
        return group.cue
    objects = [child.i for child in last.children if child.dep_ in OBJECT_DEPS]
    roles = [*group.contents, *group.sources]
    if not objects or any(s.start <= i < s.end for i in objects for s in roles):
        return group.cue
    return TagSpan(group.cue.role, group.cue.start, group.cue.end - 1)


def _passive_subject(doc: Doc, cue: range) -> Token | None:
    """The one subject of the cue's tokens where the cue is passive or raising, else None."""
    subjects = [
        child
        for i in cue
        for child in doc[i].children
        if child.i not in cue
        and (child.dep_ == "nsubjpass" or (child.dep_ == "nsubj" and doc[i].lemma_ in RAISING_CUES))
    ]
    return subjects[0] if len(subjects) == 1 else None


def _active_subject(doc: Doc, group: _Group) -> Token | None:
    """The one subject before the cue of the cue's active (not raising) verb, else None."""
    cue = range(group.cue.start, group.cue.end)
    subjects = [
        child
        for i in cue
        if doc[i].pos_ in ("VERB", "AUX") and doc[i].lemma_ not in RAISING_CUES
        for child in doc[i].children
        if child.dep_ == "nsubj" and child.i < cue.start and child.pos_ in SUBJECT_POS
    ]
    return subjects[0] if len(subjects) == 1 else None


def _subject_content_as_source(group: _Group, subject: Token) -> None:
    """The subject of an active cue verb is its source, not content, where a content piece lies
    in it and more content is left ("The mission to | the U.N. | did not respond to | a request
    ...": PolNeAR train, such subjects are the source 13,031 times, content 475)."""
    phrase = range(subject.left_edge.i, subject.right_edge.i + 1)
    inside = [c for c in group.contents if phrase.start <= c.start and c.end <= phrase.stop]
    if not inside or len(inside) == len(group.contents):
        return
    if any(not (phrase.start <= s.start and s.end <= phrase.stop) for s in group.sources):
        return
    group.contents = [c for c in group.contents if c not in inside]
    group.sources = [TagSpan("SOURCE", phrase.start, phrase.stop)]


def _source_grown_to_subject(group: _Group, subject: Token, is_word: list[bool]) -> None:
    """A lone source inside the subject phrase of its active cue verb grows to the whole phrase,
    where no cue or content word nor any punctuation is in it ("The | Iranian mission to the
    U.N. | declined ...": PolNeAR train, the source is the whole subject phrase 12,969 times, a
    part of it 561, of which 404 in a phrase with punctuation: an apposition, a relative clause)."""
    words = [i for i in range(subject.left_edge.i, subject.right_edge.i + 1) if is_word[i]]
    if len(group.sources) != 1 or not words:
        return
    phrase, source = range(words[0], words[-1] + 1), group.sources[0]
    if not (phrase.start <= source.start and source.end <= phrase.stop):
        return
    if any(not is_word[i] for i in phrase) or _cue_and_content_tokens(group).intersection(phrase):
        return  # punctuation inside (an apposition, a relative clause), or another role's word
    group.sources = [TagSpan("SOURCE", phrase.start, phrase.stop)]


def _passive_subject_as_content(doc: Doc, group: _Group) -> None:
    """The subject of a passive or raising cue is part of the content, not its source
    ("Sanders | is expected | to win", "He | seems | to have ...": PolNeAR marks no source)."""
    subject = _passive_subject(doc, range(group.cue.start, group.cue.end))
    if subject is None or len(group.sources) != 1:
        return
    phrase = range(subject.left_edge.i, subject.right_edge.i + 1)
    source = group.sources[0]
    if not (phrase.start <= source.start and source.end <= phrase.stop):
        return
    group.sources = []
    group.contents.append(TagSpan("CONTENT", phrase.start, phrase.stop))


def _source_in_content_as_content(doc: Doc, group: _Group) -> None:
    """A source that is the object of a preposition ending a content piece, hanging from a word
    of that content, is the rest of the content ("said Kirby, echoing | recent statements by |
    senior administration officials": whose statements they are, not who echoes them)."""
    for source in list(group.sources):
        inside = range(source.start, source.end)
        roots = [doc[i] for i in inside if doc[i].head.i not in inside and doc[i].dep_ == "pobj"]
        preposition = roots[0].head if len(roots) == 1 else None
        if preposition is None or preposition.dep_ != "prep" or preposition.i + 1 != source.start:
            continue
        piece = next((c for c in group.contents if c.start <= preposition.head.i < c.end), None)
        if piece is None or not piece.start <= preposition.i < piece.end:
            continue
        group.sources.remove(source)
        grown = TagSpan("CONTENT", piece.start, max(piece.end, source.end))
        group.contents[group.contents.index(piece)] = grown


def _subject_of_cue(doc: Doc, group: _Group) -> list[TagSpan]:
    """The untagged agent of a passive cue ("He got dinged by | critics |", PolNeAR train: the
    source 156 times in 168) or else subject of a cue's verb ("The mission did not respond to
    ..."), or of the verb an active cue hangs from (:func:`_controller_subject`), as its source."""
    cue = range(group.cue.start, group.cue.end)
    verbs = [doc[i] for i in cue if doc[i].head.i not in cue or doc[i].head.i == i]
    taken = _cue_and_content_tokens(group)
    agents = [
        obj
        for verb in verbs
        for child in verb.children
        if child.dep_ == "agent"
        for obj in child.children
        if obj.dep_ == "pobj"
    ]
    subjects = [
        child
        for verb in verbs
        if verb.lemma_ not in RAISING_CUES
        for child in verb.children
        if child.dep_ == "nsubj" and child.pos_ in SUBJECT_POS
    ]
    controllers = [s for verb in verbs for s in _controller_subject(verb)]
    for phrase in agents + subjects + controllers:
        span = range(phrase.left_edge.i, phrase.right_edge.i + 1)
        if not taken.intersection(span):
            return [TagSpan("SOURCE", span.start, span.stop)]
    return []


def _inverted_source(doc: Doc, group: _Group, is_word: list[bool]) -> list[TagSpan]:
    """The name just after a one-word speech cue (``data/inverting_cues.txt``) or "according to"
    that follows its content and a comma ("..., said | The Fenwick Company’s recently hired
    finance chief Maria Okonkwo | in a note", "..., according to | the Harbour Housing Trust |,
    in a survey"),
    where the parse took it for the subject of a clause of its own, or the tagger for content:
    the source, and no longer content, nor is what follows it in that piece. The name runs from
    the cue to its last proper noun before a preposition, punctuation or finite verb, at most
    :data:`INVERTED_SOURCE_TOKENS` tokens."""
    cue = group.cue
    between = [c.end for c in group.contents if c.end <= cue.start and not any(is_word[c.end : cue.start])]
    lemmas = [doc[i].lemma_ for i in range(cue.start, cue.end) if is_word[i]]
    speech = len(lemmas) == 1 and lemmas[0] in words("inverting_cues.txt")
    if (
        not between
        or not (speech or lemmas == ["accord", "to"])
        or "," not in doc[between[0] : cue.start].text
        or cue.end >= len(doc)
        or doc[cue.end].pos_ not in ("DET", "PROPN", "ADJ", "NOUN")
    ):
        return []
    end = None
    for i in range(cue.end, min(cue.end + INVERTED_SOURCE_TOKENS, len(doc))):
        token = doc[i]
        if token.is_space or token.tag_ in FINITE_TAGS or (token.pos_ == "ADP" and token.lower_ != "of"):
            break
        if token.is_punct and token.text not in NAME_PUNCT:
            break
        if token.pos_ == "PROPN":
            end = i + 1
    if end is None:
        return []
    after = [c for c in group.contents if c.start == cue.end or (c.start < end and c.end > cue.end)]
    if any(c.start < cue.end for c in after):
        return []
    for piece in after:
        group.contents.remove(piece)
    return [TagSpan("SOURCE", cue.end, end)]


def _controller_subject(verb: Token) -> list[Token]:
    """The subject of the verb that a subjectless active verb cue hangs from ("Clinton kept a lid
    on it by | touting | her record", "X took issue with it and | assailed | Y": PolNeAR train,
    the gold source for 1,160 of 1,512 such cues), climbing at most :data:`CONTROL_STEPS` arcs.
    A passive participle (VBN) never climbs: its subject, if any, is not its source."""
    if verb.pos_ != "VERB" or verb.tag_ == "VBN" or verb.lemma_ in RAISING_CUES or _has_subject(verb):
        return []
    if is_put_to(verb):  # "Asked how ..., Kirby said": the question is not Kirby's
        return []
    token = verb
    for _ in range(CONTROL_STEPS):
        if token.dep_ not in CONTROL_DEPS or (token is verb and token.dep_ == "prep"):
            return []
        token = token.head
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in SUBJECT_POS]
        if subjects:
            return subjects[:1]
    return []


def _without_fragments(doc: Doc, group: _Group, is_word: list[bool]) -> list[TagSpan]:
    """The group's contents less stray fragments: pieces of under :data:`FRAGMENT_WORDS` words
    that stand apart (more than :data:`FRAGMENT_GAP` tokens) from the cue and every other piece,
    and lone words beside a longer piece unless they can open a content split by its cue
    (a subject, pronoun or name: "Trump, aides say, will ...", a wh-word: "which, he said, ...").
    A whole quotation is never a fragment (""No," he said when asked ...")."""
    words = {id(c): sum(is_word[i] for i in range(c.start, c.end)) for c in group.contents}
    if len(group.contents) < 2 or max(words.values()) < FRAGMENT_WORDS:
        return group.contents

    def kept(c: TagSpan) -> bool:
        if words[id(c)] >= FRAGMENT_WORDS or (doc[c.start].is_quote and doc[c.end - 1].is_quote):
            return True
        if words[id(c)] == 1 and not _opens_split_content(doc, c, is_word):
            return False
        return _gap(c, group.cue) <= FRAGMENT_GAP or any(
            _gap(c, o) <= FRAGMENT_GAP for o in group.contents if o is not c
        )

    return [c for c in group.contents if kept(c)]


def _without_cue_modifiers(
    doc: Doc, group: _Group, is_word: list[bool], quoted: numpy.ndarray
) -> list[TagSpan]:
    """The contents less the cue's modifiers before it ("On Thursday, | he told ...": PolNeAR
    train less its held-out articles, 3,101 such phrases outside the content, 200 in it),
    unless all their words are in quotation marks, the speaker's (""So far," | he said, ...":
    96 in, 13 out), and less an adverbial of the cue after it that they take only part of
    ("reported | the closure plans last | week": PolNeAR train, of 639 such adverbials the content
    takes 202 whole, 11 in part and leaves 426), and less a clause of the cue after it when the
    content before the cue is a quotation (""No," he said | when asked ...": all of PolNeAR train,
    of 272 such clauses 264 are left out, 8 taken, 7 of them quoted themselves)."""
    cue = range(group.cue.start, group.cue.end)
    content = {i for c in group.contents for i in range(c.start, c.end) if is_word[i]}
    before = [i for i in content if i < cue.start]
    quote_before = bool(before) and all(quoted[i] for i in before)
    dropped = set()
    for i in cue:
        for child in doc[i].children:
            phrase = range(child.left_edge.i, child.right_edge.i + 1)
            words = {j for j in phrase if is_word[j]}
            modifier_before = child.dep_ in CUE_MODIFIERS and child.i < cue.start
            adverbial_after = child.dep_ in CUE_ADVERBIALS and child.i >= cue.stop
            clause_after_quote = child.dep_ == "advcl" and child.i >= cue.stop and quote_before
            if ((modifier_before or clause_after_quote) and not all(quoted[j] for j in words)) or (
                adverbial_after and 0 < len(content & words) < len(words)
            ):
                dropped.update(phrase)
    kept = [i for c in group.contents for i in range(c.start, c.end) if i not in dropped]
    if len(kept) == sum(c.end - c.start for c in group.contents) or not any(is_word[i] for i in kept):
        return group.contents
    tagged = set(kept)
    return _runs([i for i in kept if is_word[i]], is_word, dropped | set(cue), tagged)


def _without_dangling_ends(
    doc: Doc, group: _Group, is_word: list[bool], quoted: numpy.ndarray
) -> list[TagSpan]:
    """The contents with each piece's last words cut while they are a conjunction or determiner,
    with the punctuation before them (PolNeAR train: 19 of 23,284 content pieces end so), and
    the punctuation after its last word cut unless it is in quotation marks or holds one or a
    closing bracket ("... had been signed|." but ""... lightly.""): the sentence's full stop is
    not the claim's."""
    pieces = []
    for c in group.contents:
        words = [i for i in range(c.start, c.end) if is_word[i]]
        keep = len(words)
        while keep and doc[words[keep - 1]].pos_ in DANGLING_POS:
            keep -= 1
        if not keep:
            continue
        end = words[keep - 1] + 1
        tail = doc[end : c.end]
        if keep == len(words) and any(t.is_quote or t.is_right_punct or quoted[t.i] for t in tail):
            end = c.end
        pieces.append(TagSpan(c.role, c.start, end))
    return pieces


def _opens_split_content(doc: Doc, piece: TagSpan, is_word: list[bool]) -> bool:
    """Whether a one-word piece is a subject, a pronoun, a name or a wh-word."""
    word = next(doc[i] for i in range(piece.start, piece.end) if is_word[i])
    return (
        word.dep_ in ("nsubj", "nsubjpass")
        or word.pos_ in ("PRON", "PROPN")
        or word.tag_ in ("WDT", "WP", "WP$", "WRB")
    )


def _snap_contents(
    doc: Doc, group: _Group, sent_of: list[int], is_word: list[bool], cues: set[int]
) -> list[TagSpan]:
    """The content, each sentence's part grown to the closest syntactic subtree that holds it.

    Annotated contents are mostly whole constituents (a ``that``-clause, a quoted sentence),
    while tagged ones often miss a word or two at an edge; a part is replaced by the smallest
    subtree of one of its tokens (or of their heads), less the cue and source, that holds the
    whole part, when their Dice is above :data:`SNAP_MIN_DICE`. Tagged words are never cut
    (held-out train articles, content strict F1: accurate 0.582 -> 0.596, fast 0.522 -> 0.523).
    A subtree holding another attribution's cue (``cues``: every cue with a content) is not
    taken: "Asked how many ..., Kirby said, "I don't ..."" does not make the question Kirby's.
    """
    excluded = {i for s in [group.cue, *group.sources] for i in range(s.start, s.end)}
    parts: dict[int, set[int]] = {}
    for span in group.contents:
        for i in range(span.start, span.end):
            if is_word[i]:
                parts.setdefault(sent_of[i], set()).add(i)
    chosen: set[int] = set()
    for sent, part in parts.items():
        best, best_dice = part, SNAP_MIN_DICE
        tried = set()
        for i in part | {doc[i].head.i for i in part}:
            edges = (doc[i].left_edge.i, doc[i].right_edge.i + 1)
            if edges in tried:
                continue
            tried.add(edges)
            subtree = {j for j in range(*edges) if is_word[j] and j not in excluded and sent_of[j] == sent}
            if not subtree >= part or subtree & cues:
                continue
            dice = 2 * len(part) / (len(subtree) + len(part))
            if dice > best_dice:
                best, best_dice = subtree, dice
        chosen |= best
    if chosen == set().union(*parts.values()):
        return sorted(group.contents, key=lambda s: s.start)
    tagged = {i for s in group.contents for i in range(s.start, s.end)}
    return _runs(sorted(chosen), is_word, excluded, tagged)


def _runs(tokens: list[int], is_word: list[bool], excluded: set[int], tagged: set[int]) -> list[TagSpan]:
    """Contiguous spans over sorted word tokens, bridging gaps made only of other non-word tokens.

    Each span keeps the punctuation (quotation marks...) at its edges that was tagged content.
    """
    spans: list[TagSpan] = []
    for i in tokens:
        if spans and all(not is_word[j] and j not in excluded for j in range(spans[-1].end, i)):
            spans[-1] = TagSpan("CONTENT", spans[-1].start, i + 1)
        else:
            spans.append(TagSpan("CONTENT", i, i + 1))
    out = []
    for span in spans:
        start, end = span.start, span.end
        while start - 1 in tagged and not is_word[start - 1]:
            start -= 1
        while end in tagged and not is_word[end]:
            end += 1
        out.append(TagSpan("CONTENT", start, end))
    return out


def is_put_to(token: Token) -> bool:
    """Whether a cue word is a participle opening an adverbial clause ("Asked about the talks,
    Price said ..."): the question is put to the speaker of the main clause, not theirs.

    The small parser often tags such a participle as a past tense (VBD); without a subject of
    its own it is still one.
    """
    return token.dep_ == "advcl" and token.tag_ in ("VBN", "VBD") and not _has_subject(token)


def _is_passive(doc: Doc, cue: TagSpan) -> bool:
    """Whether a cue is a passive verb ("Sanders was declared the winner")."""
    return any(
        child.dep_ in ("auxpass", "nsubjpass") for i in range(cue.start, cue.end) for child in doc[i].children
    )


def _words_and_heads(doc: Doc, text: str) -> tuple[list[bool], list[int]]:
    """Whether each token holds a word character (a scorer token), and each token's head index.

    Read from whole arrays: creating a ``Token`` per index is what costs in a long article.
    """
    position = doc.to_array([IDX, LENGTH, HEAD]).astype("int64")
    if not len(doc):
        return [], []
    marks = numpy.zeros(len(text) + 1, dtype="int64")
    for run in _WORDS.finditer(text):
        marks[run.start()] += 1
        marks[run.end()] -= 1
    seen = numpy.concatenate([[0], numpy.cumsum(numpy.cumsum(marks)[:-1] > 0)])
    start, end = position[:, 0], position[:, 0] + position[:, 1]
    return (seen[end] > seen[start]).tolist(), (numpy.arange(len(doc)) + position[:, 2]).tolist()


def _sentence_ids(doc: Doc) -> list[int]:
    """The sentence number of each token; a sentence of line breaks only is not counted.

    A line break always ends a sentence, even where the parser ran one on into the next
    paragraph (after a closing quotation mark, say), so nothing is paired across paragraphs.
    """
    ids = [0] * len(doc)
    if not doc.has_annotation("SENT_START") and not doc.has_annotation("DEP"):
        return ids
    n = -1
    for sent in doc.sents:
        if n < 0 or not all(t.is_space for t in sent):
            n += 1
        broken = False
        for token in sent:
            if broken and not token.is_space:
                n, broken = n + 1, False
            broken = broken or (token.is_space and "\n" in token.text)
            ids[token.i] = n
    return ids


def _sents(span: TagSpan, sent_of: list[int]) -> set[int]:
    return {sent_of[i] for i in range(span.start, span.end)}


def _gap(a: TagSpan, b: TagSpan) -> int:
    """Tokens between two spans (0 when they touch or overlap)."""
    return max(0, b.start - a.end, a.start - b.end)


def _linked(heads: list[int], a: TagSpan, b: TagSpan) -> bool:
    """Whether a dependency arc joins a token of ``a`` to a token of ``b`` (``heads``: each token's head)."""
    return any(b.start <= heads[i] < b.end for i in range(a.start, a.end)) or any(
        a.start <= heads[i] < a.end for i in range(b.start, b.end)
    )


def _group_for_content(
    heads: list[int],
    content: TagSpan,
    groups: list[_Group],
    sent_of: list[int],
    is_word: list[bool],
    quoted: numpy.ndarray,
) -> _Group | None:
    sents = {sent_of[i] for i in range(content.start, content.end) if is_word[i]} or _sents(content, sent_of)
    local = [g for g in groups if g.cue_sents & sents]
    if local:
        linked = [g for g in local if _linked(heads, g.cue, content)]
        return min(linked or local, key=lambda g: _gap(g.cue, content))
    # A quote running on past its cue's sentence: the last speaker goes on, if their cue or
    # content reaches the sentence just before. Words outside quotation marks there are
    # someone else's; a later sentence of the same quote has no mark of its own.
    if not quoted[max(0, content.start - 1) : content.end].any():
        return None
    near = [
        g
        for g in groups
        if g.cue.end <= content.start
        and sent_of[content.start] - sent_of[_last_token(g, content.start)] <= CONTINUATION_SENTENCES
    ]
    quoting = [g for g in near if any(quoted[c.start : c.end].any() for c in g.contents)]
    if near:
        return max(quoting or near, key=lambda g: _last_token(g, content.start))
    return None


def _last_token(group: _Group, limit: int) -> int:
    """The last token of the group's cue or contents before ``limit``."""
    return max(s.end - 1 for s in [group.cue, *group.contents] if s.end <= limit)


def _assign_sources(
    doc: Doc, heads: list[int], sources: list[TagSpan], groups: list[_Group], sent_of: list[int]
) -> None:
    source_at = {i: k for k, s in enumerate(sources) for i in range(s.start, s.end)}
    below: dict[int, set[int]] = {}  # token -> the sources holding a dependent of it
    for i, k in source_at.items():
        below.setdefault(heads[i], set()).add(k)
    for g in groups:
        cue = range(g.cue.start, g.cue.end)
        linked = {source_at[heads[i]] for i in cue if heads[i] in source_at}
        linked = linked.union(*(below.get(i, ()) for i in cue))
        if linked:
            g.sources.append(min((sources[k] for k in sorted(linked)), key=lambda s: _gap(s, g.cue)))
    _share_with_conjoined_cues(doc, groups)
    taken = {s for g in groups for s in g.sources}
    source_sents = [_sents(s, sent_of) for s in sources]
    for g in groups:
        if g.sources:
            continue
        relative = _relative_subject(doc, g)
        if relative is not None:
            g.sources.append(relative)
            continue
        if _is_passive(doc, g.cue):  # a source not linked to it is someone else's
            continue
        local = [s for s, sents in zip(sources, source_sents, strict=True) if sents & g.cue_sents]
        free = [s for s in local if s not in taken] or ([] if is_put_to(doc[g.cue.start]) else local)
        if free:
            g.sources.append(min(free, key=lambda s: _gap(s, g.cue)))


def _relative_subject(doc: Doc, group: _Group) -> TagSpan | None:
    """The relative pronoun subject of a cue's verb ("Donald Trump, | who | has pledged to ..."),
    which PolNeAR marks as the source (train: 498 of 570 such cues), where no role took it."""
    taken = _cue_and_content_tokens(group)
    for token in doc[group.cue.start : group.cue.end]:
        if token.lemma_ in RAISING_CUES:
            continue
        for child in token.children:
            if child.dep_ == "nsubj" and child.tag_ in ("WP", "WDT") and child.lower_ != "what":
                return None if child.i in taken else TagSpan("SOURCE", child.i, child.i + 1)
    return None


def _share_with_conjoined_cues(doc: Doc, groups: list[_Group]) -> None:
    """A cue conjoined to another cue with no subject of its own ("Okafor, who advises Marsh, is
    no fan of the toll but | lauded | ...") has that cue's source, not the nearest free one."""
    group_at = {i: g for g in groups for i in range(g.cue.start, g.cue.end)}
    for g in groups:
        if g.sources:
            continue
        for token in doc[g.cue.start : g.cue.end]:
            head = group_at.get(token.head.i)
            if token.dep_ == "conj" and head not in (None, g) and not _has_subject(token):
                g.sources.extend(head.sources)
                break


def _cue_and_content_tokens(group: _Group) -> set[int]:
    return {i for s in [group.cue, *group.contents] for i in range(s.start, s.end)}


def _has_subject(token: Token) -> bool:
    return any(child.dep_ in ("nsubj", "nsubjpass") for child in token.children)
