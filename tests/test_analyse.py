"""The analysis stage after the attribution spans: entities, speakers, roles, stance, kind, noise.

Most tests set the attributions themselves (marked up in ``fixtures/analyse``, see conftest)
so that they pin the rules of speaker resolution and stance whatever the attribution model
finds; the seed article and the ``Analyser`` tests run the whole pipeline.
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES, SHARED, parse_marked
from sayso.records import AnalysedArticle, Article, Attribution, Region

FIXTURE_DIR = FIXTURES / "analyse"


def by_cue(record: AnalysedArticle, cue: str, nth: int = 0) -> Attribution:
    """The nth attribution whose cue reads ``cue``."""
    found = [a for a in record.attributions if a.cue.text == cue]
    cues = [a.cue.text for a in record.attributions]
    assert len(found) > nth, f"no attribution #{nth} with cue {cue!r}: {cues}"
    return found[nth]


def by_source(record: AnalysedArticle, source: str, nth: int = 0) -> Attribution:
    found = [a for a in record.attributions if a.source.text == source]
    assert len(found) > nth, f"no attribution #{nth} with source {source!r}"
    return found[nth]


def entity(record: AnalysedArticle, name: str):
    return next(e for e in record.entities if e.name == name)


def speakers_and_types(record: AnalysedArticle) -> list[tuple[list[str], str]]:
    """Each attribution's canonical speakers and source type, in order."""
    return [(a.speakers, a.source.type) for a in record.attributions]


@pytest.fixture(scope="module")
def bridge(analyse_marked):
    return analyse_marked("bridge_closure.txt")


@pytest.fixture(scope="module")
def senators(analyse_marked):
    return analyse_marked("two_senators.txt")


@pytest.fixture(scope="module")
def port(analyse_marked):
    return analyse_marked("port_briefing.txt")


# --- speakers -------------------------------------------------------------------------------


def test_a_surname_resolves_to_the_full_name_introduced_earlier(bridge, senators):
    assert by_source(bridge, "Marsh").speakers == ["Elena Marsh"]
    assert by_source(bridge, "Brennan").speakers == ["Tom Brennan"]
    assert by_source(senators, "Kane").speakers == ["Robert Kane"]
    assert by_source(bridge, "Marsh").source.entity == by_source(bridge, "Mayor Elena Marsh").source.entity


def test_a_shared_surname_is_the_first_person_so_named_unless_an_honorific_says_otherwise(analyse_marked):
    record = analyse_marked(
        "Donald Trump unveiled a child-care plan on Tuesday. His daughter Ivanka Trump helped write it. "
        "{s1|Trump} {c1|said} {q1|the plan was fair}. {s2|Ms. Trump} {c2|said} {q2|mothers would gain}."
    )
    assert speakers_and_types(record) == [(["Donald Trump"], "person"), (["Ivanka Trump"], "person")]


def test_a_name_in_a_title_case_headline_is_cut_to_the_name_the_text_gives(analyse_marked):
    record = analyse_marked(
        "Tom Keller Defends Himself Against Charges He Inflated His Résumé\n\n"
        "{s1|He} {c1|told} {q1|reporters the claims were false} on Sunday. Tom Keller has run for "
        "mayor since May."
    )
    assert speakers_and_types(record) == [(["Tom Keller"], "person")]


def test_a_pronoun_resolves_to_the_last_named_speaker_of_the_same_gender(senators):
    assert by_source(senators, "she").speakers == ["Maria Alvarez"]
    assert by_source(senators, "He").speakers == ["Robert Kane"]
    # Kane spoke last, but "she" skips him for the last woman who spoke
    assert by_cue(senators, "added").speakers == ["Maria Alvarez"]


def test_a_pronoun_resolves_to_the_speaker_of_the_sentence_before(bridge, port):
    assert by_source(bridge, "He").speakers == ["David Okafor"]
    assert by_source(port, "He").speakers == ["Omar Haddad"]
    assert by_source(port, "She").speakers == ["Laura Chen"]


def test_a_title_before_a_name_makes_the_role_and_the_name_the_speaker(port, bridge):
    first = by_source(port, "Maritime Commission spokesperson Laura Chen")
    assert first.speakers == ["Laura Chen"] and first.source.type == "person"
    assert by_source(bridge, "Mayor Elena Marsh").speakers == ["Elena Marsh"]


def test_a_possessive_organisation_before_a_surname_resolves_to_the_person(port):
    said = by_source(port, "The Transport Ministry's Haddad")
    assert said.speakers == ["Omar Haddad"]
    assert said.source.type == "person"


def test_coordinated_sources_give_one_speaker_each(port):
    according = by_cue(port, "according to")
    assert according.speakers == ["Laura Chen", "Omar Haddad"]
    assert according.source.type == "person"


def test_i_inside_a_quote_is_the_speaker_of_the_quote(port):
    assert by_source(port, "I").speakers == ["Peter Walsh"]


def test_i_in_a_quote_running_on_to_the_next_paragraph_is_the_last_speaker(analyse_marked):
    record = analyse_marked(
        "Union negotiator Peter Walsh spoke after the vote. "
        '"{q1|We will strike again}," {s1|Walsh} {c1|said}.\n\n'
        '"{s2|I} {c2|promise} {q2|you this is not over}."'
    )
    assert by_source(record, "I").speakers == ["Peter Walsh"]
    assert by_source(record, "I").stance == "promise"


def test_unnamed_sources_are_anonymous_and_keep_their_own_words(bridge, port):
    for record, words in [
        (bridge, "city officials"),
        (bridge, "A spokesperson for the mayor"),
        (bridge, "one council member"),
        (port, "Two people familiar with the talks"),
    ]:
        attribution = by_source(record, words)
        assert attribution.source.type == "anonymous"
        assert attribution.speakers == [words]


def test_they_refers_back_to_the_last_group_that_spoke(senators):
    they = by_source(senators, "They")
    assert they.speakers == ["Agriculture Department officials"]
    assert they.source.type == "anonymous"


def test_news_outlets_are_media_sources_that_report(bridge, senators, port):
    for record, name in [(bridge, "Harbour Gazette"), (senators, "Sacramento Bee"), (port, "Avalon Courier")]:
        attribution = next(a for a in record.attributions if a.speakers == [name])
        assert attribution.source.type == "media"
        assert attribution.stance == "report"
    reuters = by_source(senators, "Reuters")  # a wire agency that "said" still reports
    assert reuters.source.type == "media" and reuters.stance == "report"


@pytest.mark.parametrize("outlet", ["Rolling Stone", "Fast Company", "Süddeutsche Zeitung", "Asahi Shimbun"])
def test_outlets_named_without_a_newspaper_word_are_media_too(analyse_marked, outlet):
    record = analyse_marked(f"{{s1|{outlet}}} {{c1|reported}} {{q1|that the talks had stalled}}.")
    assert (record.attributions[0].source.type, record.attributions[0].stance) == ("media", "report")


def test_the_company_is_not_an_outlet_whose_name_ends_in_company(analyse_marked):
    record = analyse_marked(
        "{s1|Fast Company} {c1|reported} {q1|that the startup would cut jobs}.\n\n"
        "{s2|The company} {c2|confirmed} {q2|the cuts}."
    )
    assert record.attributions[0].speakers == ["Fast Company"]
    assert record.attributions[1].speakers != ["Fast Company"]


def test_organisations_are_resolved_from_names_definite_nouns_and_it(senators, port, bridge):
    department = by_source(senators, "The department")
    assert department.speakers == ["Agriculture Department"]  # named by "Agriculture Department officials"
    assert department.source.type == "organization"
    assert by_source(senators, "It").speakers == ["Agriculture Department"]
    assert by_source(port, "It").speakers == ["Port Employers Association"]
    assert by_source(bridge, "The city's finance department").source.type == "organization"


def test_a_definite_title_refers_back_to_the_person_who_holds_it(bridge):
    assert by_source(bridge, "The commissioner").speakers == ["David Okafor"]


def test_a_lead_s_definite_title_refers_forward_to_the_person_named_with_all_of_it(analyse_marked):
    record = analyse_marked(
        "{s1|The transport secretary} {c1|said} {q1|the strike would end soon}. {s2|The president} {c2|said} "
        "{q2|talks would go on}. {s3|The governor of South Dakota} {c3|wants} {q3|us to know about meth}.\n\n"
        "Unions rejected the offer. Transport Secretary Mark Harper met Vice President Joe Biden on Monday. "
        "Gov. Kristi Noem launched the campaign."
    )
    assert speakers_and_types(record) == [
        (["Mark Harper"], "person"),
        (["The president"], "anonymous"),
        (["Kristi Noem"], "person"),
    ]


def test_an_epithet_stands_for_the_one_person_of_its_gender_mentioned_just_before(analyse_marked):
    record = analyse_marked(
        "Donald Trump spoke in Ohio on Monday. {s1|The billionaire businessman} {c1|said} {q1|the election "
        "was rigged}.\n\n"
        "Meryl Streep watched the debate with Tom Hanks. {s2|The actress} {c2|said} {q2|she was "
        "appalled}.\n\n"
        "{s3|The candidates} {c3|agreed} {q3|the race was close}.\n\n"
        "Bernie Sanders campaigned in Iowa. Turnout was low. Snow fell all day. The roads were closed. "
        "{s4|The Vermont senator} {c4|said} {q4|the caucus would go ahead}.\n\n"
        "Elizabeth Warren grilled John Stumpf on Tuesday. {s5|The Democratic senator} {c5|said} "
        "{q5|he should resign}."
    )
    assert speakers_and_types(record) == [
        (["Donald Trump"], "person"),
        (["Meryl Streep"], "person"),
        (["The candidates"], "anonymous"),
        (["The Vermont senator"], "anonymous"),  # named three sentences back: too far to tell
        (["The Democratic senator"], "anonymous"),  # two people just before: no telling which
    ]


def test_a_source_cut_down_to_and_gives_the_names_on_both_sides(analyse_marked):
    record = analyse_marked(
        "Pentagon spokesperson Dana Reyes and Navy Secretary Carl Lind spoke on Friday.\n\n"
        "{q1|The carrier will sail in May}, {c1|according to} Reyes {s1|and} Navy Secretary Carl Lind."
    )
    assert record.attributions[0].speakers == ["Dana Reyes", "Carl Lind"]


def test_a_source_that_cannot_speak_falls_back_to_the_subject_of_the_cue(analyse_marked):
    record = analyse_marked(
        "The Biden administration earlier this {s1|year} {c1|accused} {q1|Iran of preparing to send drones}."
    )
    assert record.attributions[0].speakers == ["Biden administration"]
    assert record.attributions[0].source.type == "organization"


def test_a_source_is_named_by_its_noun_phrase_only(analyse_marked):
    record = analyse_marked(
        "{s1|The Biden administration earlier this year} {c1|accused} {q1|Iran of sending drones}.\n\n"
        "The {s2|Iranian} mission to the U.N. {c2|did not respond to} {q2|a request for comment}."
    )
    assert [a.speakers for a in record.attributions] == [
        ["Biden administration"],
        ["Iranian mission to the U.N."],
    ]


def test_a_report_by_an_organisation_is_that_organisations_say_so(bridge):
    according = by_cue(bridge, "According to")
    assert according.speakers == ["Calder & Webb"]
    assert according.source.type == "organization"


def test_a_sourceless_participle_cue_shares_the_speaker_of_its_governing_cue(bridge):
    saying = by_cue(bridge, "saying")
    assert saying.source.spans == []
    assert saying.speakers == ["A spokesperson for the mayor"]


def test_a_question_put_to_a_speaker_is_not_theirs(analyse_marked):
    record = analyse_marked(
        "Pentagon spokesperson Dana Reyes spoke on Friday.\n\n"
        "{c1|Asked} {q1|how many ships would sail}, {s2|Reyes} {c2|said} {q2|the number was classified}."
    )
    asked, said = record.attributions
    assert (asked.stance, asked.speakers, asked.source.spans) == ("question", [], [])
    assert said.speakers == ["Dana Reyes"]


def test_source_entity_points_into_the_entities_and_mentions_are_offsets_of_names(bridge):
    ids = {e.id: e for e in bridge.entities}
    for attribution in bridge.attributions:
        if attribution.source.entity is not None:
            assert ids[attribution.source.entity].name in attribution.speakers
    marsh = entity(bridge, "Elena Marsh")
    assert {bridge.text[s:e] for s, e in marsh.mentions} == {"Elena Marsh", "Marsh"}
    assert all(e.type in {"person", "organization", "media", "anonymous"} for e in bridge.entities)


# --- roles ----------------------------------------------------------------------------------


def test_roles_come_from_premodifiers_and_appositions(bridge, port, senators):
    assert entity(port, "Laura Chen").roles == ["Maritime Commission spokesperson"]
    assert entity(port, "Omar Haddad").roles == ["Transport Ministry spokesperson"]
    assert entity(bridge, "David Okafor").roles == ["Transport Commissioner"]
    assert entity(bridge, "Priya Raman").roles == ["firm's lead structural engineer"]  # apposition after
    assert entity(bridge, "Tom Brennan").roles == ["opposition leader on the city council"]  # before
    assert entity(senators, "Luis Ortega").roles == ["Kane's chief of staff"]
    assert entity(port, "Peter Walsh").roles == ["Union negotiator", "former crane operator"]


def test_a_title_inside_the_name_is_a_role_not_part_of_the_name(bridge, senators):
    assert entity(bridge, "Elena Marsh").roles == ["Mayor"]
    assert entity(senators, "Maria Alvarez").roles == ["Senator"]  # "Sen." written out
    assert entity(senators, "Helen Park").roles == ["Governor"]


def test_a_relative_clause_after_a_name_is_not_a_role(bridge):
    assert entity(bridge, "Ana Lopes").roles == []


def test_a_plural_title_gives_each_name_of_its_list_the_singular_title(analyse_marked):
    record = analyse_marked(
        "{s1|Sens. Jon Tester (D-Mont.) and Susan Collins (R-Maine)} {c1|asked} {q1|whether it was too big}."
        "\n\n{s2|Democratic Senators Tim Kaine, Mark Warner and Chris Murphy} {c2|said} {q2|it was wrong}."
        "\n\n{q3|The plan will fail}, {c3|according to} {s3|an aide}. "
        "{s4|Donald Trump} {c4|said} {q4|it would not}."
    )
    roles = {e.name: e.roles for e in record.entities if e.type == "person"}
    assert roles == {
        "Jon Tester": ["Senator"],
        "Susan Collins": ["Senator"],
        "Tim Kaine": ["Democratic Senator"],
        "Mark Warner": ["Democratic Senator"],
        "Chris Murphy": ["Democratic Senator"],
        "Donald Trump": [],  # "aide." ends a sentence: no abbreviated title
    }


# --- stance and kind ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "cue", "stance"),
    [
        ("bridge", "denied", "deny"),
        ("senators", "dismissed", "deny"),
        ("bridge", "accused", "accuse"),
        ("port", "accused", "accuse"),
        ("bridge", "declined to comment", "no-comment"),
        ("senators", "did not return", "no-comment"),
        ("port", "declined to comment", "no-comment"),
        ("bridge", "believe", "assess"),
        ("bridge", "estimated", "assess"),
        ("senators", "warned", "warn"),
        ("port", "warned", "warn"),
        ("bridge", "told", "assert"),
        ("senators", "argued", "assert"),
    ],
)
def test_stance_follows_the_cue(request, fixture, cue, stance):
    assert by_cue(request.getfixturevalue(fixture), cue).stance == stance


def test_concern_is_a_stance(analyse_marked):
    record = analyse_marked(
        "Chief Inspector Ruth Adler spoke on Friday. "
        "{s1|She} {c1|was concerned} {q1|that the audit came too late}."
    )
    assert record.attributions[0].stance == "concern"
    assert record.attributions[0].speakers == ["Ruth Adler"]


def test_kind_is_direct_indirect_or_mixed_by_the_quotation_marks(bridge, senators):
    assert by_source(bridge, "Ana Lopes").kind == "direct"
    assert by_source(bridge, "Mayor Elena Marsh").kind == "direct"  # a quote split around its cue
    assert by_source(bridge, "Marsh").kind == "indirect"
    assert by_source(senators, "Kane").kind == "mixed"  # partly quoted
    assert by_cue(bridge, "saying").kind == "mixed"


def test_straight_doubled_and_nyt_quote_marks_count_and_an_open_quote_ends_with_its_paragraph(analyse_marked):
    record = analyse_marked(
        "``{q1|We will appeal},'' {s1|Jane Doe} {c1|said}.\n\n"
        '"{q2|The ruling is wrong}, {s2|she} {c2|said}, {q2|and it will not stand.}\n\n'
        "{s3|The judge} {c3|said} {q3|the case was closed}.\n\n"
        "''{q4|We will be back},'' {s4|the lawyer} {c4|said}."
    )
    assert [a.kind for a in record.attributions] == ["direct", "direct", "indirect", "direct"]


def test_single_curly_quote_marks_make_a_quote_direct_and_a_headline_s_quoted_word_mixed(analyse_marked):
    record = analyse_marked(
        "{s1|Graham}{c1|:} {q1|Trump’s ‘Hateful Rhetoric’ Is Destroying the Party}\n\n"
        "{q2|‘We cannot let commuters pay the price,’} {s2|Mark Harper} {c2|told} the BBC.\n\n"
        "{s3|Lynch} {c3|said} {q3|the plan was ‘an attack on working people’}."
    )
    assert [a.kind for a in record.attributions] == ["mixed", "direct", "mixed"]


# --- noise ----------------------------------------------------------------------------------


def test_attributions_in_noise_regions_are_dropped_and_noise_is_not_parsed(analyse_marked):
    marked = (FIXTURE_DIR / "port_briefing.txt").read_text(encoding="utf-8")
    text, _ = parse_marked(marked)
    notice = (0, text.index("\n"))
    caption_start = text.index("Dock workers")
    caption = (caption_start, text.index("\n", caption_start))
    marked = marked.replace("Mark Tully / Reuters", "{s99|Mark Tully} {c99|/} {q99|Reuters}")
    record = analyse_marked(marked, regions=[Region("boilerplate", notice), Region("caption", caption)])
    for attribution in record.attributions:
        for role in (attribution.source, attribution.cue, attribution.content):
            for start, end in role.spans:
                assert end <= caption[0] or start >= caption[1]
    assert len(record.attributions) == len(parse_marked(marked)[1]) - 1
    mentioned = [(s, e) for entity in record.entities for s, e in entity.mentions]
    assert all(e <= caption[0] or s >= caption[1] for s, e in mentioned)
    assert record.text == text  # noise is marked, never removed


# --- the Analyser, end to end ---------------------------------------------------------------


def test_analyse_and_pipe_give_the_same_records_with_offsets_into_the_text(analyser):
    from sayso.records import Article

    articles = [
        Article(input=name, id=name, text=parse_marked((FIXTURE_DIR / name).read_text(encoding="utf-8"))[0])
        for name in ("bridge_closure.txt", "port_briefing.txt")
    ]
    piped = list(analyser.pipe(articles))
    assert [r.to_dict() for r in piped] == [analyser.analyse(a).to_dict() for a in articles]
    for record in piped:
        assert record.attributions, "the attribution model found nothing in a news article"
        for attribution in record.attributions:
            for role in (attribution.source, attribution.cue, attribution.content):
                assert role.text == " … ".join(record.text[s:e] for s, e in role.spans)


def test_every_model_runs_on_numpy_blas_ops_and_gives_what_spacy_s_own_ops_give(analyser):
    from thinc.api import NumpyOps

    from sayso.analyse.pipeline import NumpyBlasOps, use_numpy_blas
    from sayso.records import Article

    models = [c.model for _, c in analyser.nlp.pipeline if getattr(c, "model", None) is not None]
    assert {type(node.ops) for model in models for node in model.walk()} == {NumpyBlasOps}
    text = parse_marked((FIXTURE_DIR / "port_briefing.txt").read_text(encoding="utf-8"))[0]
    article = Article(input="port_briefing.txt", id="port", text=text)
    on_blas = analyser.analyse(article).to_dict()
    try:
        for model in models:
            for node in model.walk():
                node.ops = NumpyOps()
        assert analyser.analyse(article).to_dict() == on_blas
    finally:
        use_numpy_blas(analyser.nlp)
    assert on_blas["attributions"]


def test_an_empty_article_is_an_input_error(analyser):
    from sayso.errors import InputError
    from sayso.records import Article

    with pytest.raises(InputError, match="no article text"):
        analyser.analyse(Article(input="blank.txt", id="x", text=" \n "))


SEED = SHARED / "seeds" / "000_81b15043bb193245.txt"


@pytest.fixture(scope="module", params=["analyser", "accurate_analyser"])
def seed(request):
    """The seed article analysed in the fast and in the accurate mode."""
    if not SEED.exists():
        pytest.skip(f"the shared seed article is absent ({SEED})")
    analyser = request.getfixturevalue(request.param)
    from sayso.article import extract_article
    from sayso.records import RawDocument

    text = SEED.read_text(encoding="utf-8")
    return analyser.analyse(extract_article(RawDocument(str(SEED), text, "text")))


def claim(record: AnalysedArticle, words: str) -> Attribution:
    """The attribution whose content contains ``words``."""
    found = [a for a in record.attributions if words in a.content.text]
    assert found, f"no attribution with content {words!r}"
    return found[0]


@pytest.mark.parametrize(
    ("content", "speakers", "type", "stance"),
    [
        ("We assess that Iranian military personnel", ["John Kirby"], "person", "assert"),
        (
            "The U.S. has evidence that Iran sent troops",
            ["Biden administration officials"],
            "anonymous",
            "assert",
        ),
        ("Iran sent trainers and technical support", ["John Kirby"], "person", "assert"),
        ("The systems themselves were suffering failures", ["John Kirby"], "person", "assert"),
        ("the Iranians decided to send in troops", ["John Kirby"], "person", "assert"),  # "he said"
        ("Russia has deployed dozens of drones", ["John Kirby", "Ned Price"], "person", "assert"),
        ("Russia has received dozens of these UAVs", ["Ned Price"], "person", "assert"),
        ("credible information that Russian officials", ["Ned Price"], "person", "assert"),
        ("Iranian personnel had been sent to Ukraine", ["New York Times"], "media", "report"),
        ("Iran planned to provide Russia with missiles", ["Washington Post"], "media", "report"),
        (
            "the U.S. was working to help Ukraine",
            ["Ned Price"],
            "person",
            "assert",
        ),  # The State Department's Price
        ("preparing to send drones to Russia", ["Biden administration"], "organization", "accuse"),
        ("transferring drones to Russia", ["Iran"], "organization", "deny"),
        ("largely academic at the moment", ["Ned Price"], "person", "assert"),
        ("imposed new sanctions on Iran", ["John Kirby"], "person", "assert"),
        ("a request for comment", ["Iranian mission to the U.N."], "organization", "no-comment"),
        ("how many Iranians were in Crimea and why", [], "unknown", "question"),  # put to Kirby
        ("how Iran’s support for Russia’s war effort could affect", [], "unknown", "question"),
    ],
)
def test_seed_each_claim_has_its_canonical_speaker_type_and_stance(seed, content, speakers, type, stance):
    attribution = claim(seed, content)
    assert (attribution.speakers, attribution.source.type, attribution.stance) == (speakers, type, stance)


def test_seed_contents_stop_at_the_next_attribution_s_cue(seed):
    """In "Asked how many ..., Kirby said, "I don't ..."" Kirby's words are the quote alone; in "Kirby
    said the administration was concerned ..., but did not elaborate" the refusal is not his claim."""
    answer = claim(seed, "I don’t have a number")
    assert (answer.speakers, answer.kind) == (["John Kirby"], "direct")
    assert answer.content.text.startswith("“I don’t have a number")
    concerned = claim(seed, "the administration was concerned that Iran would provide Russia")
    assert concerned.content.text.endswith("surface-to-surface missiles")


def test_seed_surnames_and_pronouns_resolve_wherever_the_model_puts_them(seed):
    resolves_to = {"Kirby": ["John Kirby"], "he": ["John Kirby"], "Price": ["Ned Price"]}
    for attribution in seed.attributions:
        if attribution.source.text in resolves_to:
            assert attribution.speakers == resolves_to[attribution.source.text]


def test_seed_speakers_carry_their_roles(seed):
    roles = {e.name: e.roles for e in seed.entities}
    assert roles["John Kirby"] == ["White House National Security Council spokesperson"]
    assert roles["Ned Price"] == ["State Department spokesperson"]


def test_seed_nothing_comes_from_the_browser_notice_or_the_captions(seed):
    noise = [(0, seed.text.index("\n"))] + [
        (seed.text.rindex("\n", 0, i) + 1, i + len("Getty Images"))
        for i in (j for j in range(len(seed.text)) if seed.text.startswith("Getty Images", j))
    ]
    for attribution in seed.attributions:
        for role in (attribution.source, attribution.cue, attribution.content):
            for start, end in role.spans:
                assert all(end <= s or start >= e for s, e in noise), (attribution.id, role.text)


def test_a_name_of_unknown_gender_takes_the_gender_of_the_pronoun_that_follows_it(analyse_marked):
    record = analyse_marked(
        "Tendai Moyo said his bank would cut rates. Kiran Oduya said her fund would wait.\n\n"
        "{s1|Moyo} {c1|said} {q1|rates would fall}. {s2|She} {c2|said} {q2|they would not}."
    )
    assert by_source(record, "She").speakers == ["Kiran Oduya"]


def test_a_one_word_name_after_a_title_is_a_person_where_the_recogniser_takes_it_for_another_thing(
    analyse_marked,
):
    record = analyse_marked(
        "President Trump flew to Ohio on Monday. Trump told the crowd that the economy was booming.\n\n"
        "Later, {s1|Trump} {c1|said} {q1|the plant would reopen}.\n\n"
        "{s2|Trump} {c2|thought} {q2|voters would back him}."
    )
    assert speakers_and_types(record) == [(["Trump"], "person")] * 2


def test_a_pronoun_source_is_not_someone_named_in_its_own_quote(analyse_marked):
    record = analyse_marked(
        "Tom Reyes, an economist at Harbor University, {c1|said} {q1|the talks had stalled}.\n\n"
        "{q2|“By raising tariffs again, Mr. Brennan makes any deal harder,”} {s2|he} {c2|said}."
    )
    assert record.attributions[1].speakers == ["Tom Reyes"]


def test_a_full_name_with_a_role_in_apposition_is_a_person_though_the_recogniser_calls_it_an_organisation(
    analyse_marked,
):
    record = analyse_marked(
        "{s1|Eswar Pradeep, an economics professor at Cornell,} {c1|said} {q1|the talks had stalled}.\n\n"
        "\u201cThe tariffs stay,\u201d {s2|he} {c2|said}."
    )
    assert speakers_and_types(record) == [(["Eswar Pradeep"], "person")] * 2


def test_a_surname_is_the_person_whose_full_name_ends_in_jr(analyse_marked):
    record = analyse_marked(
        "Robert L. Hayes Jr., the county prosecutor, announced the charges on Friday.\n\n"
        "{s1|Hayes} {c1|said} {q1|the case was closed}."
    )
    assert record.attributions[0].speakers == ["Robert L. Hayes Jr."]


def test_the_article_s_own_first_person_is_its_byline_and_a_quoted_one_is_the_speaker_s(analyse_marked):
    record = analyse_marked(
        "{s1|I} {c1|think} {q1|the bridge should have closed years ago}.\n\n"
        "{q2|\u201cWe cannot wait any longer,\u201d} {s2|Mayor Elena Marsh} {c2|said}. "
        "\u201c{s3|We} {c3|know} {q3|the cables are failing}.\u201d\n\n"
        "{s4|The US} {c4|said} {q4|it would help}, and {s5|we} {c5|should} {q5|take that help}.",
        authors=["Ana Ruiz"],
    )
    assert speakers_and_types(record) == [
        (["Ana Ruiz"], "person"),
        (["Elena Marsh"], "person"),
        (["Elena Marsh"], "person"),
        (["US"], "organization"),
        (["Ana Ruiz"], "person"),
    ]
    unsigned = analyse_marked("{s1|I} {c1|think} {q1|the bridge should have closed years ago}.")
    assert (unsigned.attributions[0].speakers, unsigned.attributions[0].source.type) == (["I"], "unknown")


def test_the_byline_reaches_the_first_person_through_the_whole_pipeline(analyser):
    article = Article(
        input="column",
        id="column",
        text="Why the bridge must close\n\nI believe the city waited far too long to close the bridge.",
        authors=["Ana Ruiz"],
    )
    believe = by_cue(analyser.analyse(article), "believe")
    assert believe.speakers == ["Ana Ruiz"]


def test_a_person_joined_to_the_source_by_and_is_a_speaker_too(analyse_marked):
    record = analyse_marked(
        "Pentagon spokesperson Dana Reyes and Navy Secretary Carl Lind spoke on Friday.\n\n"
        "{q1|The carrier will sail in May}, {c1|according to} Reyes and {s1|Lind}.\n\n"
        "{q2|The crew is ready}, {c2|according to} {s2|Reyes} and Navy Secretary Carl Lind."
    )
    assert [a.speakers for a in record.attributions] == [["Dana Reyes", "Carl Lind"]] * 2


def test_an_unnamed_force_hospital_or_watchdog_speaks_as_an_organization(analyse_marked):
    record = analyse_marked(
        "{c1|According to} {s1|the Ukrainian air force}, {q1|more than 200 drones were shot down}.\n\n"
        "{s2|The hospital} {c2|said} {q2|three patients were in critical condition}.\n\n"
        "{s3|The state's election watchdog} {c3|said} {q3|it would review the complaint}."
    )
    assert speakers_and_types(record) == [
        (["Ukrainian air force"], "organization"),
        (["hospital"], "organization"),
        (["state's election watchdog"], "organization"),
    ]


def test_its_organisation_is_named_with_the_organisation_it_belongs_to(analyse_marked):
    record = analyse_marked(
        "{s1|Iran} {c1|has denied} {q1|transferring drones to Russia}. {s2|Its foreign ministry} {c2|said} "
        "{q2|the claims were baseless}.\n\n"
        "{s3|The United Nations} {c3|said} {q3|its staff had left}. {s4|Its refugee agency} {c4|said} "
        "{q4|the camps were full}."
    )
    assert speakers_and_types(record)[1::2] == [
        (["Iran's foreign ministry"], "organization"),
        (["United Nations' refugee agency"], "organization"),
    ]


def test_a_person_named_in_apposition_to_the_source_s_head_noun_is_the_speaker(analyse_marked):
    record = analyse_marked(
        "{s1|The chief executive, Mark Lowe,} {c1|has denied} {q1|any wrongdoing}.\n\n"
        "{s2|One of the family's lawyers, Justin Bamberg,} {c2|said} {q2|the video was incomplete}."
    )
    assert speakers_and_types(record) == [
        (["Mark Lowe"], "person"),
        (["Justin Bamberg"], "person"),
    ]
    assert entity(record, "Mark Lowe").roles == ["chief executive"]


def test_a_document_speaks_for_whoever_released_or_compiled_it(analyse_marked):
    record = analyse_marked(
        "{s1|The report, released Tuesday by the Government Accountability Office,} {c1|found} "
        "{q1|that regulators had missed warning signs}.\n\n"
        "{q2|Shares fell 3 percent}, {c2|according to} {s2|data from the New York Stock Exchange}.\n\n"
        "{s3|Data from the 2019 American Community Survey} {c3|show} {q3|that rents rose}."
    )
    assert speakers_and_types(record) == [
        (["Government Accountability Office"], "organization"),
        (["New York Stock Exchange"], "organization"),
        (["American Community Survey"], "organization"),
    ]


def test_a_surname_opening_a_sentence_before_a_possessive_is_still_the_person(analyse_marked):
    record = analyse_marked(
        "{s1|Adam Schiff} {c1|said} {q1|the hearing would go on}.\n\n"
        "{s2|Schiff}{c2|’s claim} {q2|that he has never met the witness} "
        "is hard to square with the record."
    )
    assert speakers_and_types(record) == [
        (["Adam Schiff"], "person"),
        (["Adam Schiff"], "person"),
    ]


def test_a_source_s_bracketed_short_form_is_not_part_of_its_name(analyse_marked):
    record = analyse_marked(
        "{s1|The Ohio State Attorney General (OSAG)} {c1|is looking into} {q1|the company}."
    )
    assert record.attributions[0].speakers == ["Ohio State Attorney General"]


def test_outlets_are_known_in_any_case(analyse_marked):
    record = analyse_marked(
        "{s1|Politifact} {c1|rated} {q1|the claim false}. "
        "{s2|POLITICO} {c2|reported} {q2|that the talks failed}."
    )
    assert speakers_and_types(record) == [
        (["Politifact"], "media"),
        (["POLITICO"], "media"),
    ]


def test_a_dated_document_without_an_author_speaks_for_nobody_named(analyse_marked):
    record = analyse_marked(
        "{s1|A March 3 presentation to lenders} {c1|indicated} {q1|office jobs would go}."
    )
    assert record.attributions[0].source.type == "unknown"


def test_a_company_name_the_tagger_reads_as_a_common_noun_is_still_the_company(analyse_marked):
    record = analyse_marked(
        "{s1|Two people who know of the inquiry} {c1|said} {q1|prosecutors are looking into WeWork "
        "and its founder}.\n"
        "A lawyer for the founder would not comment.\n"
        "{s2|WeWork} {c2|agreed to} {q2|a bailout from its biggest investor, the Japanese fund "
        "SoftBank}."
    )
    assert speakers_and_types(record)[1] == (["WeWork"], "organization")
    assert [e.name for e in record.entities].count("WeWork") == 1


def test_a_full_name_after_a_role_noun_is_a_person_but_not_a_name_modifying_a_role(analyse_marked):
    record = analyse_marked(
        "{q1|Price rises will be announced next month}, {c1|said} {s1|The Fenwick Company’s recently hired "
        "finance chief Maria Okonkwo} in a note to staff.\n\n"
        "{q2|The President received a diet plan}, {c2|said} {s2|principal deputy White House press "
        "secretary Hogan Gidley}."
    )
    people = {e.name: e.roles for e in record.entities if e.type == "person"}
    assert people["Maria Okonkwo"] == ["finance chief"]
    assert "White House" not in people


def test_a_name_ending_in_an_organisation_noun_or_a_party_s_members_is_a_group_not_a_person(analyse_marked):
    record = analyse_marked(
        "Virginia Democrats won the state senate, flipping suburban seats. "
        "{s1|They} {c1|said} {q1|voters were tired of the president}.\n\n"
        "{s2|Willie Mays} {c2|said} {q2|the museum was long overdue}.\n\n"
        "{s3|Victoria Hospital} {c3|said} {q3|two patients were stable}. {s4|Laura Benn, a historian at "
        "Christopher Newport University,} {c4|said} {q4|the race was close}."
    )
    assert speakers_and_types(record) == [
        (["Virginia Democrats"], "organization"),
        (["Willie Mays"], "person"),
        (["Victoria Hospital"], "organization"),
        (["Laura Benn"], "person"),
    ]
