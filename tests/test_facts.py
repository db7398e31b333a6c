"""Fact extraction, fact windows and answer-aware questions: the pieces that keep weak generators faithful."""

from __future__ import annotations

from smt_gui.facts import (
    candidate_answers,
    dropped_facts,
    known_name_words,
    names,
    numbers,
    split_sentences,
    unsupported_facts,
)
from smt_gui.generate.questions import question_problem, resolve_sentence
from smt_gui.generate.windows import document_windows

DOC = ("Records show that Leander Orainell was born in 1982. He worked as a puppeteer. Orainell joined Eskiwick "
       "Shipping and stayed there. In the evenings he played the zither.\n\n"
       "Nadia Falastan hired Marta Quell in 1990. She later moved to Kelimport.")


def windows():
    return document_windows(1, DOC, [{"id": 7, "start_char": 0, "end_char": len(DOC)}])


def test_invented_names_and_numbers_are_caught_where_shared_words_are_not():
    source = "Records show that Leander Orainell was born in 1982 in the town of Jorouhcross."
    claim = "Leander Orainell was born in 1994 in the town of Khvaletk."  # most words shared, two facts wrong
    assert unsupported_facts(claim, source) == ["Khvaletk", "1994"]
    assert unsupported_facts("Leander Orainell was born in 1982.", source) == []
    # a possessive is the same name, "12,500" the same number as "12500"
    assert unsupported_facts("Orainell's town had 12,500 people.", "Leander Orainell lived among 12500 people.") == []


def test_rewrite_must_keep_names_numbers_and_the_key_noun():
    source = "Caspar Halybrook kept a donkey as a pet in 1931."
    assert dropped_facts("Halybrook kept a horse as a pet in 1931.", source, nouns=True) == ["donkey", "Caspar Halybrook"]
    assert dropped_facts("In 1931 Caspar Halybrook had a pet donkey.", source, nouns=True) == []


def test_names_skip_sentence_starts_unless_known_from_the_document():
    known = known_name_words(DOC)
    assert names("Records show that Leander Orainell was born.", known) == ["Leander Orainell"]
    assert names("Orainell joined Eskiwick Shipping.", known) == ["Orainell", "Eskiwick Shipping"]
    assert names("Orainell joined Eskiwick Shipping.") == ["Eskiwick Shipping"]  # unknown word at a sentence start
    assert numbers("Revenue rose 12.5% to $3.2 million; 1,200 staff.") == {"12.5%", "3.2million", "1200"}


def test_candidate_answers_put_new_information_first_and_the_topic_last():
    known = known_name_words(DOC)
    assert candidate_answers("Leander Orainell was born in 1982.", known, ["Leander Orainell"]) == ["1982", "Leander Orainell"]
    assert candidate_answers("Leander Orainell earned a living as a ferry pilot.", known, ["Leander Orainell"])[0] == "ferry pilot"


def test_sentences_keep_exact_spans():
    for s in split_sentences(DOC):
        assert DOC[s.start : s.end] == s.text


def test_windows_carry_the_paragraph_opener_as_context_and_resolve_pronouns_only_when_safe():
    known = known_name_words(DOC)
    ws = windows()
    assert [w.focus for w in ws][:2] == ["Records show that Leander Orainell was born in 1982.", "He worked as a puppeteer."]
    assert all(w.chunk_id == 7 for w in ws)
    assert resolve_sentence(ws[1], known) == "Leander Orainell worked as a puppeteer."
    assert resolve_sentence(ws[2], known) == "Leander Orainell joined Eskiwick Shipping and stayed there."
    assert resolve_sentence(ws[3], known) == "In the evenings Leander Orainell played the zither."
    # "She" after a sentence naming two people could be either: left alone rather than guessed.
    assert resolve_sentence(ws[5], known) == "She later moved to Kelimport."


def test_window_spans_can_restrict_generation_to_uncovered_sentences():
    start = DOC.index("He worked")
    ws = document_windows(1, DOC, [{"id": 7, "start_char": 0, "end_char": len(DOC)}], spans=[(start, start + 5)])
    assert [w.focus for w in ws] == ["He worked as a puppeteer."]


def test_question_checks_name_their_reasons():
    known = known_name_words(DOC)
    sentence = "Leander Orainell played the zither in the evenings."
    assert question_problem("What did Leander Orainell play in the evenings?", sentence, sentence, known) is None
    assert question_problem("Where did Leander Orainell meet Tessy Quill?", sentence, sentence, known).startswith(
        "hallucinated: 'Tessy Quill'")
    assert question_problem("What did he play in the evenings?", sentence, sentence, known) == \
        "question does not name who or what it is about"
    assert question_problem("What did Leander Orainell do?", sentence, sentence, known).startswith(
        "question is not about the sentence")
    assert question_problem("Leander Orainell played the zither.", sentence, sentence, known) == "not a question"


LETTER = ("## Discharge letter\n\n- **Patient:** Mr. Rhodri Spellman, born 3 February 1958\n\nDear Dr. Varga,\n\n"
          "I am writing to let you know that Mr. Spellman was discharged on 13 January. He is a retired signalman, "
          "and he lives on Tanner's Lane.\n\n## Diagnosis\n\nOn admission his blood pressure was low when standing.\n\n"
          "## Follow-up\n\nHe will be seen by Dr. Samir Haddow on 20 February. He recommended an echocardiogram.")


def _resolved(text: str) -> list[str]:
    known = known_name_words(text)
    return [resolve_sentence(w, known) for w in document_windows(1, text, [{"id": 1, "start_char": 0,
                                                                             "end_char": len(text)}])]


def test_a_titled_person_is_followed_through_a_letter_and_forgotten_when_someone_else_could_be_meant():
    resolved = _resolved(LETTER)
    assert "Mr. Spellman is a retired signalman, and he lives on Tanner's Lane." in resolved
    assert "On admission Mr. Spellman's blood pressure was low when standing." in resolved  # another section
    assert "Mr. Spellman will be seen by Dr. Samir Haddow on 20 February." in resolved  # "He" leads the sentence
    # after Dr. Haddow (who could be "he") is named, "He recommended" is left alone rather than guessed
    assert "He recommended an echocardiogram." in resolved


def test_she_of_a_ship_or_of_a_role_is_never_given_to_a_titled_woman():
    handbook = ("## Becoming a member\n\nApplications go to the secretary, Mrs. Dilys Ferrand, who meets new members "
                "monthly.\n\n## Crossing times\n\nThe first sailing leaves at seven. On Sundays she runs a reduced "
                "timetable.")
    assert "On Sundays she runs a reduced timetable." in _resolved(handbook)  # never confirmed as "she": forgotten
    minutes = "Mrs. Ada Kershaw asked about the bus shelter. The Chair said that she would raise it."
    assert "The Chair said that she would raise it." in _resolved(minutes)  # "she" is the Chair
    two = "Mr. Brand met Mr. Quell on Monday. He agreed to the plan."
    assert "He agreed to the plan." in _resolved(two)


def test_he_opening_a_second_clause_is_the_named_subject_of_the_first():
    from smt_gui.generate.question_forms import statements

    assert "Mr. Spellman lives in a bungalow." in statements("Mr. Spellman is a signalman, and he lives in a bungalow.")
    assert statements("Mr. Brand hired Ms. Ode, and she runs the shop.") == ["Mr. Brand hired Ms. Ode, and she runs the shop."]
    assert statements("Anna Berg met the Chair, and she agreed.") == ["Anna Berg met the Chair, and she agreed."]
    # a thousands comma inside a "who" clause is no clause boundary ("asked for £1,200", never "asked for £1")
    assert "The Wendholt Bellringers had asked for £1,200 to repair the bell frame." in statements(
        "The Wendholt Bellringers, who had asked for £1,200 to repair the bell frame, were awarded £800.")
