"""Cross-article identity: when two names are one speaker, and which outlet a name means."""

from __future__ import annotations

from sayso.link.claims import SAME_CONTENT, content_words, same_content
from sayso.link.names import name_key, person_key
from sayso.link.outlets import outlet_identity
from sayso.link.speakers import Candidate, choose_full_name, distinct_roles, speaker_identity

KIRBY = Candidate(
    1, "John Kirby", frozenset({"White House National Security Council spokesperson"}), frozenset({7})
)
KIRBY_COACH = Candidate(2, "Tom Kirby", frozenset({"Chiefs head coach"}), frozenset({9}))
KIRBY_NO_ROLE = Candidate(3, "Ann Kirby", frozenset(), frozenset({9}))


def test_names_compare_without_case_accents_punctuation_possessives_or_a_leading_the():
    assert name_key("The State Department's") == "state department"
    assert name_key("Zelénskyy") == name_key("ZELENSKYY")
    assert name_key("U.S. officials") == "u s officials"


def test_titles_are_stripped_from_person_names_but_a_lone_title_word_is_kept():
    assert person_key("President Joe Biden") == "joe biden"
    assert person_key("Mr. John Kirby") == "john kirby"
    assert person_key("Sen. Price") == "price"
    assert person_key("President") == "president"


def test_the_same_person_named_with_and_without_a_title_is_one_speaker():
    assert speaker_identity("Mr. John Kirby", "person").key == speaker_identity("john kirby", "person").key


def test_anonymous_sources_are_kept_per_wording():
    officials = speaker_identity("Biden administration officials", "anonymous")
    official = speaker_identity("a senior U.S. official", "anonymous")
    assert officials.type == official.type == "anonymous"
    assert officials.key != official.key
    assert officials.key == speaker_identity("The Biden administration officials", "anonymous").key


def test_a_media_source_is_its_outlet_under_any_of_its_names():
    by_name = speaker_identity("The New York Times", "media")
    assert by_name.type == "media" and by_name.outlet.domain == "nytimes.com"
    assert speaker_identity("NYT", "organization").key == by_name.key
    assert outlet_identity("nytimes.com").key == by_name.outlet.key
    assert outlet_identity(None, "https://www.nytimes.com/2022/10/19/us/iran.html").key == by_name.outlet.key


def test_an_unknown_outlet_is_named_by_its_site_name_or_else_its_domain():
    assert outlet_identity("Kyiv Post").name == "Kyiv Post"
    assert outlet_identity("Kyiv Post", "https://www.kyivpost.com/post/1").domain == "kyivpost.com"
    from_url = outlet_identity(None, "https://news.example.org/a/1")
    assert (from_url.name, from_url.domain) == ("news.example.org", "news.example.org")
    assert outlet_identity(None, None) is None


def test_a_surname_is_the_only_known_full_name_with_it():
    assert choose_full_name([], None, [KIRBY]) == KIRBY
    assert choose_full_name([], None, []) is None


def test_a_surname_whose_role_contradicts_the_full_name_is_someone_else():
    assert choose_full_name(["farmer near Dodge City"], None, [KIRBY]) is None


def test_shared_role_words_choose_between_namesakes():
    assert choose_full_name(["White House spokesperson"], None, [KIRBY, KIRBY_COACH]) == KIRBY
    assert choose_full_name(["head coach"], None, [KIRBY, KIRBY_COACH]) == KIRBY_COACH


def test_without_roles_the_outlet_chooses_and_a_tie_links_nobody():
    assert choose_full_name([], 7, [KIRBY, KIRBY_NO_ROLE]) == KIRBY
    assert choose_full_name([], None, [KIRBY, KIRBY_COACH]) is None


def test_claim_content_words_drop_stop_words_and_plural_or_verb_endings():
    assert content_words("Iran has denied transferring the drones to Russia") == {
        "iran",
        "deni",
        "transferr",
        "drone",
        "russia",
    }


def test_two_claims_are_the_same_story_when_most_words_of_the_shorter_are_shared():
    nyt = content_words("Iranian military trainers are in Crimea helping Russian forces operate drones")
    reuters = content_words("Iranian trainers were in Crimea")
    unrelated = content_words("yields could fall by a third")
    assert same_content(nyt, reuters) >= SAME_CONTENT
    assert same_content(nyt, unrelated) == 0
    assert same_content(content_words("Russia said"), content_words("Russia denied it")) == 0, (
        "one word is no story"
    )


def test_a_speakers_roles_drop_those_another_role_already_says():
    roles = ["transport commissioner", "city transport commissioner", "Transport Commissioner", "Mayor"]
    assert distinct_roles(roles) == ["Mayor", "city transport commissioner"]
    assert distinct_roles(["White House spokesperson", "State Department spokesperson"]) == [
        "State Department spokesperson",
        "White House spokesperson",
    ]
