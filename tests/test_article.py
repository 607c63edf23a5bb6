"""Article stage: the article out of a page, the noise of scraped text marked, a stable id."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from sayso.article import article_id, extract_article, find_regions
from sayso.article.bylines import clean_authors
from sayso.article.html import consensus_body
from sayso.article.title import clean_title, site_names
from sayso.errors import InputError
from sayso.records import Article, RawDocument

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "article"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seeds" / "000_81b15043bb193245.txt"
POLNEAR_DEV = SHARED / "data" / "polnear" / "dev"


def read_verbatim(path: Path) -> str:
    """A text file's content exactly as stored (no newline translation)."""
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


def read_fixture(name: str) -> str:
    return read_verbatim(FIXTURES / name)


def text_article(name: str) -> Article:
    return extract_article(RawDocument(input=name, content=read_fixture(name), media_type="text"))


def html_article(name: str, url: str | None = None, **metadata) -> Article:
    raw = RawDocument(input=name, content=read_fixture(name), media_type="html", url=url, metadata=metadata)
    return extract_article(raw)


def marked(article: Article) -> list[tuple[str, str]]:
    return [(r.kind, article.text[r.span[0] : r.span[1]]) for r in article.regions]


# ------------------------------------------------------------------ plain text: the seed


@pytest.fixture(scope="module")
def seed() -> Article:
    if not SEED.exists():
        pytest.skip(f"shared seed article absent: {SEED}")
    content = read_verbatim(SEED)
    return extract_article(RawDocument(input=str(SEED), content=content, media_type="text"))


def test_seed_marks_its_browser_notice_and_both_glued_captions_and_nothing_else(seed):
    lines = [m for m in re.finditer(r"[^\n]*\S[^\n]*", seed.text)]
    covered = {i for i, m in enumerate(lines) for r in seed.regions if m.start() <= r.span[0] < m.end()}
    caption_lines = [i for i, m in enumerate(lines) if m.group().rstrip().endswith("AFP - Getty Images")]
    assert len(caption_lines) == 2
    assert covered == {0, *caption_lines}
    assert marked(seed)[0] == (
        "boilerplate",
        "IE 11 is not supported. For an optimal experience visit our site on another browser.",
    )
    assert [kind for kind, _ in marked(seed)[1:]] == ["caption", "credit", "caption", "credit"]
    assert [t for k, t in marked(seed) if k == "credit"] == ["Yasuyoshi Chiba / AFP - Getty Images"] * 2
    assert marked(seed)[1][1].endswith("Ukraine on Oct. 17, 2022.")


def test_seed_regions_cover_whole_caption_lines_without_touching_the_paragraphs_around_them(seed):
    for caption, credit in zip(seed.regions[1::2], seed.regions[2::2], strict=True):
        assert caption.span[1] == credit.span[0]
        assert seed.text[caption.span[0] - 1] == "\n"
        assert seed.text[credit.span[1]] == "\n"


def test_seed_title_is_its_headline_not_the_browser_notice(seed):
    notice, headline = [line for line in seed.text.splitlines() if line.strip()][:2]
    assert "browser" in notice  # the seed's first line, which the article stage marks as noise
    assert seed.title == headline


# -------------------------------------------------------- plain text: several styles

STYLES = {
    "broadcaster.txt": [
        ("advertisement", "Supported by"),
        ("advertisement", "SKIP ADVERTISEMENT"),
        ("credit", "Image source, Getty Images"),
        ("caption", "Image caption, Pupils in Seville leave school at midday as temperatures pass 40C"),
        ("caption", "Firefighters tackle a wildfire near Athens on Tuesday."),
        ("credit", "Credit...Angelos Tzortzinis/Agence France-Presse — Getty Images"),
        ("boilerplate", "Related Topics"),
        ("boilerplate", "This article originally appeared on Europe Weather Desk."),
    ],
    "wire.txt": [
        ("byline", "By David Shepardson and Karen Freifeld"),
        (
            "caption",
            "FILE PHOTO: A worker inspects a silicon wafer at a factory in Hsinchu, Taiwan, March 3, 2023.",
        ),
        ("credit", "REUTERS/Ann Wang/File Photo"),
        (
            "caption",
            "U.S. Commerce Secretary Gina Raimondo speaks during a hearing on Capitol Hill in Washington, "
            "U.S., May 16, 2023.",
        ),
        ("credit", "REUTERS/Evelyn Hockstein"),
        (
            "credit",
            "(Reporting by David Shepardson and Karen Freifeld; Additional reporting by Eduardo Baptista "
            "in Beijing; Editing by Leslie Adler)",
        ),
    ],
    "uk_paper.txt": [
        ("share", "Share on Facebook"),
        ("share", "Share on Twitter"),
        ("share", "Share via Email"),
        ("caption", "Floodwater surrounds homes in Worcester after the River Severn burst its banks."),
        ("credit", "Photograph: Christopher Furlong/Getty Images"),
        ("related", "Read more: Thousands of homes in England at risk as flood defences fall into disrepair"),
        ("caption", "The Environment Agency chief executive, Sir James Bevan, giving evidence to MPs."),
        ("credit", "Photograph: PA Video/PA"),
        (
            "boilerplate",
            "Sign up to First Edition, our free daily newsletter – every weekday morning at 7am BST",
        ),
        (
            "boilerplate",
            "The Courier welcomes letters from readers on every side of this debate. We’d like to hear "
            "what you think about this or any other story: write to letters@courier.example.",
        ),
    ],
    "blog.txt": [
        ("timestamp", "Posted on March 3, 2024"),
        ("credit", "Image: the queue outside the town hall on Thursday evening (my own photo)"),
        ("share", "Follow me on Instagram for more photos from the campaign."),
        ("boilerplate", "Comments (12)"),
        ("boilerplate", "Leave a comment"),
    ],
    "scraped.txt": [
        (
            "boilerplate",
            "We use cookies to improve your experience on our site and to show you relevant advertising. "
            "By continuing to use this site you agree to our cookie policy.",
        ),
        ("boilerplate", "Accept all"),
        ("boilerplate", "Manage preferences"),
        ("timestamp", "Published 11:42 PM EDT, Sat September 30, 2023"),
        ("boilerplate", "Listen to this article"),
        ("advertisement", "Advertisement"),
        (
            "caption",
            "Senate Majority Leader Chuck Schumer speaks to reporters at the Capitol in Washington, "
            "Saturday, Sept. 30, 2023.",
        ),
        ("credit", "(AP Photo/J. Scott Applewhite)"),
        ("advertisement", "Story continues below advertisement"),
        ("caption", "Congress members leave the chamber after the vote."),
        ("credit", "Credit: Kent Nishimura/Los Angeles Times via Getty Images"),
        ("share", "Facebook | Twitter | Email | Print"),
        ("boilerplate", "© 2023 Example Media Group. All rights reserved."),
    ],
}
HEADLINES = {
    "broadcaster.txt": "Heatwave forces schools to close early across southern Europe",
    "wire.txt": "U.S. weighs new export curbs on chipmaking tools, sources say",
    "uk_paper.txt": "Ministers accused of ‘burying’ flood defence review",
    "blog.txt": "Why our town library is worth fighting for",
    "scraped.txt": "Senate passes stopgap bill hours before shutdown deadline",
    "clean.txt": "Council approves budget after late-night session",
}


@pytest.mark.parametrize("name", sorted(STYLES))
def test_scraped_text_noise_is_marked_line_by_line_in_each_style(name):
    assert marked(text_article(name)) == STYLES[name]


@pytest.mark.parametrize("name", sorted(HEADLINES))
def test_plain_text_title_is_the_first_line_that_is_not_noise(name):
    assert text_article(name).title == HEADLINES[name]


@pytest.mark.parametrize(
    ("name", "published", "authors"),
    [
        ("wire.txt", None, ["David Shepardson", "Karen Freifeld"]),
        ("scraped.txt", "2023-09-30", []),
        ("blog.txt", "2024-03-03", []),
        ("clean.txt", None, []),
    ],
)
def test_plain_text_authors_and_date_come_from_its_byline_and_timestamp_lines(name, published, authors):
    article = text_article(name)
    assert (article.published, article.authors) == (published, authors)


def test_clean_prose_that_starts_like_noise_is_not_marked():
    # "By Monday, ...", "Photos, videos ...", "... told Reuters.", "Share prices ...", "Credit unions ..."
    assert text_article("clean.txt").regions == []


def test_plain_text_is_kept_verbatim_with_its_crlf_line_endings():
    content = read_fixture("scraped.txt")
    article = text_article("scraped.txt")
    assert "\r\n" in content
    assert article.text == content
    assert all(
        article.text[s:e].strip() and "\r" not in article.text[s:e]
        for s, e in (r.span for r in article.regions)
    )


def test_a_text_that_opens_with_a_paragraph_has_no_title():
    body = " ".join(["The council met on Tuesday and agreed, after a long debate, to delay the vote."] * 4)
    article = extract_article(RawDocument(input="x.txt", content=body + "\n", media_type="text"))
    assert article.title is None


def test_empty_text_is_an_input_error_naming_the_input():
    with pytest.raises(InputError, match=r"^blank\.txt: "):
        extract_article(RawDocument(input="blank.txt", content=" \n\n", media_type="text"))


ATTRIBUTION_ROLES = {"Source", "Cue", "Content"}


def _gold_spans(ann: Path) -> list[tuple[int, int]]:
    """Spans of the attribution roles in a brat file (not its "Discard" marks, which are noise)."""
    spans = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("T") and "\t" in line:
            label, _, offsets = line.split("\t")[1].partition(" ")
            if label.rstrip("0123456789") in ATTRIBUTION_ROLES:
                spans.extend((int(s), int(e)) for s, e in re.findall(r"(\d+) (\d+)", offsets))
    return spans


def test_noise_regions_never_overlap_an_annotated_attribution_in_polnear_dev():
    if not POLNEAR_DEV.exists():
        pytest.skip(f"shared PolNeAR dev split absent: {POLNEAR_DEV}")
    marked_chars = total_chars = 0
    for text_path in sorted((POLNEAR_DEV / "text").glob("*.txt")):
        text = read_verbatim(text_path)
        regions = find_regions(text)
        marked_chars += sum(r.span[1] - r.span[0] for r in regions)
        total_chars += len(text)
        for ann in (POLNEAR_DEV / "attributions").glob(f"{text_path.stem}_*.ann"):
            for start, end in _gold_spans(ann):
                hit = [r for r in regions if r.span[0] < end and start < r.span[1]]
                assert not hit, f"{text_path.name}: {hit} hides gold span {text[start:end]!r}"
    # clean prose: only live-blog timestamps, separators and wire credit lines are marked
    assert marked_chars < 0.005 * total_chars


# --------------------------------------------------------------------------- markup


def test_html_title_drops_the_site_name_suffix_and_keeps_the_headline():
    article = html_article("news_page.html")
    assert article.title == "Port authority delays harbour dredging after pollution warning"
    assert article.outlet == "The Harbour Herald"


def test_html_metadata_date_authors_and_canonical_url_come_from_the_markup():
    article = html_article("news_page.html")
    assert article.published == "2024-03-12"
    assert article.authors == ["Maria Okafor"]
    assert article.url == "https://www.harbourherald.example/news/2024/03/12/port-dredging-delayed"


def test_html_opinion_label_and_site_suffix_are_stripped_and_json_ld_people_are_the_authors():
    # the page's <meta name="author"> is its publisher; JSON-LD names the people, one with
    # the outlet after a comma; the <title> has straight quotes, the visible <h1> curly ones
    article = html_article("opinion_page.html")
    assert article.title == "The four-day week deserves a ‘fair trial’"
    assert article.published == "2023-11-05"
    assert article.authors == ["Samuel Brandt", "Lucy Hale"]
    assert article.outlet == "Northern Ledger"


def test_html_body_is_the_article_without_navigation_banners_share_bars_or_footer():
    article = html_article("news_page.html")
    paragraphs = article.text.split("\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("The port authority has postponed")
    assert paragraphs[-1].endswith("according to a letter seen by the Herald.")
    for noise in ("cookies", "Share on", "Related stories", "All rights reserved", "Home", "Maria Okafor,"):
        assert noise not in article.text


def test_a_caption_the_extractors_leave_in_an_html_body_is_left_out_of_the_text():
    article = html_article("news_page.html")
    assert "A dredger at work in the outer harbour" not in article.text
    assert "Photograph: Sam Reed" not in article.text
    assert article.regions == []


def test_html_body_does_not_repeat_the_headline():
    article = html_article("opinion_page.html")
    assert not article.text.startswith("The four-day week deserves a")
    assert article.text.startswith("When the city council voted last month")


def test_container_url_and_metadata_win_over_what_the_page_says():
    article = html_article(
        "news_page.html",
        url="https://archive.example/capture/1",
        published="2024-03-13",
        title="Harbour dredging delayed",
    )
    assert article.url == "https://archive.example/capture/1"
    assert article.published == "2024-03-13"
    assert article.title == "Harbour dredging delayed"
    assert article.authors == ["Maria Okafor"]


def test_an_html_fragment_from_a_feed_item_is_read_as_the_body_of_a_page():
    fragment = "<div>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:1]) + "</div>"
    article = extract_article(
        RawDocument("feed.xml#item=2", fragment, "html", metadata={"title": "Plan delayed"})
    )
    assert article.text == PARAGRAPHS[0]
    assert article.title == "Plan delayed"


def test_malformed_urls_in_the_container_or_the_page_do_not_stop_extraction():
    html = read_fixture("news_page.html").replace('<a href="/">Home</a>', '<a href="http://[::1">Home</a>')
    article = extract_article(RawDocument("bad.html", html, "html", url="http://[bad/x"))
    assert article.title == "Port authority delays harbour dredging after pollution warning"


def test_a_page_with_no_article_text_is_an_input_error():
    raw = RawDocument(
        input="nav.html",
        content="<html><body><nav><a href='/'>Home</a></nav></body></html>",
        media_type="html",
    )
    with pytest.raises(InputError, match=r"^nav\.html: "):
        extract_article(raw)


@pytest.mark.parametrize("url", [None, "https://www.valleycourier.example/news/rail-pay"])
def test_html_title_is_the_title_tag_headline_when_the_h1_is_the_site_logo(url):
    article = html_article("logo_h1_page.html", url=url)
    assert article.title == "Rail union rejects pay offer as strike ballot looms"
    assert article.text.startswith("The main rail union has rejected")


PARAGRAPHS = [
    "The minister said the plan would be published in the spring, after talks with unions.",
    "Opposition leaders accused the government of delaying the plan to avoid a vote before the summer.",
    "A spokesperson for the ministry denied that the timing had anything to do with the election.",
]


def test_consensus_drops_paragraphs_only_the_first_extractor_kept():
    first = "\n".join([PARAGRAPHS[0], "Share this article Facebook Twitter WhatsApp", *PARAGRAPHS[1:]])
    assert consensus_body(first, " ".join(PARAGRAPHS)) == "\n".join(PARAGRAPHS)


def test_consensus_takes_the_second_body_when_it_holds_the_first_and_much_more():
    longer = "\n".join(PARAGRAPHS * 2 + ["The plan will cost about 2 billion euros over five years."])
    assert consensus_body(PARAGRAPHS[0], longer) == longer


def test_consensus_keeps_the_first_body_when_the_second_took_another_block_or_almost_nothing():
    comments = "\n".join(["Great article, thanks for sharing this with all of us here today!"] * 12)
    first = "\n".join(PARAGRAPHS)
    assert consensus_body(first, comments) == first
    assert consensus_body(first, "Menu") == first


@pytest.mark.parametrize(
    ("title", "outlet", "url", "headline"),
    [
        (
            "Opinion | Republicans Are Following Trump to Nowhere",
            "NYTimes",
            None,
            "Republicans Are Following Trump to Nowhere",
        ),
        (
            "WeWork under investigation – TechCrunch",
            None,
            "https://techcrunch.com/2019/11/18/x/",
            "WeWork under investigation",
        ),
        ("Is An 'Oxygen Bar' Real? - News Nation", "News Nation", None, "Is An 'Oxygen Bar' Real?"),
        (
            "LinkNaija | Nigeria's popular news platform: Kate Henshaw stuns",
            "LinkNaija | Nigeria's popular news platform",
            None,
            "Kate Henshaw stuns",
        ),
        ("Fact Check: Is An 'Oxygen Bar' Real?", "News Nation", None, "Fact Check: Is An 'Oxygen Bar' Real?"),
        (
            "Russia and Syria: Forces Blocking Refugee Return",
            "POLYGRAPH.info",
            None,
            "Russia and Syria: Forces Blocking Refugee Return",
        ),
        ("Analysis - Why rates rise", None, None, "Why rates rise"),
    ],
)
def test_page_title_becomes_the_headline_only_dropping_site_names_and_section_labels(
    title, outlet, url, headline
):
    assert clean_title(title, site_names(outlet, url)) == headline


@pytest.mark.parametrize(
    ("found", "outlet", "url", "authors"),
    [
        (
            ["Analysis by Chris Cillizza", "CNN Editor-at-large"],
            "CNN",
            "https://edition.cnn.com/x",
            ["Chris Cillizza"],
        ),
        (["Jill Disis", "CNN Business"], "CNN", None, ["Jill Disis"]),
        (["Ilana Muhlstein", "MS", "RDN"], None, None, ["Ilana Muhlstein"]),
        (["Jeff Foust Monday", "November"], None, None, ["Jeff Foust"]),
        (["Troy L. Smith, Cleveland.com"], "Cleveland", "https://www.cleveland.com/x", ["Troy L. Smith"]),
        (["LinkNaija"], "LinkNaija", None, ["LinkNaija"]),
        (
            ["Tim Esposito", "Ann Lee"],
            "The Times",
            "https://www.thetimes.example/x",
            ["Tim Esposito", "Ann Lee"],
        ),
    ],
)
def test_author_names_lose_labels_dates_roles_degrees_and_the_outlet_but_never_a_person(
    found, outlet, url, authors
):
    assert clean_authors(found, site_names(outlet, url)) == authors


# ------------------------------------------------------------------------------- id


def test_the_same_page_read_with_and_without_a_url_gets_the_same_id():
    logo_page = [
        html_article("logo_h1_page.html", url=u).id for u in (None, "https://valleycourier.example/a")
    ]
    assert logo_page[0] == logo_page[1]
    from_file = html_article("news_page.html")
    from_warc = html_article(
        "news_page.html", url="https://www.harbourherald.example/news/x", published="2024-03-12"
    )
    assert from_file.id == from_warc.id
    assert re.fullmatch(r"[0-9a-f]{16}", from_file.id)


def test_real_pages_get_the_same_id_with_and_without_their_url():
    handcheck = SHARED / "data" / "articles" / "metadata-handcheck.json"
    if not handcheck.exists():
        pytest.skip(f"shared article pages absent: {handcheck.parent}")
    for page in json.loads(handcheck.read_text(encoding="utf-8"))["pages"]:
        with gzip.open(handcheck.parent / "html" / f"{page['id']}.html.gz", "rt", encoding="utf-8") as f:
            html = f.read()
        with_url = extract_article(RawDocument(page["id"], html, "html", url=page["url"]))
        without = extract_article(RawDocument(page["id"], html, "html"))
        assert with_url.id == without.id, page["url"]


def test_the_id_ignores_line_endings_and_whitespace_but_not_words():
    content = read_fixture("wire.txt")
    crlf = content.replace("\n", "\r\n")
    assert text_article("wire.txt").id == extract_article(RawDocument("w", crlf, "text")).id
    assert article_id("Kirby said  it.\n") == article_id("Kirby said it.")
    assert article_id("Kirby said it.") != article_id("Price said it.")


def test_an_id_given_by_the_container_is_kept():
    raw = RawDocument("dump.jsonl#line=3", read_fixture("wire.txt"), "text", metadata={"id": "reuters-0042"})
    assert extract_article(raw).id == "reuters-0042"


def test_different_articles_get_different_ids():
    ids = {text_article(n).id for n in HEADLINES} | {
        html_article(n).id for n in ("news_page.html", "opinion_page.html")
    }
    assert len(ids) == len(HEADLINES) + 2
