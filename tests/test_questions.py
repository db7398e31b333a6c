"""Questions a reader can trust: the short answer is what the question asks for, and no fragment is built.

Each test below fails on the code before issue 23's fix: the old code attached the first span of the sentence the
question left out ("What kind of fuel has the fleet switched to?" -> "islands") and made in-situ blanks ("The
what?", "whatever what").
"""

from __future__ import annotations

from smt_gui.facts import candidate_answers, is_fact_sentence, person_names, split_sentences
from smt_gui.generate.question_forms import answer_spans, declarative, form_problem, pairing_problem, statements
from smt_gui.generate.questions import answer_for, make_answer, question_problem, template_question


def test_the_answer_is_the_one_candidate_the_question_asks_for():
    sentence = "Caspar Halybrook kept a donkey as a pet."
    candidates = ["pet", "Caspar Halybrook", "donkey"]
    assert answer_for("What did Caspar Halybrook keep as a pet?", candidates, set(), sentence) == ("donkey", None)
    assert answer_for("What did Caspar Halybrook keep a donkey as?", candidates, set(), sentence) == ("pet", None)
    assert answer_for("Who kept a donkey as a pet?", candidates, set(), sentence) == ("Caspar Halybrook", None)
    assert make_answer("donkey", sentence) == "A donkey. Caspar Halybrook kept a donkey as a pet."
    # the short answer reads as English, with the article the source gives it; names and numbers as written
    tickets = "Tickets are valid for the whole day, so you may leave for lunch."
    assert make_answer("whole day", tickets).startswith("The whole day. Tickets")
    assert make_answer("Skelloway Mill Trust", "The museum is run by the Skelloway Mill Trust.") == \
        "The Skelloway Mill Trust. The museum is run by the Skelloway Mill Trust."
    assert make_answer("1887", "Milling stopped in 1887.") == "1887. Milling stopped in 1887."
    assert make_answer("iPhone", "She owns an old iPhone.").startswith("iPhone. ")
    assert make_answer("oak paddles", "It carries forty-eight oak paddles.").startswith("Oak paddles. ")


def test_a_short_answer_of_the_wrong_type_or_span_is_refused():
    """The issue's pairs: a sensible question with another span of the sentence attached."""
    sentence = "In 2019 the whole fleet switched to electric ferries between the islands."
    candidates = ["2019", "electric ferries", "islands", "whole fleet"]
    assert answer_for("What kind of ferries did the fleet switch to?", candidates, set(), sentence) == \
        ("electric ferries", None)
    answer, why = answer_for("What did the fleet switch to?", candidates, set(), sentence)
    assert answer is None and why.startswith("ambiguous")  # electric ferries or the islands? Nothing is attached.
    assert pairing_problem("What did the whole fleet switch to in 2019?", "2019", candidates, sentence) \
        == "question gives its answer away ('2019')"
    assert pairing_problem("In which year did the fleet switch to electric ferries between the islands?", "islands",
                           candidates, sentence).startswith("question gives its answer away")
    assert pairing_problem("In which year did the fleet switch to electric ferries?", "islands",
                           candidates, sentence) == "asks 'in which year' but 'islands' is a place"
    gannet = "The Gannet takes forty minutes for this crossing."
    assert pairing_problem("How many minutes does the Gannet take for this crossing?", "Gannet",
                           ["forty minutes", "Gannet"], gannet).startswith("question gives its answer away")
    assert pairing_problem("How long does the crossing take?", "Gannet", ["forty minutes", "Gannet"], gannet) \
        .startswith("asks 'how long' but 'Gannet' is a name")
    members = "Each board elects twelve members."
    assert pairing_problem("What is the number of members that each board elects?", "members elect",
                           ["twelve members", "members elect"], members) is not None
    assert answer_for("How many members does each board elect?", ["twelve members"], set(), members) == \
        ("twelve members", None)


def test_numbers_come_with_their_unit_and_in_words_too():
    assert answer_spans("The company has a staff of 285 people.", ["285"]) == ["285 people"]
    assert "forty minutes" in answer_spans("The Gannet takes forty minutes for the crossing.", ["Gannet"])
    assert "half past six" in answer_spans("The ferry leaves at half past six.", [])
    # "the ferry leaves" is cut at the verb; a bare common-noun subject ("ferry") is no answer worth asking for
    assert answer_spans("Every morning the ferry leaves Kelmsby.", ["ferry leaves", "Kelmsby"]) == ["Kelmsby"]


def test_template_questions_move_the_answer_phrase_to_the_front():
    assert template_question("1982", "Leander Orainell was born in 1982.") == "In which year was Leander Orainell born?"
    assert template_question("donkey", "Caspar Halybrook kept a donkey as a pet.") == \
        "What did Caspar Halybrook keep as a pet?"
    people = person_names("Leander Orainell was born in 1982. He worked as a puppeteer.")
    assert template_question("Leander Orainell", "Leander Orainell worked as a puppeteer.", people=people) == \
        "Who worked as a puppeteer?"
    assert template_question("Fenwick Mills", "Fenwick Mills makes copper kettles.", people=people) == \
        "What makes copper kettles?"
    assert template_question("285 people", "The company employs 285 people.") == "How many people does the company employ?"
    assert template_question("285 people", "The company has a staff of 285 people.") is None  # inside "a staff of"
    assert template_question("2019", "In 2019 the fleet switched to electric ferries.") == \
        "In which year did the fleet switch to electric ferries?"
    assert template_question("forty minutes", "The Gannet takes forty minutes for the crossing, and the Tern an hour.") \
        == "How many minutes does the Gannet take for the crossing?"
    assert template_question("half past six", "Every morning the ferry leaves Kelmsby at half past six.") == \
        "At what time does the ferry leave Kelmsby every morning?"
    assert template_question("enamel mugs", "Tea is served in enamel mugs.") == "What is tea served in?"


def test_minutes_give_questions_for_asked_questions_agreed_purchases_and_action_items():
    """Shapes the 2026-12-07 coverage diagnosis (``benchmarks/coverage_plan.py``) found with no question at all."""
    # Only the subject moves: the clause it asked or reported stays whole.
    assert template_question("Ada Kershaw", "Mrs. Ada Kershaw asked whether the bus shelter on Mill Green could be "
                             "repaired.") == "Who asked whether the bus shelter on Mill Green could be repaired?"
    # ... but not when that clause says "she" or "it" for somebody the question no longer names.
    assert template_question("Chair", "The Chair said that she would raise it with the bus operator.") is None
    # An agreed infinitive is the verb's own object; a participle clause is still no place to ask from.
    assert template_question("second speed indicator sign", "The council agreed to buy a second speed indicator sign "
                             "at a cost of £2,150.") == "What did the council agree to buy at a cost of £2,150?"
    assert template_question("primary school", "Residents had reported vehicles travelling well above the limit near "
                             "the primary school.") is None
    # "Clerk to place the order by 29 September" is what the Clerk is to do.
    assert template_question("29 September", "Clerk to place the footbridge order with Penhale Joinery by 29 "
                             "September.") == "By what date is the Clerk to place the footbridge order with Penhale Joinery?"
    assert template_question("Cllr Belling", "Cllr Belling to order the speed indicator sign and arrange its "
                             "installation.") == "Who is to order the speed indicator sign and arrange its installation?"
    # Out of "X and arrange Y" nothing is asked, nor out of "The aim was to reduce ..." (no person is to do it).
    assert template_question("installation", "Cllr Belling to order the speed indicator sign and arrange its "
                             "installation.") is None
    assert template_question("waiting list", "The aim was to reduce the waiting list in March.") is None
    # "at a cost of £2,150" is asked with "at what cost"; not when the phrase goes on after the number.
    assert template_question("£2,150", "The council agreed to buy a second speed indicator sign at a cost of "
                             "£2,150.") == "At what cost did the council agree to buy a second speed indicator sign?"
    assert template_question("128 beats", "The ECG showed atrial fibrillation with a heart rate of 128 beats per "
                             "minute.") is None
    library = "The library was opened in 1894 with a gift of 2,000 books from the brickworks owner."
    assert template_question("2,000 books", library) is None
    assert template_question("brickworks owner", library) is None  # the books came from the owner, not the opening


def test_changes_durations_and_particles_are_asked_for_as_a_reader_would():
    """Quarterly-report and manual shapes of the 2026-12-07 coverage diagnosis."""
    assert template_question("twelve per cent", "Sales of children's bikes fell by twelve per cent in May.") == \
        "By how much did sales of children's bikes fall in May?"  # "per cent" is the number's unit
    assert template_question("£610,000", "Operating profit rose to £610,000 in the quarter.") == \
        "How much did operating profit rise to in the quarter?"  # "rose" and "fell" are verbs after a noun
    # A duration keeps its preposition at the front, and "the crossing" is a noun, not a participle clause.
    assert template_question("nineteen years", "Captain Aled Rourke has worked on the crossing for nineteen years.") \
        == "For how many years has Captain Aled Rourke worked on the crossing?"
    assert template_question("twenty years", "The population rose from about nine hundred to 3,400 within twenty "
                             "years.") == "Within how many years did the population rise from about nine hundred to 3,400?"
    # A noun phrase ends before a particle or an adverb: "cold water up" and "cooling plate once" are no answers.
    candidates = candidate_answers("Fill the chamber with cold water up to the MAX line.") + candidate_answers(
        "Descale the cooling plate once a month.")
    assert "cold water up" not in answer_spans("Fill the chamber with cold water up to the MAX line.", candidates)
    assert "cooling plate" in candidates and "cooling plate once" not in candidates


def test_no_fragment_questions_are_built():
    """The issue's fragments: a heading, an idiom, a relative clause, an unresolved pronoun give no question."""
    assert template_question("fleet", "The fleet") is None
    assert template_question("weather", "A bicycle costs four marks each way, whatever the weather.") is None
    # The relative clause is cut off, not doubled ("...left by the first cook, who, who worked the galley?").
    assert template_question("first cook", "The stew was left by the first cook, who worked the galley.") == \
        "What was the stew left by?"
    assert template_question("night route", "She works the night route.") is None
    assert template_question("2019", "The fleet switched in 2019 and again in 2021.", ["2019", "2021"]) is None
    for bad in ("The what?", "A bicycle costs four marks each way, whatever what?",
                "Left by the first cook, who, who worked the galley?", "Which ship has lifejackets for the?"):
        assert form_problem(bad) is not None, bad
    assert form_problem("In which year was the cooperative founded?") is None


def test_hard_wrapped_paragraphs_and_pdf_line_breaks_do_not_cut_sentences():
    wrapped = ("# The cooperative\n\nThe Harrowgate Ferry Cooperative was founded in 1987 by forty-two residents who\n"
               "bought the old council ferry. It now has\n1,140 members.\n\nFares\nA share costs twenty-five pounds.\n"
               "- Bicycles travel free.\n- Dogs cost\n  one mark.\n")
    sentences = [" ".join(s.text.split()) for s in split_sentences(wrapped)]
    assert sentences == ["# The cooperative",
                         "The Harrowgate Ferry Cooperative was founded in 1987 by forty-two residents who bought the "
                         "old council ferry.", "It now has 1,140 members.", "Fares", "A share costs twenty-five pounds.",
                         "- Bicycles travel free.", "- Dogs cost one mark."]
    for s in split_sentences(wrapped):
        assert wrapped[s.start : s.end] == s.text
    facts = [s.text for s in split_sentences(wrapped) if is_fact_sentence(s.text)]
    assert "# The cooperative" not in facts and "Fares" not in facts
    assert len(facts) == 5 and "- Bicycles travel free." in facts


def test_a_pdfs_line_breaks_do_not_cut_a_sentence(tmp_path):
    """pypdf returns a wrapped paragraph with a newline at every line end; the sentences must survive it."""
    from fpdf import FPDF

    from smt_gui.ingest import parse_file

    paragraph = ("The Harrowgate Ferry Cooperative was founded in 1987 by forty-two residents who bought the old "
                 "council ferry when the service was due to close. Today the cooperative has 1,140 members, each of "
                 "whom holds one share and one vote at the annual general meeting in the Ostley Reading Room.")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(w=pdf.epw, h=8, text=paragraph, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "handbook.pdf"
    pdf.output(str(path))
    text = parse_file(path, "handbook.pdf").documents[0].text
    assert text.count("\n") >= 2  # the text layer really is broken into lines
    sentences = [" ".join(s.text.split()) for s in split_sentences(text) if is_fact_sentence(s.text)]
    assert sentences == [" ".join(part.split()) + "." for part in paragraph.rstrip(".").split(". ")]


def test_question_forms_a_reader_refused_in_the_third_audit_are_refused():
    from smt_gui.generate.question_forms import form_problem, wh_question

    # benchmarks/audit/round3_labels.jsonl: a model's "did ... born", a phrase cut out between two prepositions
    assert form_problem("In which year did Greta Eskouven born?") == "'did' with no verb in its base form"
    assert form_problem("What was the Stillbrook SB-7 designed by Orvel Home Appliances at in Fennick?") == "'at in'"
    assert form_problem("In which year did the fleet switch to electric ferries?") is None
    # "the Thorne mill": a name that only modifies the noun after it is not what the sentence is about
    assert wh_question("For most of its first century Kelmsby depended on the Thorne mill.", "Thorne") is None
    assert wh_question("The Gannet takes forty minutes for the crossing.", "forty minutes") == \
        "How many minutes does the Gannet take for the crossing?"


def test_a_which_clause_that_may_belong_to_an_earlier_noun_makes_no_statement():
    """Held-out sample (benchmarks/README.md): "How many minutes does the cottage parlour last?" came from a film
    that lasts twelve minutes; the "which" clause follows a noun inside a prepositional phrase, so it may belong
    to either noun and no statement is made from it."""
    from smt_gui.generate.question_forms import statements

    film = ("Because the stairs are steep, visitors who cannot climb them may watch a film of the upper floors in "
            "the cottage parlour, which lasts twelve minutes.")
    assert statements(film) == [film]
    assert statements("He worked at the mill in Skelloway, which closed in 1964.")[1:] == []
    # a direct object or a verb's prepositional object is the only noun the clause can belong to
    assert statements("The trust bought the old granary, which was built in 1790.")[1:] == \
        ["The old granary was built in 1790."]
    assert statements("Visitors arrive at the cottage, which opens at ten.")[1:] == ["The cottage opens at ten."]
    assert statements("The ferry is run by Captain Aled Rourke, who has worked on the crossing for nineteen years.")[1:] \
        == ["Captain Aled Rourke has worked on the crossing for nineteen years."]


def test_a_named_place_after_in_at_or_from_is_asked_with_where():
    """Audit round 3 (benchmarks/audit/round3_labels.jsonl): "What did Leander Iskosby spend his childhood in?" and "What
    does the first sailing leave from?" are not what a person asks about a place."""
    from smt_gui.generate.question_forms import wh_question

    assert wh_question("Leander Iskosby spent his childhood in Voreathford.", "Voreathford") == \
        "Where did Leander Iskosby spend his childhood?"
    assert wh_question("The first sailing leaves from Ostley Pier at seven.", "Ostley Pier") == \
        "Where does the first sailing leave from at seven?"


def test_a_sentence_of_two_joined_clauses_gives_a_statement_per_clause():
    """"A share costs twenty-five pounds and is refunded in full" had no question at all: the clause analysis stops
    at "and". Each clause becomes a statement of its own, with the shared subject repeated."""
    from smt_gui.generate.question_forms import coordinated, statements

    assert coordinated("A share costs twenty-five pounds and is refunded in full if you leave.") == [
        "A share costs twenty-five pounds.", "A share is refunded in full if you leave."]
    assert coordinated("Bicycles are stowed in the stern rack and must not block the exits.") == [
        "Bicycles are stowed in the stern rack.", "Bicycles must not block the exits."]
    assert coordinated("The unit beeps three times and the ring turns green.") == [
        "The unit beeps three times.", "The ring turns green."]
    assert template_question("twenty-five pounds", "A share costs twenty-five pounds.") == \
        "How many pounds does a share cost?"
    # A second verb that shares the first one's auxiliary gets it back ("... signed by the Chair" alone is no
    # sentence; "the minutes ... hold on 11 July" was the question it made).
    assert coordinated("The minutes were approved as a true record and signed by the Chair.") == [
        "The minutes were approved as a true record.", "The minutes were signed by the Chair."]
    assert coordinated("She has two dogs and walked them daily.") == []
    # Never at "or" (alternatives are not both true), nor inside a noun phrase: no verb follows "and".
    assert coordinated("Press the button once for the short programme or twice for the long one.") == []
    assert coordinated("The cooperative runs the crossing between Harrowgate Quay and the village of Ostley.") == []
    # What someone reported is the fact a reader asks about.
    said = statements("The Clerk reported that the county engineer had inspected the footbridge on 22 August and "
                      "found two rotten deck boards.")
    assert "The county engineer had inspected the footbridge on 22 August." in said
    assert template_question("22 August", "The county engineer had inspected the footbridge on 22 August.") == \
        "When had the county engineer inspected the footbridge?"


def test_a_rule_that_holds_under_a_condition_keeps_the_condition_in_its_question():
    """"How many times does the unit beep?" states a rule the source gives only "when brewing is finished"; the
    condition stays in front, and is not what the question asks ("when" there asks nothing)."""
    from smt_gui.generate.question_forms import asked_type, statements

    sentence = "When brewing is finished, the unit beeps three times and the ring turns green."
    assert "When brewing is finished, the unit beeps three times." in statements(sentence)
    question = template_question("three times", "When brewing is finished, the unit beeps three times.")
    assert question == "When brewing is finished, how many times does the unit beep?"
    assert asked_type(question) == "quantity" and form_problem(question) is None
    # An answer inside the condition is not asked for by moving it out of the condition.
    assert template_question("brewing", "When brewing is finished, the unit beeps three times.") is None


def test_a_passive_agent_is_asked_with_who_and_a_title_ends_no_clause():
    """The round-4 audit's "What is the service team led by?" (for Marta Quell) reads wrong for a person; a
    title's full stop ("chaired by Dr. Ann Bede") cut the clause and gave "What was chaired by Dr?"."""
    assert template_question("Marta Quell", "The service team is led by Marta Quell.") == \
        "Who is the service team led by?"
    # Only a passive's agent: "stood by the Lusk" is a place beside it.
    assert template_question("Lusk", "The mill stood by the Lusk.") != "Who did the mill stand by?"
    assert template_question("meeting", "The meeting was chaired by Dr. Ann Bede.") == \
        "What was chaired by Dr. Ann Bede?"
    # A title pysbd does not know is not a sentence end either.
    assert [s.text for s in split_sentences("The meeting was chaired by Cllr. Ann Bede. It ended at nine.")] == [
        "The meeting was chaired by Cllr. Ann Bede.", "It ended at nine."]
    # A titled name after "to" is a person: "To whom …?" may ask for it (the key grade had called it a place).
    from smt_gui.generate.question_forms import answer_type

    assert answer_type("Mr. Spellman", "A copy of this letter has been given to Mr. Spellman.") == "name"
    assert answer_type("Ostley", "The ferry sails to Ostley.") == "place"


def test_model_questions_a_reader_refused_in_the_fifth_audit_are_refused():
    """Round 5 (benchmarks/audit/round5_labels.jsonl): the model's questions whose shape asks for another kind of
    answer, or another tense, than the sentence gives; the same sentences' sound questions still pass."""
    childhood = "Leander Iskosby spent his childhood in Eliosholm."
    answer, why = answer_for("What did Leander Iskosby spend his childhood in?", ["Eliosholm"], set(), childhood)
    assert answer is None and "'where'" in why
    assert answer_for("Where did Leander Iskosby spend his childhood?", ["Eliosholm"], set(), childhood) == \
        ("Eliosholm", None)
    pet = "At home Nadia Breathorn looked after a cockatoo."
    answer, why = answer_for("What did Nadia Breathorn do at home?", ["cockatoo"], set(), pet)
    assert answer is None and "no action" in why
    assert question_problem("What does Nadia Breathorn do at home?", pet, pet, set()) == \
        "asks with 'does' what the sentence tells in the past"
    assert question_problem("What did Nadia Breathorn look after at home?", pet, pet, set()) is None
    mill = "The old mill, which was restored by the Kelmsby Heritage Trust in 1989, now houses a museum and a tea room."
    answer, why = answer_for("What kind of mill did the Kelmsby Heritage Trust restore?", ["old mill", "1989"],
                             set(), mill)
    assert answer is None and why == "'old' is no kind of mill"
    assert "in the past" in question_problem("What kind of mill does the Kelmsby Heritage Trust restore?", mill, mill,
                                             set())
    assert question_problem("What did the Kelmsby Heritage Trust restore in 1989?", mill, mill, set()) is None
    # the prose run of 2026-12-08: a model question that moves a place onto another fact (a false premise)
    built = ("The mill was built in 1791 by Jonas Treddick, a corn merchant from Quennock who wanted to grind his "
             "grain without paying tolls to the river mills upstream.")
    assert question_problem("Which year did Jonas Treddick build a mill in Quennock?", built, built, set()) == \
        "question says 'in quennock' where the source says 'from quennock'"
    assert question_problem("In which year did the corn merchant from Quennock build the mill?", built, built,
                            set()) is None
    # QuALITY 20075, read 2026-12-08: "What is X?" asks what X is; an adjective says how it is
    rating = "This rating is a little misleading."
    assert pairing_problem("What is a rating?", "a little misleading", ["a little misleading", "rating"], rating) == \
        "asks what 'a rating' is, but 'a little misleading' says how it is"
    assert pairing_problem("What is a little misleading?", "rating", ["a little misleading", "rating"], rating) is None
    fire = ("In 1798 the mill burned down after a lamp was knocked over in the drying loft, and for three years the "
            "town had no mill of its own.")
    answer, why = answer_for("What had no mill of its own for three years?", ["town", "1798"], set(), fire)
    assert answer is None and "names no place" in why


def test_what_was_x_needs_a_sentence_that_says_what_x_was():
    """Round 6 (benchmarks/audit/round6_graded_samples.jsonl, np_minutes#7): the model asked "What was the Wendholt
    Under-Fives group?" and the answer attached was what the group was *awarded towards*; the key grade passed it.
    A definition question is answered only by what the sentence says the subject is."""
    grant = "The Wendholt Under-Fives group was awarded £600 towards new outdoor play equipment."
    answer, why = answer_for("What was the Wendholt Under-Fives group?", ["new outdoor play equipment", "£600"],
                             set(), grant)
    assert answer is None and "does not say it was 'new outdoor play equipment'" in why
    assert answer_for("What was the Wendholt Under-Fives group awarded £600 towards?",
                      ["new outdoor play equipment", "£600"], set(), grant) == ("new outdoor play equipment", None)
    # What a sentence does say a subject is still passes: "X was Y", an apposition, a bracket.
    assert answer_for("What was Leander Iskosby?", ["meteorologist"], set(),
                      "Leander Iskosby was a meteorologist by trade.") == ("meteorologist", None)
    vessel = "The cooperative owns one vessel, the Marigold Prentice, which was built at Cally's Yard in 2004."
    assert answer_for("What is the Marigold Prentice?", ["vessel"], set(), vessel)[0] == "vessel"
    clerk = "In attendance: Mr. Colin Ashdown (Parish Clerk) and four members of the public."
    assert answer_for("Who is the Parish Clerk?", ["Colin Ashdown"], set(), clerk)[0] == "Colin Ashdown"


def test_facts_behind_a_subjects_relative_clause_or_apposition_and_money_are_asked_about():
    """Round 6 diagnosis: the main clause after "The old mill, which was restored …," or "The finance director, Owen
    Lydgate," got no question (the subject holds commas), and "£4.82 million" was read as the time "4.82"."""
    from smt_gui.generate.question_forms import statements

    mill = "The old mill, which was restored by the Kelmsby Heritage Trust in 1989, now houses a museum and a tea room."
    assert "The old mill now houses a museum and a tea room." in statements(mill)
    director = "The finance director, Owen Lydgate, expects freight costs to stay at their current level until spring."
    assert "Owen Lydgate expects freight costs to stay at their current level until spring." in statements(director)
    # A clause before the comma is no subject: "The mill was built by X, who was a merchant, and it ..." is left alone.
    assert statements("The mill was built in 1791 by Jonas Treddick, who was a merchant, and it burned.")[1:] == [
        "Jonas Treddick was a merchant."]
    revenue = ("Revenue for the three months to 30 September 2024 was £4.82 million, an increase of 14 per cent on "
               "the same quarter of 2023.")
    spans = answer_spans(revenue, ["30 September 2024", "£4.82 million", "14"])
    assert "£4.82 million" in spans and not any(s.strip() == "4.82" for s in spans)
    assert answer_spans("The meeting closed at 9.05 pm.", ["9.05 pm"])[0] == "9.05 pm"


def test_questions_a_reader_refused_in_the_sixth_audit_are_not_built():
    """Round 6 (benchmarks/audit/round6_labels.jsonl): np_handbook#22, np_manual#1, facts_seed1#39, all built from the
    sentence by code."""
    notices = "Notices of cancellation are posted on the board outside the Quay Office."
    assert template_question("Quay Office", notices, ["Quay Office", "board"]) is None  # "… the board outside?"
    designed = "The Stillbrook SB-7 was designed by Orvel Home Appliances at its workshop in Fennick."
    assert template_question("Orvel Home Appliances", designed, ["Orvel Home Appliances", "Fennick"]) is None
    living = "Quentin Nelywyn earned a living as a saddle maker."
    assert "living" not in answer_spans(living, ["living", "saddle maker", "Quentin Nelywyn"])
    # The pronoun may stay when it stands for what is asked, or the answer comes after it.
    library = "The Kelmsby Free Library opened its doors in 1894."
    assert template_question("Kelmsby Free Library", library, ["Kelmsby Free Library", "1894"]) == \
        "What opened its doors in 1894?"
    assert template_question("1894", library, ["Kelmsby Free Library", "1894"]) == \
        "In which year did the Kelmsby Free Library open its doors?"


def test_questions_a_reader_of_the_2026_12_07_plan_refused_are_not_built():
    """Read off ``benchmarks/coverage_plan.py``'s question list: each had passed every check."""
    from smt_gui.generate.question_forms import statements

    # Out of the second of two joined actions: "What should you lift the filter out and discard?"
    assert template_question("grounds", "Lift the filter out and discard the grounds.") is None
    assert template_question("warm soapy water", "Wash the glass chamber and the mesh filter in warm soapy water.") \
        == "What should you wash the glass chamber and the mesh filter in?"
    # "had left" is an auxiliary with its participle, not "What did they have left ...?"
    assert template_question("better land", "The brothers had left the lead mines in search of better land.") == \
        "What had the brothers left the lead mines in search of?"
    # A "who" clause after "Josiah and Abel Thorne" is about both: no statement gives it to Abel alone.
    assert statements("Kelmsby was founded in 1742 by two brothers, Josiah and Abel Thorne, who had left the lead "
                      "mines of the Carrow Hills.") == ["Kelmsby was founded in 1742 by two brothers, Josiah and Abel "
                                                        "Thorne, who had left the lead mines of the Carrow Hills."]
    # "The old mill now houses ..." -> the subject is "old mill", not "old mill now".
    assert "old mill now" not in answer_spans("The old mill now houses a museum and a tea room.",
                                              ["tea room", "museum", "old mill"])
    assert template_question("old mill", "The old mill now houses a museum and a tea room.") == \
        "What now houses a museum and a tea room?"
    # A name in apposition to a role is a person's: "Who expects ...?", not "What expects ...?"
    report = "The finance director, Owen Lydgate, expects freight costs to stay at their current level."
    assert template_question("Owen Lydgate", "Owen Lydgate expects freight costs to stay at their current level.",
                             people=person_names(report)) == "Who expects freight costs to stay at their current level?"


def test_round_seven_ill_formed_questions_are_asked_as_a_reader_would():
    """Audit round 7 (benchmarks/audit/round7_labels.jsonl): the five questions the reader refused as English."""
    # np_quarterly_report#7, np_handbook#15: where one comes from, the place one leaves.
    assert template_question("motorcycle maker", "Mrs. Priya Castell joined from a motorcycle maker in March.") == \
        "Where did Mrs. Priya Castell join from in March?"
    assert template_question("Harrowgate Quay", "The first sailing leaves Harrowgate Quay at a quarter to seven.") \
        == "Which place does the first sailing leave at a quarter to seven?"
    # np_discharge_letter#4: a street is asked for as one.
    assert template_question("Tanner's Lane", "Mr. Spellman lives in a bungalow on Tanner's Lane.") == \
        "On which street does Mr. Spellman live in a bungalow?"
    # np_history#6: "also" points at something the question never names.
    assert template_question("first bridge", "Nathaniel Thorne also paid for the first bridge across the Lusk.") == \
        "What did Nathaniel Thorne pay for across the Lusk?"
    # np_discharge_letter#6: a preposition that lost its object.
    assert form_problem("How many mg did Ramipril reduce from 10 mg to once daily?") is not None
    assert template_question("5 mg", "Ramipril reduced from 10 mg to 5 mg once daily.") is None
    # A company one joined is no place; a clause is no answer; "What did X have?" for "its strongest quarter" asks
    # nothing in particular.
    assert template_question("Ulasby Foundry", "Ilsa Quilawick joined Ulasby Foundry in 1990.") == \
        "What did Ilsa Quilawick join in 1990?"
    assert answer_spans("The gangway is raised two minutes before she sails.", ["two minutes"]) == ["two minutes"]
    assert template_question("strongest quarter", "Fellmoor Cycles had its strongest quarter since 2009.") is None
    assert template_question("pet rabbit", "Ilsa Quilawick had a pet rabbit.") == "What did Ilsa Quilawick have?"


def test_ten_samples_read_on_the_held_out_visitor_guide_give_no_false_question():
    """Read on 2026-12-07 on benchmarks/natural_prose/heldout.jsonl (a document no rule was tuned on): two of ten
    accepted QAs stated false facts."""
    from smt_gui.generate.question_forms import statements

    # "which is staffed" is the office's, not Quennock's: no statement "Quennock is staffed on weekday mornings".
    office = ("Before your visit, you can write to the trust at its office on Tanner's Row in Quennock, which is "
              "staffed on weekday mornings.")
    assert not any(s.startswith("Quennock") for s in statements(office))
    # "every ninety minutes" is how often the bus runs, not how long.
    assert template_question("ninety minutes", "The number 27 bus runs from the market square to the Skelloway stop "
                             "every ninety minutes.") is None


def test_round_eight_questions_are_asked_as_a_reader_would():
    """Audit round 8 and the held-out visitor guide of its run: each question a reader refused, or that was wrong."""
    # np_heldout_guide#34's focus question: "guided" inside the object is no verb ("did ... leads a free guide walk").
    assert template_question("2 pm", "Delphine Arkwell leads a free guided walk every Saturday at 2 pm.") == \
        "At what time does Delphine Arkwell lead a free guided walk every Saturday?"
    # "the first Saturday" without "in March" answered a date the question half gave away.
    sentence = "The museum is open from the first Saturday in March until the last Sunday in October."
    assert "the first Saturday in March" in answer_spans(sentence, candidate_answers(sentence))
    assert template_question("the first Saturday in March", sentence) == \
        "From what date is the museum open until the last Sunday in October?"
    # np_heldout_guide#8: "for the first time" answers nothing; a place preposition goes to the front.
    sentence = "The restored wheel turned again under water power for the first time in 1998."
    assert "first time" not in answer_spans(sentence, candidate_answers(sentence))
    assert template_question("water power", sentence) == \
        "Under what did the restored wheel turn again for the first time in 1998?"
    # np_heldout_guide#16: a stranded "as" ran into "in 2009".
    assert template_question("volunteer", "Tobias Wrenfield first came to the mill as a volunteer in 2009.") == \
        "As what did Tobias Wrenfield first come to the mill in 2009?"
    # np_discharge_letter#9: "When" while the question states the time.
    assert template_question("20 February 2024", "Mr. Spellman will be seen in the Rhythm Clinic on 20 February 2024 "
                             "at ten past two in the afternoon.") == \
        "On what date will Mr. Spellman be seen in the Rhythm Clinic at ten past two in the afternoon?"
    # np_heldout_guide#2: the museum occupies the mill together with the cottage; "old grain mill" is a part.
    assert template_question("old grain mill", "The museum occupies the old grain mill, a timber building, together "
                             "with the miller's cottage.") is None
    # After the fixes: "came into the world" is being born ("Into what did Leander Iskosby come?" -> "world"), and
    # a warden is a person ("What are the grounds looked after by?").
    sentence = "Leander Iskosby came into the world in 1938."
    assert "world" not in answer_spans(sentence, candidate_answers(sentence))
    assert template_question("warden", "The grounds are looked after by the warden.") == \
        "By whom are the grounds looked after?"
    # "In winter …, but the mill itself is closed for repairs": the second clause's statement keeps "In winter"
    # (without it "What is closed for repairs?" -> "mill itself" was false in summer); a year stays with its clause.
    said = statements("In winter the grounds stay open at weekends, but the mill itself is closed for repairs.")
    assert "In winter the mill itself is closed for repairs." in said
    assert "The mill itself is closed for repairs." not in said
    assert "The Kelmsby Heritage Trust restored it in 1991." in statements(
        "In 1990 the mill was sold, and the Kelmsby Heritage Trust restored it in 1991.")
    # Round 8's reader found these odd but let them pass: "declared an interest" is a fixed phrase, and a condition
    # goes to the front with its preposition.
    sentence = "Cllr Moule declared an interest in item 5."
    assert "interest" not in answer_spans(sentence, candidate_answers(sentence))
    assert template_question("calm weather", "The crossing takes about eleven minutes in calm weather.") == \
        "In what weather does the crossing take about eleven minutes?"


def test_a_story_told_by_its_narrator_gives_questions_a_reader_accepts():
    """The opening of "A Pail of Air" (QuALITY 51461), read before any rule was written on it: 4 of its 8 QAs were
    wrong or ill-formed."""
    # Ma, Pa and Sis are people: "What let off a couple of silly squeals too?" -> "Sis" asked "what" for a girl, and
    # "too" pointed back at a sentence the question does not carry.
    assert template_question("Sis", "Sis let off a couple of silly squeals too.") == \
        "Who let off a couple of silly squeals?"
    assert template_question("Pa", "Pa handled the pail of air in a twist of cloth.") == \
        "Who handled the pail of air in a twist of cloth?"
    # "Who has some pretty bad ones?" says "ones" of nothing the reader was told.
    assert template_question("Ma", "Ma has some pretty bad ones, to judge from the way she bugs her eyes.") is None
    assert form_problem("Who has some pretty bad ones?")
    # "Let me tell you about the Nest." is the narrator talking: no "What should you let me tell you about?".
    assert declarative("Let me tell you about the Nest.") == ("Let me tell you about the Nest.", False)
    assert template_question("Nest", "Let me tell you about the Nest.") is None
    # After the first fixes, the same opening: "What do Sis let off a couple of?" (a name is one person, and no
    # question out of "a couple of"), and the narrator's "us"/"me" say nobody a reader knows.
    assert template_question("silly squeals", "Sis let off a couple of silly squeals too.") is None
    assert template_question("the box", "Sis put the box on the shelf.") == "What did Sis put on the shelf?"
    assert template_question("fourth wall", "The fourth wall keeps us from freezing.") is None
    assert form_problem("Who tells me there used to be guardians of the fire?")
    # "a lot more" answers nothing ("What's the fourth wall?" -> "lot more").
    sentence = "The fourth wall keeps us from freezing and does a lot more besides."
    assert not any("lot" in span for span in answer_spans(sentence, candidate_answers(sentence)))


def test_an_essay_opening_gives_questions_from_its_plain_statements():
    """The opening of "Booze You Can Use" (QuALITY 20027), read before any rule: 2 of its 68 fact sentences gave a
    question. A sentence-opening "But"/"And yet", a bare "What is X?" and a purpose infinitive are asked about; the
    writer's "I've" is no name."""
    assert template_question("lager", "Budweiser is a lager.") == "What is Budweiser?"
    assert template_question("fancier beers", "The same testers reassembled to try the fancier beers.") == \
        "What did the same testers reassemble to try?"
    assert declarative("But the lager test came first.")[0] == "The lager test came first."
    assert declarative("So many bad beers are in the group.")[0] == "So many bad beers are in the group."
    sentence = "And yet, I've started to wonder, is this just costly snobbery?"
    assert "I've" not in candidate_answers(sentence)
    assert form_problem("What is it?") and form_problem("The what?")
    # A list label or a counting word before the sentence, and a comma-fenced aside inside it, hid the statement.
    assert "The experiment was designed to take place in two separate sessions." in statements(
        "1 Philosophy : The experiment was designed to take place in two separate sessions.")
    assert "The ideal of public service requires lager coverage." in statements(
        "Two, the ideal of public service requires lager coverage.")
    assert "The first session involved beers exclusively from the lager group." in statements(
        "The first session, whose results are revealed here, involved beers exclusively from the lager group.")
    said = statements("In the second stage of the experiment, held several weeks later, the same testers "
                      "reassembled to try the fancier beers.")
    assert "In the second stage of the experiment the same testers reassembled to try the fancier beers." in said
    assert template_question("fancier beers", said[-1]) == \
        "What did the same testers reassemble to try in the second stage of the experiment?"
    # A list of three things is one item, not an aside: nothing is cut out of it.
    assert statements("The menu offered baked, roasted, and fried fish.") == ["The menu offered baked, roasted, and fried fish."]


def test_a_name_with_an_aside_keeps_its_clause_and_accented_words_stay_whole():
    """QuALITY 51483 ("The Reluctant Heroes"): "Dowden, half in the bottom hammock and half on the floor, was snoring
    peacefully." said nothing a question could reach; the visitor guide's "The Pond Room Café, in the cottage,
    serves lunches ..." then showed the tokenizer cut "Café" to "Caf"."""
    assert "Dowden was snoring peacefully." in statements(
        "Dowden, half in the bottom hammock and half on the floor, was snoring peacefully.")
    assert statements("Paris, London, and Rome are capitals.") == ["Paris, London, and Rome are capitals."]
    said = statements("The Pond Room Café, in the cottage, serves lunches from noon until 3 pm.")
    assert "The Pond Room Café serves lunches from noon until 3 pm." in said
    assert template_question("noon", said[-1]) == "From what time does the Pond Room Café serve lunches until 3 pm?"


def test_a_which_after_x_of_y_makes_no_statement_about_y():
    """Audit round 9, np_heldout_guide#28: "the towpath of the Velling Navigation, which meets the sea bank path"
    gave "What does the Velling Navigation meet ...?"; the towpath meets it ("towpath" is no word the lexicon knows,
    so it was not taken for a noun)."""
    sentence = ("Cyclists can follow the towpath of the Velling Navigation, which meets the sea bank path close to "
                "the Curlew Hide.")
    assert not any(s.startswith("The Velling Navigation meets") for s in statements(sentence))


def test_an_essay_read_after_the_fixes_gives_no_question_without_its_noun_or_its_clause():
    """QuALITY 20041 ("Vulgar Keynesians"), read after the stop's fixes: "What was willing to concede?" lost the
    clause that says what, and "How many words can the most important be stated in?" has no noun."""
    assert template_question("Keynes", "Keynes was willing to concede that in some sufficiently long run, these "
                             "theories might indeed be valid.") is None
    assert template_question("two words", "There are a number of reasons, but the most important can be stated in "
                             "two words: Alan Greenspan.") is None
    assert template_question("two words", "The most important reason can be stated in two words.") == \
        "How many words can the most important reason be stated in?"
    assert "The Barge Fair remembers the boats that gave it its name." in statements(
        "Each June the town holds the Barge Fair, which remembers the boats that gave it its name.")


def test_a_question_in_the_text_states_no_fact_and_a_dash_is_no_hyphen():
    """QuALITY 20068 ("Defining Decay Down"), read after the stop's fixes: "Does your dentist have a certificate of
    pain management on her wall?" gave "What do does your dentist have …?", and "bad breath--or" was one word."""
    assert not is_fact_sentence("Does your dentist have a certificate of pain management on her wall?")
    assert is_fact_sentence('"Is it late?" he asked.')
    sentence = 'Dentists make a killing on bad breath--or "halitosis," as they prefer to call it.'
    assert not any("--" in span for span in answer_spans(sentence, candidate_answers(sentence)))
