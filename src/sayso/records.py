"""Typed records passed between the pipeline stages.

read -> :class:`RawDocument`; article -> :class:`Article`; analyse -> :class:`AnalysedArticle`
(an article with its entities and attributions). ``to_dict`` gives the JSON shape fixed in
SPEC.md; ``from_dict`` reads it back (the ledger ingests pre-analysed records this way).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Span = tuple[int, int]
"""Character offsets into an article's ``text``: Python ``str`` indices, end exclusive."""

MediaType = Literal["text", "html"]


@dataclass
class RawDocument:
    """One article as read from an input, before its article text is extracted.

    ``content`` is text for plain-text inputs (decoded, newlines untouched) and for markup
    (decoded HTML). ``metadata`` carries what the container knew (a WARC record's target URL
    and date, a feed item's title and link, a JSONL line's fields), keyed like
    :class:`Article` fields; the extractor prefers it over what it finds in the page.
    """

    input: str
    content: str
    media_type: MediaType
    url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Region:
    """A stretch of the text that is not article prose (boilerplate, caption, credit...)."""

    kind: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "span": list(self.span)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Region:
        return cls(kind=data["kind"], span=_span(data["span"]))


@dataclass
class Article:
    """An article's metadata and clean text, with its noise marked as regions."""

    input: str
    id: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "id": self.id,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "published": self.published,
            "authors": list(self.authors),
            "text": self.text,
            "regions": [r.to_dict() for r in self.regions],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls(
            input=data.get("input", ""),
            id=data["id"],
            text=data["text"],
            url=data.get("url"),
            outlet=data.get("outlet"),
            title=data.get("title"),
            published=data.get("published"),
            authors=list(data.get("authors") or []),
            regions=[Region.from_dict(r) for r in data.get("regions") or []],
        )


@dataclass
class Entity:
    """A speaker (person, organisation, outlet...) with its roles and mentions in one article."""

    id: str
    name: str
    type: str
    roles: list[str] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "roles": list(self.roles),
            "mentions": [list(m) for m in self.mentions],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            id=data["id"],
            name=data["name"],
            type=data["type"],
            roles=list(data.get("roles") or []),
            mentions=[_span(m) for m in data.get("mentions") or []],
        )


@dataclass
class Role:
    """One role of an attribution (source, cue or content): possibly discontinuous spans."""

    spans: list[Span]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"spans": [list(s) for s in self.spans], "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Role:
        return cls(spans=[_span(s) for s in data.get("spans") or []], text=data.get("text", ""))


@dataclass
class Source(Role):
    """The source role, with the entity it resolves to and its type."""

    entity: str | None = None
    type: str = "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "entity": self.entity, "type": self.type}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        return cls(
            spans=[_span(s) for s in data.get("spans") or []],
            text=data.get("text", ""),
            entity=data.get("entity"),
            type=data.get("type", "unknown"),
        )


@dataclass
class Attribution:
    """Who (source) said (cue) what (content), how (kind) and with which stance."""

    id: str
    source: Source
    cue: Role
    content: Role
    kind: str = "indirect"
    stance: str = "assert"
    speakers: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source.to_dict(),
            "cue": self.cue.to_dict(),
            "content": self.content.to_dict(),
            "kind": self.kind,
            "stance": self.stance,
            "speakers": list(self.speakers),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attribution:
        return cls(
            id=data["id"],
            source=Source.from_dict(data.get("source") or {}),
            cue=Role.from_dict(data.get("cue") or {}),
            content=Role.from_dict(data.get("content") or {}),
            kind=data.get("kind", "indirect"),
            stance=data.get("stance", "assert"),
            speakers=list(data.get("speakers") or []),
        )


@dataclass
class AnalysedArticle(Article):
    """An article with the entities and attributions found in it: what `sayso extract` writes."""

    entities: list[Entity] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            **super().to_dict(),
            "entities": [e.to_dict() for e in self.entities],
            "attributions": [a.to_dict() for a in self.attributions],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysedArticle:
        article = Article.from_dict(data)
        return cls(
            **vars(article),
            entities=[Entity.from_dict(e) for e in data.get("entities") or []],
            attributions=[Attribution.from_dict(a) for a in data.get("attributions") or []],
        )


def _span(value: Any) -> Span:
    start, end = value
    return int(start), int(end)
