"""The ledger commands: `sayso ingest`, `search`, `speakers`, `speaker`, `outlets`, `export`.

All of them take ``--db URL`` (default ``$SAYSO_DB``, else ``./sayso.db``): a SQLite file path
or a ``postgresql://`` URL. Query commands print aligned tables, or JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import itertools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from sayso.cli._batch import Batch, add_input_arguments, atomic_output, run_batch
from sayso.errors import InputError, SaysoError, UsageError
from sayso.records import AnalysedArticle, Article
from sayso.store import DB_ENV, DEFAULT_DB, ClaimHit, IngestReport, Ledger, SearchQuery, open_ledger

EXPORT_FORMATS = ("jsonl", "csv", "parquet")


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help=f"ledger: a SQLite file or a postgresql:// URL (default ${DB_ENV}, else ./{DEFAULT_DB})",
    )
    if name == "ingest":
        add_input_arguments(parser)
        parser.add_argument(
            "--records",
            action="store_true",
            help="the inputs are JSONL files of analysed records (`sayso extract --format jsonl`): "
            "store them as they are, without analysing",
        )
        from sayso.analyse.pipeline import MODES

        parser.add_argument(
            "--mode", choices=list(MODES), default="fast", help="analysis mode (default fast)"
        )
        return
    if name in ("search", "export"):
        if name == "search":
            parser.add_argument("query", nargs="?", metavar="QUERY", help='words, "phrases", OR, -excluded')
        else:
            parser.add_argument("--query", metavar="QUERY", help="full-text query over the claims' content")
        _add_claim_filters(parser)
    if name == "speaker":
        parser.add_argument("speaker", metavar="NAME_OR_ID", help="a speaker's id or any of its names")
        _add_claim_filters(parser, speaker=False)
    if name == "claim":
        parser.add_argument(
            "claim_id", type=int, metavar="ID", help="the claim's id (first column of `search`)"
        )
        parser.add_argument("--json", action="store_true", help="JSON for scripts instead of text")
        return
    if name == "speakers":
        parser.add_argument("--name", help="speakers whose name contains this")
        parser.add_argument("--type", help="person, organization, media, anonymous, unknown")
        parser.add_argument("--outlet", help="speakers quoted by this outlet (id, name or domain)")
    if name == "export":
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="jsonl", help="default jsonl")
        parser.add_argument(
            "--out", metavar="FILE", help="write here (atomically); jsonl and csv default to stdout"
        )
        return
    if name != "speaker":
        parser.add_argument("--limit", type=int, default=20 if name == "search" else 50, help="rows to show")
        parser.add_argument("--offset", type=int, default=0, help="rows to skip")
    parser.add_argument("--json", action="store_true", help="JSON for scripts instead of a table")


def _add_claim_filters(parser: argparse.ArgumentParser, speaker: bool = True) -> None:
    group = parser.add_argument_group("filters")
    if speaker:
        group.add_argument("--speaker", help="speaker id or name")
        group.add_argument("--speaker-type", help="person, organization, media, anonymous, unknown")
    group.add_argument("--stance", help="assert, deny, accuse, report, ...")
    group.add_argument("--kind", help="direct, indirect, mixed")
    group.add_argument("--outlet", help="outlet id, name or domain")
    group.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="published on or after")
    group.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="published on or before")
    group.add_argument("--entity", help="a name mentioned in the claim")
    if speaker:
        group.add_argument("--article", help="claims of one article (its id)")
    else:
        group.add_argument("--limit", type=int, default=100, help="claims to show (default 100)")


def run(args: argparse.Namespace) -> int:
    if args.command == "ingest":
        return run_batch(args, lambda batch, _: _ingest(args, batch), output=False)
    try:
        with open_ledger(args.db, create=False) as ledger:
            return COMMANDS[args.command](args, ledger)
    except UsageError as error:
        print(f"sayso: error: {error}", file=sys.stderr)
        return 2
    except (SaysoError, OSError) as error:
        print(f"sayso: error: {error}", file=sys.stderr)
        return 1


# -- ingest --------------------------------------------------------------------------------


def _ingest(args: argparse.Namespace, batch: Batch) -> None:
    with open_ledger(args.db) as ledger:
        report = IngestReport()
        if args.records:
            records = _read_records(args.inputs, batch)
        else:
            records = _analyse(args.mode, _not_stored(ledger, batch, report), batch)
        for record in records:
            try:
                report.add(record.id, ledger.store(record))
            except InputError as error:
                report.failed.append(error)
                batch.fail(error)
        replaced = f", {len(report.replaced)} replaced" if report.replaced else ""
        batch.message(
            f"sayso: ingest: {len(report.stored)} stored{replaced}, {len(report.unchanged)} already in the "
            f"ledger, {batch.failures} failed"
        )


def _not_stored(ledger: Ledger, batch: Batch, report: IngestReport) -> Iterator[Article]:
    """The batch's articles not yet in the ledger (checked before the costly analysis)."""
    for article in batch.articles():
        if ledger.contains(article):
            report.add(article.id, "unchanged")
        else:
            yield article


def _analyse(mode: str, articles: Iterable[Article], batch: Batch) -> Iterator[AnalysedArticle]:
    """The analysis of each article; the model is loaded only once there is one to analyse."""
    from sayso.analyse import Analyser

    articles = iter(articles)
    first = next(articles, None)
    if first is None:
        return iter(())
    articles = itertools.chain([first], articles)
    analyser = Analyser.load(mode)

    def analysable() -> Iterator[Article]:
        for article in articles:
            try:
                analyser.check(article)
            except InputError as error:
                batch.fail(error)
            else:
                yield article

    return analyser.pipe(analysable())


def _read_records(inputs: list[str], batch: Batch) -> Iterator[AnalysedArticle]:
    """Analysed records from JSONL files (or ``-``); each bad line is reported and skipped."""
    for name in inputs:
        try:
            stream = sys.stdin if name == "-" else open(name, encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            batch.fail(InputError(name, error.strerror or str(error)))
            continue
        with stream if name != "-" else contextlib.nullcontext(stream):
            try:
                for number, line in enumerate(stream, start=1):
                    if not line.strip():
                        continue
                    try:
                        yield AnalysedArticle.from_dict(json.loads(line))
                    except (ValueError, KeyError, TypeError) as error:
                        reason = f"not an analysed record: {type(error).__name__}: {error}"
                        batch.fail(InputError(f"{name}:{number}", reason))
            except UnicodeDecodeError as error:
                batch.fail(InputError(name, f"not UTF-8 text: {error.reason}"))


# -- queries -------------------------------------------------------------------------------


def _claim_query(args: argparse.Namespace, **overrides: Any) -> SearchQuery:
    fields = {
        "text": getattr(args, "query", None),
        "speaker": getattr(args, "speaker", None),
        "speaker_type": getattr(args, "speaker_type", None),
        "stance": args.stance,
        "kind": args.kind,
        "outlet": args.outlet,
        "date_from": args.date_from,
        "date_to": args.date_to,
        "entity": args.entity,
        "article": getattr(args, "article", None),
        "limit": getattr(args, "limit", 20),
        "offset": getattr(args, "offset", 0),
    }
    return SearchQuery(**{**fields, **overrides})


def _search(args: argparse.Namespace, ledger: Ledger) -> int:
    page = ledger.search(_claim_query(args))
    if args.json:
        _print_json(page.to_dict())
        return 0
    _print_table(
        ["ID", "DATE", "OUTLET", "SPEAKER", "STANCE", "CLAIM"],
        [[str(hit.id), *_claim_row(hit, with_speaker=True)] for hit in page.items],
    )
    _print_footer(page.total, page.offset, len(page.items))
    return 0


def _speakers(args: argparse.Namespace, ledger: Ledger) -> int:
    page = ledger.speakers(
        name=args.name, type=args.type, outlet=args.outlet, limit=args.limit, offset=args.offset
    )
    if args.json:
        _print_json(page.to_dict())
        return 0
    _print_table(
        ["ID", "SPEAKER", "TYPE", "CLAIMS", "ARTICLES", "QUOTED BY", "ROLES"],
        [
            [
                str(s.id),
                s.name,
                s.type,
                str(s.claims),
                str(s.articles),
                ", ".join(s.outlets),
                "; ".join(s.roles),
            ]
            for s in page.items
        ],
    )
    _print_footer(page.total, page.offset, len(page.items))
    return 0


def _speaker(args: argparse.Namespace, ledger: Ledger) -> int:
    found = ledger.speaker(args.speaker)
    if found is None:
        print(f"sayso: error: no speaker in the ledger matches {args.speaker!r}", file=sys.stderr)
        return 1
    timeline = ledger.speaker_timeline(found.id, _claim_query(args, speaker=None, text=None, offset=0))
    assert timeline is not None
    if args.json:
        _print_json({"speaker": found.to_dict(), "timeline": timeline.to_dict()})
        return 0
    print(f"{found.name} ({found.type}, id {found.id})")
    for label, values in (
        ("roles", found.roles),
        ("also named", found.aliases),
        ("quoted by", found.outlets),
    ):
        if values:
            print(f"  {label}: {'; '.join(values)}")
    stances = ", ".join(f"{stance} {n}" for stance, n in found.stances.items())
    print(f"  {found.claims} claims in {found.articles} articles: {stances}\n")
    _print_table(["DATE", "OUTLET", "STANCE", "CLAIM"], [_claim_row(hit) for hit in timeline.items])
    _print_footer(timeline.total, 0, len(timeline.items))
    return 0


def _outlets(args: argparse.Namespace, ledger: Ledger) -> int:
    page = ledger.outlets(limit=args.limit, offset=args.offset)
    if args.json:
        _print_json(page.to_dict())
        return 0
    _print_table(
        ["ID", "OUTLET", "DOMAIN", "ARTICLES", "CLAIMS", "CITED", "FIRST", "LAST"],
        [
            [
                str(o.id),
                o.name,
                o.domain or "",
                str(o.articles),
                str(o.claims),
                str(o.cited),
                (o.first_published or "")[:10],
                (o.last_published or "")[:10],
            ]
            for o in page.items
        ],
    )
    _print_footer(page.total, page.offset, len(page.items))
    return 0


def _claim(args: argparse.Namespace, ledger: Ledger) -> int:
    links = ledger.related(args.claim_id)
    if links is None:
        print(f"sayso: error: no claim {args.claim_id} in the ledger", file=sys.stderr)
        return 1
    if args.json:
        _print_json(links.to_dict())
        return 0
    headers = ["ID", "DATE", "OUTLET", "SPEAKER", "STANCE", "CLAIM"]
    print("CLAIM")
    _print_table(headers, [[str(links.claim.id), *_claim_row(links.claim, with_speaker=True)]])
    for title, hits in (
        ("FIRST REPORTED", [links.first]),
        ("ECHOED BY", links.echoes),
        ("DENIED BY", links.denials),
    ):
        print(f"\n{title}" + ("" if hits else ": nobody in the ledger"))
        _print_table(headers, [[str(hit.id), *_claim_row(hit, with_speaker=True)] for hit in hits])
    return 0


def _claim_row(hit: ClaimHit, with_speaker: bool = False) -> list[str]:
    speaker = [", ".join(s.name for s in hit.speakers)] if with_speaker else []
    date = (hit.article.published or "")[:10]
    content = " ".join(hit.attribution.content.text.split())
    return [date, hit.article.outlet or "", *speaker, hit.attribution.stance, content]


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _print_table(headers: list[str], rows: list[list[str]]) -> None:
    """Aligned columns; the last one is cut to fit the terminal."""
    if not rows:
        return
    widths = [min(max(len(r[i]) for r in [headers, *rows]), 40) for i in range(len(headers) - 1)]
    room = max(20, shutil.get_terminal_size((120, 20)).columns - sum(widths) - 2 * len(widths))
    for row in [headers, *rows]:
        cells = [_fit(cell, width).ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, _fit(row[-1], room)]).rstrip())


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_footer(total: int, offset: int, shown: int) -> None:
    if total == 0:
        print("no results", file=sys.stderr)
    elif shown < total:
        print(f"{offset + 1}-{offset + shown} of {total}", file=sys.stderr)


# -- export --------------------------------------------------------------------------------


def export_row(hit: ClaimHit) -> dict[str, Any]:
    """One claim with its article metadata, flat: the row of every export format."""
    a, article = hit.attribution, hit.article
    return {
        "claim_id": hit.id,
        "article_id": article.id,
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "published": article.published,
        "authors": article.authors,
        "input": article.input,
        "attribution_id": a.id,
        "speakers": [s.name for s in hit.speakers],
        "speaker_ids": [s.id for s in hit.speakers],
        "source_type": a.source.type,
        "source_text": a.source.text,
        "source_spans": [list(s) for s in a.source.spans],
        "cue_text": a.cue.text,
        "cue_spans": [list(s) for s in a.cue.spans],
        "content_text": a.content.text,
        "content_spans": [list(s) for s in a.content.spans],
        "kind": a.kind,
        "stance": a.stance,
    }


def _export(args: argparse.Namespace, ledger: Ledger) -> int:
    if args.format == "parquet" and (not args.out or args.out == "-"):
        raise UsageError("--format parquet needs --out FILE")
    with contextlib.closing(ledger.iter_claims(_claim_query(args))) as claims:
        rows = (export_row(hit) for hit in claims)
        if args.format == "parquet":
            with _atomic_path(args.out) as tmp:
                count = _write_parquet(rows, tmp)
        else:
            with atomic_output(args.out) as out:
                count = (_write_jsonl if args.format == "jsonl" else _write_csv)(rows, out)
    print(f"sayso: export: {count} claims", file=sys.stderr)
    return 0


def _write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return count


def _write_csv(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    """CSV: list columns as JSON text."""
    writer: csv.DictWriter | None = None
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007
        flat = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in row.items()}
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(flat))
            writer.writeheader()
        writer.writerow(flat)
    return count


def _write_parquet(rows: Iterable[dict[str, Any]], path: str, batch_size: int = 10_000) -> int:
    """Parquet in row groups of ``batch_size``: memory stays bounded whatever the ledger's size."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    spans = pa.list_(pa.list_(pa.int64()))
    schema = pa.schema(
        [
            ("claim_id", pa.int64()),
            ("article_id", pa.string()),
            ("url", pa.string()),
            ("outlet", pa.string()),
            ("title", pa.string()),
            ("published", pa.string()),
            ("authors", pa.list_(pa.string())),
            ("input", pa.string()),
            ("attribution_id", pa.string()),
            ("speakers", pa.list_(pa.string())),
            ("speaker_ids", pa.list_(pa.int64())),
            ("source_type", pa.string()),
            ("source_text", pa.string()),
            ("source_spans", spans),
            ("cue_text", pa.string()),
            ("cue_spans", spans),
            ("content_text", pa.string()),
            ("content_spans", spans),
            ("kind", pa.string()),
            ("stance", pa.string()),
        ]
    )
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == batch_size:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        count += len(batch)
    return count


@contextlib.contextmanager
def _atomic_path(path: str) -> Iterator[str]:
    """A temporary path beside ``path`` that replaces it only if the block succeeds."""
    target = Path(path)
    if not target.parent.is_dir():
        raise UsageError(f"--out {path}: folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


COMMANDS: dict[str, Callable[[argparse.Namespace, Ledger], int]] = {
    "search": _search,
    "speakers": _speakers,
    "speaker": _speaker,
    "outlets": _outlets,
    "claim": _claim,
    "export": _export,
}
