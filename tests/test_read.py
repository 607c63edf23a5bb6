"""The read stage: every kind of input becomes raw documents; every bad input one InputError."""

from __future__ import annotations

import gzip
import http.server
import io
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import certifi
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sayso.errors import InputError
from sayso.pipeline import iter_articles
from sayso.read import ReadOptions, iter_documents, web
from sayso.read.files import read_stream
from sayso.records import Article, RawDocument

FIXTURES = Path(__file__).parent / "fixtures" / "read"
PAGE = FIXTURES / "port-strike.html"
LATIN1_PAGE = FIXTURES / "fetes-latin1.html"


def read(*inputs: object, **options: object) -> list[RawDocument | InputError]:
    return list(iter_documents([str(i) for i in inputs], ReadOptions(**options)))  # type: ignore[arg-type]


def documents(*inputs: object, **options: object) -> list[RawDocument]:
    items = read(*inputs, **options)
    errors = [i for i in items if isinstance(i, InputError)]
    assert not errors, errors
    return items  # type: ignore[return-value]


def only_error(*inputs: object, **options: object) -> InputError:
    items = read(*inputs, **options)
    assert len(items) == 1 and isinstance(items[0], InputError), items
    return items[0]


# --- files -------------------------------------------------------------------------------------


def test_a_txt_file_is_kept_exactly_as_read_with_its_crlf_newlines(tmp_path: Path) -> None:
    text = 'Bridge to reopen, officials say\r\n\r\n"It is safe," said the engineer.\r\n'
    path = tmp_path / "brief.txt"
    path.write_bytes(text.encode("utf-8"))
    [doc] = documents(path)
    assert (doc.input, doc.content, doc.media_type) == (str(path), text, "text")


def test_html_and_htm_pages_are_read_as_markup() -> None:
    docs = documents(PAGE, FIXTURES / "council-vote.htm")
    assert [d.media_type for d in docs] == ["html", "html"]
    assert "Dockworkers walk out" in docs[0].content
    assert "cycle lanes" in docs[1].content


def test_a_gzipped_page_reads_the_same_as_the_page() -> None:
    [plain, packed] = documents(PAGE, FIXTURES / "port-strike-copy.html.gz")
    assert packed.content == plain.content and packed.media_type == "html"


def test_a_cp1252_text_without_declared_charset_is_detected_not_refused() -> None:
    [doc] = documents(FIXTURES / "cafe-licences-cp1252.txt")
    assert doc.content.startswith("Minister rejects \u201cunfounded\u201d claims over caf\u00e9 licences\r\n")
    assert "Ren\u00e9e Dub\u00e9" in doc.content


def test_a_page_declaring_latin1_in_its_meta_tag_is_decoded_with_it() -> None:
    [doc] = documents(LATIN1_PAGE)
    assert "Salle des F\u00eates" in doc.content


def test_a_utf8_bom_is_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfThe mayor said no.\n")
    assert documents(path)[0].content == "The mayor said no.\n"


def test_a_directory_is_walked_recursively_in_sorted_order_skipping_hidden_and_unknown_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "b" / "deep").mkdir(parents=True)
    (tmp_path / ".cache").mkdir()
    for name in ["b/deep/z.txt", "b/a.html", "a.txt", ".cache/x.txt", "notes.json", "c.txt.gz"]:
        data = b"<p>A council spokesman said so.</p>" if name.endswith("html") else b"Officials said so.\n"
        (tmp_path / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    assert [Path(d.input).relative_to(tmp_path).as_posix() for d in documents(tmp_path)] == [
        "a.txt",
        "b/a.html",
        "b/deep/z.txt",
        "c.txt.gz",
    ]


def test_a_directory_without_any_readable_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text("{}")
    assert only_error(tmp_path).reason == "directory holds no readable input files"


def test_a_file_with_an_unknown_suffix_is_recognised_by_its_content(tmp_path: Path) -> None:
    page = tmp_path / "saved-page"
    page.write_bytes(PAGE.read_bytes())
    feed = tmp_path / "feed-download"
    feed.write_bytes((FIXTURES / "harbour-news.rss").read_bytes())
    [doc] = documents(page)
    assert doc.media_type == "html"
    assert [d.input for d in documents(feed)] == [f"{feed}#item=1"]


# --- stdin -------------------------------------------------------------------------------------


def _stdin_documents(data: bytes) -> str:
    script = (
        "from sayso.read import iter_documents\n"
        "for d in iter_documents(['-']):\n"
        "    print(repr((d.input, d.media_type, d.content)) if hasattr(d, 'content') else d)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def test_stdin_is_read_when_the_input_is_a_dash() -> None:
    out = _stdin_documents(b"The minister said no.\r\n")
    assert out.strip() == repr(("<stdin>", "text", "The minister said no.\r\n"))


def test_gzipped_html_on_stdin_is_recognised_by_its_content() -> None:
    out = _stdin_documents(gzip.compress(PAGE.read_bytes()))
    assert out.startswith("('<stdin>', 'html', '<!DOCTYPE html>")


def test_a_warc_piped_on_stdin_is_streamed(tmp_path: Path) -> None:
    path = build_warc(tmp_path / "crawl.warc.gz", [("https://a.example/x", PAGE.read_bytes(), "text/html")])
    out = _stdin_documents(path.read_bytes())
    assert out.count("('<stdin>#record=urn:uuid:") == 2  # the page and the archived resource


# --- WARC --------------------------------------------------------------------------------------


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str, status: str = "200 OK") -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": "2024-03-14T09:00:00Z"},
    )
    writer.write_record(record)


def build_warc(path: Path, pages: list[tuple[str, bytes, str]], compress: bool = True) -> Path:
    """A WARC like a crawler writes: warcinfo, then per page a request and its response, plus
    a metadata record, a revisit, a saved page as a resource record, an image and a 404 page."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test-crawler/1.0"}))
        for url, body, content_type in pages:
            request = StatusAndHeaders(
                "GET / HTTP/1.1", [("Host", "coastalcourier.example")], is_http_request=True
            )
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            _response(writer, url, body, content_type)
        writer.write_record(
            writer.create_warc_record(
                "https://coastalcourier.example/",
                "metadata",
                payload=io.BytesIO(b"outlinks: 12"),
                warc_content_type="application/warc-fields",
            )
        )
        writer.write_record(
            writer.create_revisit_record(
                pages[0][0] if pages else "https://a.example/",
                digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                refers_to_uri="https://coastalcourier.example/",
                refers_to_date="2024-03-13T09:00:00Z",
                http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
            )
        )
        resource = writer.create_warc_record(
            "file:///saved/council-vote.htm",
            "resource",
            payload=io.BytesIO((FIXTURES / "council-vote.htm").read_bytes()),
            warc_content_type="text/html; charset=utf-8",
            warc_headers_dict={"WARC-Date": "2024-03-14T09:00:00Z"},
        )
        writer.write_record(resource)
        _response(
            writer, "https://coastalcourier.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"
        )
        _response(
            writer,
            "https://coastalcourier.example/gone",
            b"<html>Not found</html>",
            "text/html",
            "404 Not Found",
        )
    return path


@pytest.fixture
def warc(tmp_path: Path) -> Path:
    return build_warc(
        tmp_path / "crawl.warc.gz",
        [
            (
                "https://coastalcourier.example/news/port-strike",
                PAGE.read_bytes(),
                "text/html; charset=utf-8",
            ),
            ("https://townpaper.example/fetes", LATIN1_PAGE.read_bytes(), "text/html; charset=ISO-8859-1"),
        ],
    )


def test_every_html_response_or_resource_of_a_warc_is_a_document_and_other_records_are_skipped(
    warc: Path,
) -> None:
    docs = documents(warc)
    assert [d.url for d in docs] == [
        "https://coastalcourier.example/news/port-strike",
        "https://townpaper.example/fetes",
        "file:///saved/council-vote.htm",
    ]
    assert docs[0].content == PAGE.read_text(encoding="utf-8")
    assert "Salle des F\u00eates" in docs[1].content
    assert docs[2].content == (FIXTURES / "council-vote.htm").read_text(encoding="utf-8")
    for doc in docs:
        assert doc.input.startswith(f"{warc}#record=urn:uuid:")
        assert doc.metadata["warc_date"] == "2024-03-14T09:00:00Z" and doc.media_type == "html"


def test_an_uncompressed_warc_is_read_too(tmp_path: Path) -> None:
    path = build_warc(
        tmp_path / "crawl.warc", [("https://a.example/x", PAGE.read_bytes(), "text/html")], False
    )
    assert [d.url for d in documents(path)] == ["https://a.example/x", "file:///saved/council-vote.htm"]


def test_reading_a_warc_streams_one_record_at_a_time(tmp_path: Path) -> None:
    pages = [
        (f"https://a.example/{i}", PAGE.read_bytes() + bytes(f"<!-- {i} -->", "ascii") * 20000, "text/html")
        for i in range(20)
    ]
    data = build_warc(tmp_path / "big.warc", pages, compress=False).read_bytes()
    stream = CountingStream(data)
    first = next(read_stream(stream, "big.warc", ReadOptions()))
    assert isinstance(first, RawDocument) and first.url == "https://a.example/0"
    assert stream.consumed < len(data) / 5


class CountingStream(io.RawIOBase):
    """A byte stream that counts what was read from it."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = self._data.readinto(buffer)
        self.consumed += n
        return n


def test_a_warc_record_over_the_record_limit_fails_alone(tmp_path: Path) -> None:
    big = b"<html><body>" + b"<p>Officials said the port would reopen.</p>" * 3000 + b"</body></html>"
    path = build_warc(
        tmp_path / "c.warc.gz",
        [
            ("https://a.example/big", big, "text/html"),
            ("https://a.example/ok", PAGE.read_bytes(), "text/html"),
        ],
    )
    items = read(path, max_record_bytes=64 * 1024)
    assert isinstance(items[0], InputError) and "size limit" in items[0].reason
    assert items[0].input.startswith(f"{path}#record=")
    assert isinstance(items[1], RawDocument) and items[1].url == "https://a.example/ok"


def test_a_file_that_is_not_a_warc_is_a_malformed_warc(tmp_path: Path) -> None:
    path = tmp_path / "broken.warc"
    path.write_bytes(b"this is not an archive\n" * 20)
    assert "malformed WARC" in only_error(path).reason


def test_a_warc_corrupted_midway_yields_the_records_before_and_an_error(warc: Path, tmp_path: Path) -> None:
    data = gzip.decompress(warc.read_bytes())
    cut = data.index(b"WARC/1.0", data.index(b"townpaper.example") - 2000)
    path = tmp_path / "corrupt.warc"
    path.write_bytes(data[:cut] + b"GARBAGE HEADER\r\n\r\n" + data[cut:])
    items = read(path)
    assert isinstance(items[0], RawDocument) and items[0].url.endswith("port-strike")
    assert isinstance(items[-1], InputError) and "malformed WARC" in items[-1].reason


def test_a_truncated_warc_gz_yields_the_records_before_and_a_truncated_gzip_error(tmp_path: Path) -> None:
    pages = [
        (
            f"https://a.example/{i}",
            PAGE.read_bytes() + f"<!-- {os.urandom(8000).hex()} -->".encode(),
            "text/html",
        )
        for i in range(12)
    ]
    whole = build_warc(tmp_path / "crawl.warc.gz", pages).read_bytes()
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(whole[: int(len(whole) * 0.8)])
    items = read(path)
    assert 3 <= len(items) <= 11 and all(isinstance(i, RawDocument) for i in items[:-1])
    assert isinstance(items[-1], InputError) and items[-1].reason.startswith("truncated gzip")


# --- feeds -------------------------------------------------------------------------------------


def test_rss_items_with_full_content_are_documents_and_teasers_are_skipped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    feed = FIXTURES / "harbour-news.rss"
    [doc] = documents(feed)
    assert doc.input == f"{feed}#item=1"
    assert doc.media_type == "html" and "licensed master on the bridge" in doc.content
    assert doc.metadata == {
        "url": "https://harbourgazette.example/2024/11/02/ferry-timetable",
        "title": "Ferry operator cancels winter timetable",
        "published": "2024-11-02T09:15:00Z",
        "authors": ["Sam Okafor"],
        "outlet": "The Harbour Gazette",
    }
    assert "1 item(s) carry only a link" in caplog.text


def test_atom_entries_with_full_content_are_documents() -> None:
    [doc] = documents(FIXTURES / "city-desk.atom")
    assert doc.url == "https://citydesk.example/2024/05/20/library-hours"
    assert doc.metadata["authors"] == ["Lena Vogt"] and doc.metadata["outlet"] == "City Desk"
    assert "Nobody went into public service to close libraries" in doc.content


def test_a_feed_that_is_not_rss_or_atom_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "feed.rss"
    path.write_text("<html><body>Subscribe to our newsletter</body></html>")
    assert only_error(path).reason.startswith("malformed feed")


def test_a_feed_cut_off_midway_is_reported_as_malformed(tmp_path: Path) -> None:
    path = tmp_path / "cut.rss"
    text = (FIXTURES / "harbour-news.rss").read_text(encoding="utf-8")
    path.write_text(text[: text.index("<item>") + 40], encoding="utf-8")
    assert any(isinstance(i, InputError) and "malformed feed" in i.reason for i in read(path))


# --- JSONL -------------------------------------------------------------------------------------


def test_jsonl_lines_with_text_or_html_are_documents_with_their_metadata() -> None:
    path = FIXTURES / "newsroom-dump.jsonl"
    first, second = documents(path)
    assert (first.input, first.media_type) == (f"{path}#line=1", "text")
    assert first.content.startswith("Water rates to rise by 7 percent\n\nHouseholds")
    assert first.metadata["authors"] == ["Ana Ruiz"] and first.metadata["id"] == "wire-0001"
    assert (second.input, second.media_type, second.url) == (
        f"{path}#line=2",
        "html",
        "https://wire.example/2024/06/04/museum",
    )
    assert second.metadata["authors"] == ["Ben Carter"]


def test_a_bad_jsonl_line_fails_alone_and_the_next_lines_are_read(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    lines = [
        '{"text": "The mayor said yes."}',
        '{"text": "unterminated',
        "",
        "[1, 2]",
        '{"title": "no body"}',
        '{"text": "The minister said no."}',
    ]
    path.write_text("\n".join(lines) + "\n")
    items = read(path)
    assert [(i.input.rsplit("#", 1)[1], type(i).__name__) for i in items] == [
        ("line=1", "RawDocument"),
        ("line=2", "InputError"),
        ("line=4", "InputError"),
        ("line=5", "InputError"),
        ("line=6", "RawDocument"),
    ]
    assert items[1].reason.startswith("not JSON")  # type: ignore[union-attr]


def test_a_jsonl_line_over_the_record_limit_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text('{"text": "' + "word " * 5000 + '"}\n{"text": "The mayor said yes."}\n')
    items = read(path, max_record_bytes=1024)
    assert isinstance(items[0], InputError) and "size limit" in items[0].reason
    assert isinstance(items[1], RawDocument) and items[1].input.endswith("#line=2")


# --- bad input ---------------------------------------------------------------------------------


def test_a_missing_file_is_an_error_and_the_batch_goes_on() -> None:
    items = read("/no/such/article.html", PAGE)
    assert isinstance(items[0], InputError) and items[0].reason == "no such file or directory"
    assert isinstance(items[1], RawDocument)


@pytest.mark.parametrize("content", [b"", b"  \r\n\t\n"])
def test_an_empty_file_is_an_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert only_error(path).reason.startswith("empty input")


def test_a_binary_file_is_an_error() -> None:
    assert only_error(FIXTURES / "scanned-page.txt").reason == "binary data, not text"


def test_a_truncated_gzip_is_an_error() -> None:
    assert only_error(FIXTURES / "truncated.html.gz").reason.startswith("truncated gzip")


def test_a_gz_file_that_is_not_gzip_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(b"\x1f\x8bnot really gzip at all")
    assert "gzip" in only_error(path).reason


def test_undecodable_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(b"\xff\xfe" + "The mayor said".encode("utf-16-le") + b"\x00\xd8")
    assert only_error(path).reason.startswith("undecodable text")


def test_a_file_over_the_size_limit_is_refused_even_when_compressed(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt.gz"
    path.write_bytes(gzip.compress(b"The minister said no. " * 100_000))
    assert only_error(path, max_document_bytes=1024 * 1024).reason == "input over the size limit of 1 MiB"


# --- URLs --------------------------------------------------------------------------------------


class NewsSite(http.server.BaseHTTPRequestHandler):
    """A small news site on 127.0.0.1: pages, redirects, an oversized page, a feed of links."""

    user_agents: ClassVar[list[str]] = []
    hosts: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        NewsSite.user_agents.append(self.headers.get("User-Agent", ""))
        NewsSite.hosts.append(self.headers.get("Host", ""))
        port = self.server.server_address[1]
        routes = {
            "/news/port-strike": (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.read_bytes()),
            "/old-link": (301, {"Location": "/news/port-strike"}, b""),
            "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
            "/loop": (302, {"Location": "/loop"}, b""),
            "/huge": (200, {"Content-Type": "text/html"}, b"<p>Officials said.</p>" * 100_000),
            "/huge-declared": (200, {"Content-Type": "text/html"}, b"<p>Officials said.</p>" * 100_000),
            "/missing": (404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>"),
            "/feed": (200, {"Content-Type": "application/rss+xml"}, _link_feed(port)),
        }
        if self.path == "/slow":
            time.sleep(1.5)
        status, headers, body = routes.get(self.path, routes["/news/port-strike"])
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if self.path != "/huge":  # the oversized page has no Content-Length: it must be cut while read
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _link_feed(port: int) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Coastal Courier</title>'
        f"<item><title>Dockworkers walk out</title><link>http://127.0.0.1:{port}/news/port-strike</link>"
        "<description>Talks collapse.</description></item></channel></rss>"
    ).encode()


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), NewsSite)
    server.protocol_version = "HTTP/1.0"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_loopback_url_is_refused_without_the_allow_option(site: str) -> None:
    error = only_error(f"{site}/news/port-strike")
    assert error.input == f"{site}/news/port-strike" and error.reason.startswith("refused")


def test_a_host_name_is_checked_after_dns_resolution(site: str) -> None:
    url = site.replace("127.0.0.1", "localhost") + "/news/port-strike"
    assert only_error(url).reason.startswith("refused")


def test_a_url_is_fetched_with_the_allow_option_following_redirects_and_naming_sayso(site: str) -> None:
    [doc] = documents(f"{site}/old-link", allow_private_urls=True)
    assert doc.input == f"{site}/old-link" and doc.url == f"{site}/news/port-strike"
    assert doc.content == PAGE.read_text(encoding="utf-8") and doc.media_type == "html"
    assert NewsSite.user_agents[-1].startswith("sayso/0.1.0 ")


def test_a_redirect_to_a_private_address_is_refused(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # 127.0.0.1 stands in for a public news site; the redirect to the cloud metadata address
    # (link-local) must be refused at its own hop, before any connection to it.
    public = web._public
    monkeypatch.setattr(web, "_public", lambda address: str(address) == "127.0.0.1" or public(address))
    error = only_error(f"{site}/to-metadata")
    assert error.reason.startswith("refused") and "169.254.169.254" in error.reason


@pytest.fixture
def tls_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The news site over HTTPS as ``news.test``, with a certificate for that name only.

    ``news.test`` resolves to 127.0.0.1, which stands in for a public address here.
    """
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make the test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    request = "req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=news.test"
    command = ["openssl", *request.split(), "-addext", "subjectAltName=DNS:news.test"]
    command += ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(command, check=True, capture_output=True)
    server = http.server.HTTPServer(("127.0.0.1", 0), NewsSite)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    resolve = socket.getaddrinfo

    def fake_dns(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        return resolve("127.0.0.1" if host in ("news.test", "other.test") else host, *args, **kwargs)

    public = web._public
    monkeypatch.setattr(socket, "getaddrinfo", fake_dns)
    monkeypatch.setattr(web, "_public", lambda address: str(address) == "127.0.0.1" or public(address))
    monkeypatch.setattr(certifi, "where", lambda: str(cert))
    yield f"{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_https_connects_to_the_checked_address_and_verifies_the_certificate_for_the_host_name(
    tls_site: str,
) -> None:
    [doc] = documents(f"https://news.test:{tls_site}/news/port-strike")
    assert doc.content == PAGE.read_text(encoding="utf-8")
    assert NewsSite.hosts[-1] == f"news.test:{tls_site}"
    error = only_error(f"https://other.test:{tls_site}/news/port-strike")
    assert "CERTIFICATE_VERIFY_FAILED" in error.reason


def test_a_redirect_loop_stops_at_the_redirect_limit(site: str) -> None:
    assert (
        only_error(f"{site}/loop", allow_private_urls=True, max_redirects=3).reason == "more than 3 redirects"
    )


@pytest.mark.parametrize("path", ["/huge", "/huge-declared"])
def test_an_oversized_body_is_refused_whether_or_not_its_length_is_declared(site: str, path: str) -> None:
    error = only_error(f"{site}{path}", allow_private_urls=True, max_document_bytes=1024 * 1024)
    assert error.reason == "response over the size limit of 1 MiB"


def test_a_server_slower_than_the_timeout_is_an_error(site: str) -> None:
    assert only_error(f"{site}/slow", allow_private_urls=True, timeout=0.3).reason.startswith("timed out")


def test_an_http_error_status_is_an_error(site: str) -> None:
    assert only_error(f"{site}/missing", allow_private_urls=True).reason == "HTTP 404 Not Found"


def test_link_only_feed_items_are_fetched_with_the_fetch_option(site: str) -> None:
    assert read(f"{site}/feed", allow_private_urls=True) == []
    [doc] = documents(f"{site}/feed", allow_private_urls=True, fetch_feed_links=True)
    assert doc.url == f"{site}/news/port-strike" and doc.metadata["title"] == "Dockworkers walk out"


def test_a_non_http_url_after_a_redirect_is_refused() -> None:
    with pytest.raises(InputError, match="only http"):
        web._pin(web.httpx.URL("file:///etc/passwd"), "http://x.example/", ReadOptions())


# --- articles ----------------------------------------------------------------------------------


def test_the_same_article_from_a_file_and_from_a_warc_gets_the_same_id(warc: Path) -> None:
    from_file, from_warc = (next(iter_articles([str(p)])) for p in (PAGE, warc))
    assert from_file.id == from_warc.id  # type: ignore[union-attr]
    assert from_warc.url == "https://coastalcourier.example/news/port-strike"  # type: ignore[union-attr]


def test_a_page_whose_extraction_fails_is_an_error_for_that_page_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sayso.article

    real = sayso.article.extract_article

    def extract(raw: RawDocument):  # type: ignore[no-untyped-def]
        if raw.input.endswith(".htm"):
            raise ValueError("lxml: document is empty")
        return real(raw)

    monkeypatch.setattr(sayso.article, "extract_article", extract)
    items = list(iter_articles([str(FIXTURES / "council-vote.htm"), str(PAGE)]))
    assert isinstance(items[0], InputError) and "document is empty" in items[0].reason
    assert items[1].title == "Dockworkers walk out as port talks collapse"  # type: ignore[union-attr]


def test_extraction_in_several_processes_gives_the_same_articles_and_errors_in_input_order() -> None:
    inputs = [str(FIXTURES), "/no/such/page.html", str(PAGE)]

    def run(jobs: int) -> list[object]:
        return [i.to_dict() if isinstance(i, Article) else str(i) for i in iter_articles(inputs, jobs=jobs)]

    serial = run(1)
    assert run(2) == serial
    errors = [item for item in serial if isinstance(item, str)]
    assert len(serial) == 14 and len(errors) == 3
    assert serial[-2] == "/no/such/page.html: no such file or directory"
    assert serial[-1]["input"] == str(PAGE)  # type: ignore[index]
