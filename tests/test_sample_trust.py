"""What a reader would reject is rejected: meaning flips in rewrites, unchecked samples in a bulk accept, and a
grade that says "wrong" when a short answer is not what its question asks (a measure that can fail)."""

from __future__ import annotations

import json

from smt_gui import curate
from smt_gui.factcheck import grade_qa, grade_rewrite, key_facts
from smt_gui.generate.kinds import WorkUnit, rewrite_problems
from smt_gui.generate.meaning import meaning_changes, recase
from smt_gui.ingest import ingest_paths
from smt_gui.testing.samples import first_chunk, insert_sample

SOURCE = "The Halcyon is the only ship allowed to carry livestock, and tea on board is served in enamel mugs."


def test_a_rewrite_that_swaps_a_noun_or_negates_a_rule_is_refused():
    assert meaning_changes("Tea is served in glass mugs.", "Tea is served in enamel mugs.") == \
        ["swaps 'enamel' for 'glass'"]
    flipped = meaning_changes("The Halcyon can carry livestock, but is not allowed to carry livestock at night.",
                              "The Halcyon is the only ship allowed to carry livestock.")
    assert "negation changed ('not' added)" in flipped and "drops 'only'" in flipped
    assert meaning_changes("Complaints were put in writing to the chair.",
                           "Complaints should be put in writing to the chair.") == ["drops 'should'"]
    # Paraphrases that keep the facts pass: new verbs and word order are what rewriting is for.
    assert meaning_changes("Enamel mugs are what tea is served in.", "Tea is served in enamel mugs.") == []
    assert meaning_changes("Leander Orainell worked as a ferry pilot.",
                           "Leander Orainell was a ferry pilot.") == []
    assert meaning_changes("Zelogar Shipping employed Leander Iskosby.",
                           "Leander Iskosby was employed by Zelogar Shipping.") == []
    unit = WorkUnit("k", "rewrite", "rewrite_window", 1, 1, "t", SOURCE, focus_start=0, focus_end=len(SOURCE), source=SOURCE)
    bad = "The Halcyon is not allowed to carry livestock, and tea on board is served in glass mugs."
    assert any(p.startswith("negation changed") for p in rewrite_problems(bad, unit, set(), strict=True))
    good = "Of all the ships only the Halcyon is allowed to carry livestock, and on board tea is served in enamel mugs."
    assert not [p for p in rewrite_problems(good, unit, set(), strict=True) if "negation" in p or "swaps" in p]


# Rewrites of the bundled 135M model that a reader labelled unfaithful (benchmarks/audit/round2_labels.jsonl):
# every name and number kept, the meaning changed by a verb, a preposition, a repeat, a noun's number or grammar.
AUDITED_FLIPS = [
    ("Greta Eskouven lived in Voreathford.", "Greta Eskouven was raised in Voreathford.", "changes the verb 'raised'"),
    ("The finished coffee is served up to five days in a refrigerator.",
     "The finished coffee keeps for up to five days in a refrigerator.", "changes the verb 'keeps'"),
    ("Notices are posted outside the Quay Office, which is staffed by seven until six on weekdays.",
     "Notices are posted outside the Quay Office, which is staffed from seven until six on weekdays.",
     "changes 'from seven'"),
    ("For most of Quentin Nelywyn's career, Zelogar Shipping worked for him.",
     "For most of his career Quentin Nelywyn worked for Zelogar Shipping.", "changes 'for zelogar', 'of career'"),
    ("The railway station was closed to passengers until 1964.", "The railway station closed to passengers in 1964.",
     "changes 'in 1964'"),
    ("Nadia Eskaistan, a locksmith, was a trade.", "By trade, Nadia Eskaistan was a locksmith.", "changes 'by trade'"),
    ("At Greta Eskouven looked after a pony at home.", "At home Greta Eskouven looked after a pony.",
     "says 'at greta' where the source does not"),
    ("When adding coarse-ground coffee to the mesh filter, you should add it to the filter.",
     "Add coarse-ground coffee to the mesh filter.", "says 'add' 2 times"),
    ("Children under eight should not use appliances without supervision.",
     "Children under eight should not use the appliance without supervision.", "changes 'appliance' to 'appliances'"),
    ("Ilsa Quilawick was a archivist.", "Ilsa Quilawick worked as an archivist.", "'a archivist' is not English"),
    # Focal rewrites of the app's sample document, seen in the golden-path test (bundled 135M model):
    ("Mirela Drawyn a keen player of the mandolin.", "Mirela Drawyn was a keen player of the mandolin.",
     "no verb in 'Mirela Drawyn a keen player of the mandolin.'"),
    ("Corliss Rosowick, who earned a living as a bookbinder.", "Corliss Rosowick earned a living as a bookbinder.",
     "not a sentence: 'Corliss Rosowick, who earned a living as a bookbinder.'"),
]


def test_a_rewrite_that_changes_a_verb_a_preposition_or_a_noun_number_is_refused():
    for rewrite, source, reason in AUDITED_FLIPS:
        assert reason in meaning_changes(rewrite, source), (rewrite, meaning_changes(rewrite, source))
    # The context a rewrite is checked with often holds its own source: a word it says twice is still refused.
    source = "Nadia Faleford earned a living as an archivist."
    assert "says 'archivist' 2 times" in meaning_changes(
        "The archivist Nadia Faleford earned a living as an archivist.", source, context=source)
    # What the same reader labelled faithful still passes: moved phrases, "be"/"have" for a light verb, active voice.
    for rewrite, source in [
        ("Quentin Nelywyn played the banjo in the evenings.", "In the evenings Quentin Nelywyn played the banjo."),
        ("Ilsa Quilawick had a pet rabbit.", "Ilsa Quilawick lived with a pet rabbit."),
        ("The finished coffee is kept for up to five days in the refrigerator.",
         "The finished coffee keeps for up to five days in a refrigerator."),
    ]:
        assert meaning_changes(rewrite, source) == [], (rewrite, meaning_changes(rewrite, source))


# Round 5 (benchmarks/audit/round5_labels.jsonl): a rewrite that ends before the source's last clause keeps every
# noun it says and loses a fact; the reader counted these unfaithful (np_history#29, facts_seed1#73/#99/#103).
AUDITED_OMISSIONS = [
    ("The town holds each June the Barge Fair.",
     "Each June the town holds the Barge Fair, which remembers the boats that gave it its name.",
     "leaves out 'remembers', 'boats', 'gave'"),
    ("Ilsa Quilawick joined Ulasby Foundry.", "Ilsa Quilawick joined Ulasby Foundry and stayed there.",
     "leaves out 'stayed'"),
]


def test_a_rewrite_that_leaves_a_clause_out_is_refused():
    for rewrite, source, reason in AUDITED_OMISSIONS:
        assert reason in meaning_changes(rewrite, source), (rewrite, meaning_changes(rewrite, source))
    # Grammar, a pronoun a name stands for, and a verb that became "be" may go; the facts stay.
    for rewrite, source in [
        ("Ilsa Quilawick worked as an archivist.", "She worked as an archivist."),
        ("Kelmsby has a population of about 5,200.", "Today Kelmsby has a population of about 5,200."),
        ("Ilsa Quilawick was an archivist.", "Ilsa Quilawick worked as an archivist."),
    ]:
        assert not any(p.startswith("leaves out") for p in meaning_changes(rewrite, source)), (
            rewrite, meaning_changes(rewrite, source))


def test_a_rewrite_that_adds_an_action_the_source_does_not_state_is_refused():
    """Round 6 (benchmarks/audit/round6_labels.jsonl, np_history#28): every noun and the year kept, and "built" added, so
    the year moved from the restoration onto a building the source never mentions."""
    source = "The old mill, which was restored by the Kelmsby Heritage Trust in 1989, now houses a museum and a tea room."
    rewrite = ("The old mill, originally built in 1989, now houses a museum and a tea room, restored by the Kelmsby "
               "Heritage Trust.")
    assert "adds the verb 'built'" in meaning_changes(rewrite, source)
    # A new verb where the source has only "be", or a place "called" by its name, adds no action.
    assert meaning_changes("Leander Orainell worked as a ferry pilot.", "Leander Orainell was a ferry pilot.") == []
    assert not any("adds the verb" in p for p in meaning_changes(
        "Quentin Nelywyn grew up in a town called Quilarcross.", "Quentin Nelywyn grew up in Quilarcross."))


def test_accept_all_accepts_only_what_passes_the_checks(project, tmp_path):
    doc = tmp_path / "fleet.md"
    doc.write_text("# The fleet\n\nIn 2019 the fleet switched to electric ferries between the islands.\n")
    ingest_paths(project, [doc])
    with project.connect() as conn:
        title = conn.execute("SELECT title FROM documents").fetchone()[0]
    document, chunk, _ = first_chunk(project, title)
    good = insert_sample(project, "qa", document, chunk, "In which year did the fleet switch to electric ferries?",
                         "2019. In 2019 the fleet switched to electric ferries between the islands.")
    fragment = insert_sample(project, "qa", document, chunk, "The what?", "fleet. The fleet.")
    invented = insert_sample(project, "qa", document, chunk, "In which year did the fleet reach Khvaletk?",
                             "2019. The fleet reached Khvaletk in 2019.")
    outcome = curate.accept_passing(project, [good, fragment, invented])  # no check had run: they run first
    assert outcome["accepted"] == 1 and outcome["held_back"] == 2
    assert set(outcome["reasons"]) >= {"question", "grounding"}
    statuses = {r["id"]: r["status"] for r in curate.query_samples(project, page_size=10)[0]}
    assert statuses == {good: "accepted", fragment: "pending", invented: "pending"}


def _sample(question: str, span: str, sentence: str, document: str) -> dict:
    start = document.index(sentence)
    return {"question": question, "generator": json.dumps({"answer_span": span}), "source_start": start,
            "source_end": start + len(sentence), "source_text": sentence}


def test_the_key_grade_fails_a_short_answer_that_is_another_span_of_the_sentence():
    document = "# Fleet\n\nIn 2019 the whole fleet switched to electric ferries between the islands."
    sentence = document.split("\n\n")[1]
    keys = key_facts(document, [{"sentence": sentence, "value": "electric ferries", "type": "thing",
                                 "asks": "What did the fleet switch to?"},
                                {"sentence": sentence, "value": "2019", "type": "year",
                                 "asks": "In which year did the fleet switch to electric ferries?"}])
    assert grade_qa(_sample("What kind of fuel has the fleet switched to?", "islands", sentence, document), keys)[0] \
        is False
    assert grade_qa(_sample("What did the whole fleet switch to?", "2019", sentence, document), keys)[0] is False
    assert grade_qa(_sample("What did the fleet switch to in 2019?", "electric ferries", sentence, document), keys)[0]
    assert grade_qa(_sample("When did the fleet change?", "2019", sentence, document), keys)[0]
    lost = {"text": "The fleet switched to diesel ferries in 2019.", "source_text": sentence,
            "source_start": document.index(sentence), "source_end": len(document)}
    assert grade_rewrite(lost, keys)[0] is False


def test_a_rewrite_differs_only_when_it_changes_words_not_when_it_moves_or_splits_them():
    """Audit round 8: a reader called a moved phrase, a split clause or "she" resolved to a name a near-copy; the
    grade counted them (and the copied sentences stitched round a focal sentence) as changes, 87% against 1 of 30."""
    from smt_gui.factcheck import reworded

    source = "The cooperative owns one vessel, the Marigold Prentice, which was built at Cally's Yard in 2004."
    keys = key_facts(source, [{"sentence": source, "value": "2004", "type": "year", "asks": "When was it built?"}])

    def differs(text: str, source_text: str = source) -> bool:
        return grade_rewrite({"text": text, "source_text": source_text, "source_start": 0, "source_end": len(source)},
                             keys)[1]

    assert not differs("The cooperative owns one vessel, the Marigold Prentice. It was built at Cally's Yard in 2004.")
    assert not differs("In 2004 the Marigold Prentice, which the cooperative owns, was built at Cally's Yard.")
    section = source + " She carries up to ninety-six passengers."
    assert not differs("She carries up to ninety-six passengers. " + source, section)  # stitched, reordered: a copy
    assert differs("Cally's Yard launched the Marigold Prentice, the cooperative's only boat, in 2004.")
    assert reworded("Tickets are valid for the whole day.", "The ticket is valid for the whole day.") == 0


def test_an_open_answer_is_right_only_when_its_first_sentence_states_the_gold_option():
    from smt_gui.factcheck import states_option

    options = ["2004", "2019", "1987", "2011"]
    # The Chat answer: the fact is in it, but the first words a person reads are wrong.
    assert states_option("2019. The cooperative was founded in 1987 by a retired schoolteacher.", options, 2) == \
        (False, "first sentence does not state the answer (says '2019')")
    assert states_option("It was founded in 1987 by forty-two residents.", options, 2)[0]
    assert not states_option("It was founded in 1987 or perhaps 2004.", options, 2)[0]
    assert states_option("Forty minutes.", ["twenty minutes", "forty minutes", "an hour", "two hours"], 1)[0]
    assert not states_option("I do not know.", options, 2)[0]


def test_a_rewrite_edited_into_another_meaning_is_flagged_by_the_stored_meaning_check(project, tmp_path):
    doc = tmp_path / "manual.md"
    sentence = "Children under eight should not use the appliance without supervision."
    doc.write_text(sentence + "\n")
    ingest_paths(project, [doc])
    with project.connect() as conn:
        title = conn.execute("SELECT title FROM documents").fetchone()[0]
    document, chunk, _ = first_chunk(project, title)
    kept = insert_sample(project, "rewrite", document, chunk, text="Without supervision, children under eight "
                                                                    "should not use the appliance.")
    changed = insert_sample(project, "rewrite", document, chunk, text="Children under eight should not use "
                                                                       "appliances without supervision.")
    with project.connect() as conn:
        conn.execute("UPDATE samples SET source_text = ?, source_start = 0, source_end = ?", (sentence, len(sentence)))
    curate.run_checks(project, checks=("meaning",))
    scores = {r["id"]: r["scores"]["meaning"] for r in curate.query_samples(project, page_size=10)[0]}
    assert scores[kept] == {"score": 1.0, "reason": "ok"}
    assert scores[changed] == {"score": 0.0, "reason": "changes 'appliance' to 'appliances'"}
    outcome = curate.accept_passing(project, [kept, changed])
    assert outcome["accepted"] == 1 and "meaning" in outcome["reasons"]


def test_the_key_grade_fails_a_table_question_answered_from_the_wrong_column():
    """A label or table question ("What does “report” give for “Touring bikes” under “Revenue”?") can take any kind
    of answer, so every cell of its row would pass the type rule; it is graded against the key fact it asks."""
    document = "# Q3\n\n| Line | Units sold | Revenue |\n|---|---|---|\n| Touring bikes | 2,140 | £2.35m |\n"
    row = "| Touring bikes | 2,140 | £2.35m |"
    keys = key_facts(document, [
        {"sentence": row, "value": "2,140", "type": "quantity", "asks": "How many touring bikes were sold?"},
        {"sentence": row, "value": "£2.35m", "type": "quantity", "asks": "How much revenue did touring bikes bring in?"}])
    question = "What does “Q3” give for “Touring bikes” under “Revenue”?"
    assert grade_qa(_sample(question, "£2.35m", row, document), keys)[0] is True
    assert grade_qa(_sample(question, "2,140", row, document), keys)[0] is False


def test_round_four_unfaithful_documents_are_refused():
    """The two focal documents the round-4 reader labelled unfaithful: a model's "and" -> "but" (a contrast the
    source does not draw) and a code split that gave "Josiah and Abel Thorne, who had left ..." to Abel alone."""
    from smt_gui.generate.question_forms import split_relative

    source = "The Lusk Valley Railway reached Kelmsby in 1867, and it changed the town more than anything before it."
    assert "adds a relation the source does not state ('but')" in meaning_changes(source.replace(", and", ", but"), source)
    assert meaning_changes(source.replace(", and it", ". It"), source) == []
    assert split_relative("Kelmsby was founded in 1742 by two brothers, Josiah and Abel Thorne, who had left the lead "
                          "mines of the Carrow Hills in search of better land.") is None
    assert split_relative("The mill was built in 1791 by Jonas Treddick, who was a corn merchant.") == \
        "The mill was built in 1791 by Jonas Treddick. Jonas Treddick was a corn merchant."


def test_a_relative_clause_inside_the_subject_becomes_its_own_sentence_only_when_it_is_about_the_subject():
    """Code-made rewrites for sentences a weak model could not rewrite (2026-12-07: 12 of 68 QA sentences of the
    natural-prose set had one; the split inside the subject brings five more). Each still passes the meaning checks,
    and a clause that is about another noun than the subject is never split onto it."""
    from smt_gui.generate.question_forms import code_rewrite, split_subject_relative

    mill = "The old mill, which was restored by the Kelmsby Heritage Trust in 1989, now houses a museum and a tea room."
    assert split_subject_relative(mill) == ("The old mill was restored by the Kelmsby Heritage Trust in 1989. It now "
                                            "houses a museum and a tea room.")
    assert meaning_changes(code_rewrite(mill), mill) == []
    bells = ("The Wendholt Bellringers, who had asked for £1,200 to repair the tenor bell frame, were awarded £800.")
    assert split_subject_relative(bells) == ("The Wendholt Bellringers had asked for £1,200 to repair the tenor bell "
                                             "frame. They were awarded £800.")
    # "which can carry two children" is the bike's, not the demand's; "the keeper" again would be somebody else.
    assert split_subject_relative("Demand for the Pannier Eight, which can carry two children, exceeded the 600 "
                                  "units we had planned.") is None
    assert split_subject_relative("The keeper, who lived on the island, rang the bell at dusk.") is None


def test_a_focal_sentence_that_says_she_stays_after_what_she_stands_for():
    """Read in the 2026-12-07 run: "She carries up to ninety-six passengers …" led a focal document, before "The
    cooperative owns one vessel, the Marigold Prentice", so "she" named nothing. Such a sentence keeps its place;
    one without a pronoun still leads its document."""
    from smt_gui.facts import split_sentences
    from smt_gui.generate.passages import stitch

    sentences = split_sentences("The cooperative owns one vessel, the Marigold Prentice, which was built in 2004. She "
                                "carries up to ninety-six passengers. At weekends her relief skipper is Bethan Moss. "
                                "The crossing takes eleven minutes.")
    origins = [[p.origin for p in stitch(sentences, (s.start, s.end), "rewrite", {}, "seed")] for s in sentences]
    assert origins[1] == ["source", "focal", "source", "source"]
    assert origins[2] == ["source", "source", "focal", "source"]
    assert origins[3] == ["focal", "source", "source", "source"]


def test_curate_says_when_a_rewrite_is_a_near_copy():
    """A person inspecting a focal document sees whether it is reworded or the source's words reordered."""
    from smt_gui.ui.curate import why_it_passed

    source = "The cooperative owns one vessel, the Marigold Prentice, which was built in 2004."
    split = {"kind": "focal_rewrite", "generator": {"rewrite_source": "template"}, "source_text": source,
             "text": "The cooperative owns one vessel, the Marigold Prentice. It was built in 2004."}
    assert "a near-copy" in why_it_passed(split) and "made by code" in why_it_passed(split)
    reworded = {**split, "generator": {"rewrite_source": "model"},
                "text": "Launched in 2004, the Marigold Prentice is the only boat the cooperative has."}
    assert "near-copy" not in why_it_passed(reworded)
    kept = {**split, "generator": {"rewrite_source": "copy"}, "text": source}
    assert "the question's sentence as written" in why_it_passed(kept) and "a near-copy" in why_it_passed(kept)


def test_a_rewrite_that_only_changes_small_words_is_refused():
    """QuALITY 20027 ("Booze You Can Use"), read before any rule: the bundled model's focal sentences kept every
    word in order and broke the grammar with the small ones ("Two is the ideal of public service requires ...",
    "whose results" -> "where the results"). Such an edit rephrases nothing; a split or a moved phrase is kept."""
    from smt_gui.generate.meaning import meaning_changes, small_word_edit

    assert small_word_edit("Two is the ideal of public service requires lager coverage.",
                           "Two, the ideal of public service requires lager coverage.")
    assert meaning_changes("The first session, where the results are revealed here, involved beers from the lager group.",
                           "The first session, whose results are revealed here, involved beers from the lager group.")
    assert not small_word_edit("The mill was built by Jonas Treddick. He was a merchant.",
                               "The mill was built by Jonas Treddick, who was a merchant.")
    assert not small_word_edit("In 1791 the mill was built.", "The mill was built in 1791.")
    assert not small_word_edit("Ilsa Quilawick had a pet rabbit.", "Ilsa Quilawick lived with a pet rabbit.")
    assert not small_word_edit("The mill was built in 1791.", "The mill was built in 1791.")


def test_a_sentence_copied_from_the_source_is_no_fragment():
    """QuALITY 20041 ("Vulgar Keynesians"), read after the stop's fixes: focal documents were held back because the
    stored meaning check called the writer's own sentences fragments ("no verb in 'Nonetheless, few economists take
    them seriously these days.'"). A rewrite's own verbless sentence is still one."""
    from smt_gui.generate.meaning import meaning_changes

    source = ("There are a number of reasons, but the most important can be stated in two words: Alan Greenspan. "
              "Nonetheless, few economists take them seriously these days.")
    assert meaning_changes(source, source) == []
    assert any("no verb" in p for p in meaning_changes("Mirela Drawyn a keen player of the mandolin.",
                                                       "Mirela Drawyn was a keen player of the mandolin."))


def test_what_the_essay_read_refused_is_refused():
    """QuALITY 20051 and 20068, read on 2026-12-07 before any rule was written on them: a model rewrite that added
    "than the one in which he was originally", one that put "in the second" onto the wrong presidents by dropping
    "and", a model question about "the medical scare talk dentists", and "What faced …?" answered "Lincoln"."""
    from smt_gui.facts import person_names
    from smt_gui.generate.meaning import meaning_changes
    from smt_gui.generate.question_forms import pairing_problem

    assert "adds 'originally'" in meaning_changes(
        "Lincoln faced a different situation than the one in which he was originally.",
        "Lincoln faced a different situation.")
    source = "Theodore Roosevelt may belong in the third phase and Warren G. Harding-Calvin Coolidge in the second."
    assert any(p.startswith("no longer joins with 'and'") for p in meaning_changes(
        "Theodore Roosevelt, Warren G. Harding-Calvin Coolidge in the second may belong in the third phase.", source))
    # a relative pronoun may stand where "and" stood; an adverb the source says may stay
    assert meaning_changes("Mr. Spellman is a retired signalman who lives in a bungalow on Tanner's Lane.",
                           "He is a retired signalman, and he lives in a bungalow on Tanner's Lane.",
                           "Mr. Spellman was admitted on 3 March.") == []
    assert meaning_changes("Originally the mill ground corn.", "The mill originally ground corn.") == []
    sentence = "Some dentists dress up these cosmetic measures in medical scare talk."
    assert "names no" in pairing_problem("What are the medical scare talk dentists?", "cosmetic measures",
                                         ["cosmetic measures", "medical scare talk"], sentence)
    essay = ("The first phase lasted until Lincoln.\n\nLincoln faced a different situation. "
             "With the South already seceding, he could only defend the "
             "Constitution by asserting the power of the federal government.")
    assert "lincoln" in person_names(essay)
    assert "fenwick mills" not in person_names("Fenwick Mills closed in 1931. With the Barge Fair over, its owner "
                                               "moved away.")


def test_a_model_rewrite_that_moved_a_phrase_to_the_front_keeps_no_capital_mid_sentence():
    """The prose run of 2026-12-08 accepted "In 1887, Milling stopped, ..." ("Milling" opened the source sentence).
    The rewrite is re-cased before its checks; names keep their capitals."""
    source = ("Milling stopped in 1887, when a storm breached the bank. It was close to collapse when Marian "
              "Oakhollow, a schoolteacher, bought it.")
    assert recase("In 1887, Milling stopped, when a storm breached the bank.", source) == \
        "In 1887, milling stopped, when a storm breached the bank."
    assert recase("In 1962, Marian Oakhollow bought it; It was close to collapse.", source) == \
        "In 1962, Marian Oakhollow bought it; it was close to collapse."
    assert recase("Every Saturday, Delphine Arkwell leads a walk.", "The warden, Delphine Arkwell, leads a walk.") == \
        "Every Saturday, Delphine Arkwell leads a walk."
