"""Reading real reporting: acts in the words news uses, who acts (states, groups, coalitions)
and when (current vs background). Every sentence is our own writing.
"""

from __future__ import annotations

import pytest

from tension._types import Article, Event
from tension.extract._signals import extract_signals
from tension.extract._taxonomy import load_cues

_FORCE = {"military_strike", "armed_clash"}


def _events(text: str, date: str | None = None, title: str | None = None) -> list[Event]:
    if date is None and title is None:
        return extract_signals(text)
    return extract_signals(Article(id="t", text=text, raw_text=text, date=date, title=title))


def _pairs(events: list[Event], signals: set[str]) -> set[tuple[str | None, str | None]]:
    return {(e.source, e.target) for e in events if e.signal in signals}


# sentence, signals of which one must fire (empty: none of the forbidden may), source, target,
# signals that must NOT fire
ACTS = [
    # ceasefire violations are force, never a ceasefire or an agreement
    ("Nepalese troops violated the ceasefire by resorting to unprovoked firing at an Indian "
     "post on Monday.", _FORCE, "NPL", "IND", {"ceasefire", "agreement"}),
    ("Chinese soldiers breached the truce by firing mortar shells at Indian positions.",
     _FORCE, "CHN", "IND", {"ceasefire", "agreement"}),
    ("India accused Pakistan of violating the 2003 ceasefire agreement.", {"armed_clash"},
     "PAK", "IND", {"ceasefire", "agreement"}),
    ("Thai rangers violated the truce with heavy shelling on Cambodian villages.",
     _FORCE, "THA", "KHM", {"ceasefire"}),
    # firing and shelling in the words of border reporting
    ("Armenian troops resorted to firing on forward posts of Azerbaijan.", _FORCE, "ARM",
     "AZE", set()),
    ("Georgian police opened fire on a Russian patrol near the boundary.", _FORCE, "GEO",
     "RUS", set()),
    ("Sudanese artillery started heavy shelling on Ethiopian villages.", _FORCE, "SDN", "ETH",
     set()),
    ("Kyrgyz and Tajik border guards exchanged gunfire near the disputed canal.",
     {"armed_clash"}, "KGZ", "TJK", set()),
    ("A fire exchange broke out between Kyrgyz and Tajik troops near the canal.",
     {"armed_clash"}, "KGZ", "TJK", set()),
    ("Eritrean soldiers were caught in a crossfire with Ethiopian troops at the border.",
     {"armed_clash"}, "ERI", "ETH", set()),
    # two armies firing at their shared border fire at each other
    ("Kyrgyz and Tajik troops resorted to heavy firing along the border on Friday.",
     _FORCE, "KGZ", "TJK", set()),
    # ... and so do two armies a control line runs between, or the agents of "firing by X and Y"
    ("Chinese and Indian troops resorted to firing in the valley on Sunday.", _FORCE, "CHN",
     "IND", set()),
    ("Firing by North Korean and South Korean troops wounded a farmer on Tuesday.", _FORCE,
     "PRK", "KOR", set()),
    ("Firing by Kyrgyz and Tajik border guards along the frontier wounded a herder.", _FORCE,
     "KGZ", "TJK", set()),
    # passive voice: the agent after "by" acts on the subject
    ("A Laotian patrol was shot at by Vietnamese border troops on Friday.", _FORCE, "VNM",
     "LAO", set()),
    ("Two Peruvian soldiers were killed by Chilean fire near the frontier.", {"casualties"},
     "CHL", "PER", set()),
    # the dead and wounded are the target of the fire they fell to (the line names its source)
    ("A South Korean soldier was killed in firing across the DMZ on Monday.",
     {"military_strike"}, "PRK", "KOR", set()),
    ("Three Lebanese civilians were wounded in shelling across the Blue Line.",
     {"military_strike"}, "ISR", "LBN", set()),
    # but the subject of an active verb of killing fires, and so does one that fired first
    ("Pakistani troops killed two soldiers in firing across the LoC.", {"military_strike"},
     "PAK", "IND", set()),
    ("Chinese troops shelled a post where two Indian soldiers were killed in the firing.",
     {"military_strike"}, "CHN", "IND", set()),
    # the subject of the fire that caused the casualties caused them
    ("Four farmers were injured as Afghan border guards fired across the Durand Line.",
     {"casualties"}, "AFG", "PAK", set()),
    ("Six herders were wounded after Chadian jets struck a camp in Sudan.", {"casualties"},
     "TCD", "SDN", set()),
    # demands, refusals, material help, extradition, apology
    ("Egypt continued to send arms to Libya despite the embargo.", {"aid"}, "EGY", "LBY",
     set()),
    ("Kenya refused to deploy peacekeepers to Somalia.", {"accusation"}, "KEN", "SOM", set()),
    ("Japan apologized to Korea for the remarks.", {"unity_pledge"}, "JPN", "KOR",
     {"accusation"}),
    ("Spain extradited three suspects to Morocco on Thursday.", {"aid"}, "ESP", "MAR", set()),
    ("Ukraine demanded the extradition of the suspects from Belarus.", {"accusation"}, "UKR",
     "BLR", set()),
]


@pytest.mark.parametrize(("sentence", "fire", "source", "target", "forbid"), ACTS)
def test_acts_in_news_words(sentence, fire, source, target, forbid):
    events = _events(sentence)
    pairs = _pairs(events, fire)
    if fire == {"armed_clash"}:  # a clash is mutual: either order names it
        pairs |= {(b, a) for a, b in pairs}
    assert (source, target) in pairs, [
        (e.signal, e.source, e.target) for e in events]
    assert not [e for e in events if e.signal in forbid]


# must not fire force (or anything of the listed signals)
QUIET = [
    ("The striker opened fire from distance and scored against Ghana.", _FORCE),
    ("India and Pakistan agreed to a ceasefire along the frontier.", {"armed_clash"}),
    ("The firm fired its chief executive after the audit in Kenya.", _FORCE),
    ("Colombia and Venezuela signed a trade agreement in Bogota.", {"armed_clash"}),
    ("Firefighters in Chile continued to fire up the pumps as the blaze spread.", _FORCE),
    ("The fire exchange of views between Peru and Chile was cordial.", _FORCE - _FORCE),
]


@pytest.mark.parametrize(("sentence", "forbid"), QUIET)
def test_must_not_fire(sentence, forbid):
    events = _events(sentence)
    assert not [e for e in events if e.signal in forbid], [(e.signal, e.trigger) for e in events]


# Agency: who acts. sentence, signals, the (source, target) pairs that must be there, the pairs
# that must NOT be there
AGENCY = [
    # coordinated subjects act together on the object; never the partners as a pair
    ("The UK and US launched a series of air strikes on Iraq.", _FORCE,
     {("GBR", "IRQ"), ("USA", "IRQ")}, {("GBR", "USA"), ("USA", "GBR")}),
    ("Syria condemned the surprise attack by Egyptian and Jordanian forces on Israel.", _FORCE,
     {("EGY", "ISR"), ("JOR", "ISR")}, {("EGY", "JOR"), ("EGY", "SYR")}),
    # coordinated objects
    ("Israel accused Egypt and Syria of arming the guerrillas.", {"accusation"},
     {("ISR", "EGY"), ("ISR", "SYR")}, {("SYR", "EGY"), ("EGY", "SYR")}),
    # the two sides of a mutual act stay the pair
    ("Bangladeshi and Myanmar militaries exchanged gunfire on the border.", {"armed_clash"},
     {("BGD", "MMR")}, set()),
    # "X condemned the attack by Y": Y is the attack's agent, X condemns Y
    ("Iran condemned the attack by Israel.", {"accusation"}, {("IRN", "ISR")},
     {("ISR", "IRN")}),
    # the dead are the target
    ("Four US servicemen were killed by a roadside bomb outside Basra.", {"casualties"},
     {(None, "USA")}, {("USA", "IRQ"), ("USA", None)}),
    # a state governed by a preposition ("on X", "for X", "to X") is not the actor of a
    # later act; the verbs of giving and expressing split subject from object
    ("Ghana launched raids on Togo after a border incident.", {"armed_clash"},
     {("GHA", "TGO")}, {("TGO", "GHA")}),
    ("Canada imposed curbs on Cuba in a row over fishing.", {"accusation"},
     {("CAN", "CUB")}, {("CUB", "CAN")}),
    ("Peru expresses deep sympathy for the Chilean people and condemns the bombing.",
     {"accusation"}, {("PER", "CHL")}, {("CHL", "PER")}),
    ("Spain gave to Morocco a batch of patrol boats as loans.", {"aid"}, {("ESP", "MAR")},
     {("MAR", "ESP")}),
    ("Norway provides Kenya with grain and offers fresh loans.", {"aid"}, {("NOR", "KEN")},
     {("KEN", "NOR")}),
    ("Vietnam lifts its embargo on China under a new trade agreement.", {"agreement"},
     {("VNM", "CHN")}, {("CHN", "VNM")}),
    # "X gave Y a warning": Y receives the act of X (but "accused Y of a violation": Y's act)
    ("Iran sent Iraq a formal protest on Monday.", {"protest"}, {("IRN", "IRQ")},
     {("IRQ", "IRN")}),
    ("Chile gave Bolivia a blunt warning over the river.", {"accusation", "military_threat"},
     {("CHL", "BOL")}, {("BOL", "CHL")}),
    ("Peru accused Ecuador of a serious violation of its airspace.", {"sovereignty_violation"},
     {("ECU", "PER")}, {("PER", "ECU")}),
    # a state in a cause clause that tells no fire is no agent of the casualties
    ("Two soldiers died as Ethiopia and Eritrea signed the peace deal in Jeddah.",
     {"casualties"}, set(), {("ETH", "ERI"), ("ERI", "ETH"), ("ETH", None), ("ERI", None)}),
    # ... but a state after the act's verb still acts
    ("Pressure on Iran grew as Israel struck targets in Syria.", _FORCE, {("ISR", "SYR")},
     {("IRN", "SYR"), ("IRN", "ISR")}),
]


@pytest.mark.parametrize(("sentence", "signals", "want", "never"), AGENCY)
def test_agency(sentence, signals, want, never):
    got = _pairs(_events(sentence), signals)
    assert want <= got, got
    assert not (never & got), got


def test_mediators_are_third_parties_not_a_pair():
    ev = [e for e in _events("The talks were mediated by the US, Argentina, Brazil and Chile.")
          if e.signal == "mediation_offer"]
    assert ev and set(ev[0].third_parties) == {"USA", "ARG", "BRA", "CHL"}
    assert (ev[0].source, ev[0].target) == (None, None)


# Partners are not a pair: states listed side by side act together ("X and Y struck Z": X->Z and
# Y->Z, never X->Y), unless the act is one two sides do together (talks, a pact, a truce, a
# clash, "traded accusations"). sentence, signals, pairs that must be there (either order when
# marked mutual below), pairs that must NOT be there (in either order)
_ANY_ORDER = {"talks", "agreement", "ceasefire", "armed_clash", "accusation"}
PARTNERS = [
    # coordinated subjects with an object: each acts on it
    ("Spain and Portugal declared war on Morocco.", {"military_threat"},
     {("ESP", "MAR"), ("PRT", "MAR")}, {("ESP", "PRT")}),
    ("Chile, Peru and Bolivia signed a treaty with Argentina.", {"agreement"},
     {("CHL", "ARG"), ("BOL", "ARG")}, {("CHL", "PER"), ("PER", "BOL"), ("CHL", "BOL")}),
    # one-sided acts with no object: partners, never each other's target
    ("Kenya and Uganda both moved troops to the frontier.", {"troop_mobilization"},
     {("KEN", None), ("UGA", None)}, {("KEN", "UGA")}),
    ("Thailand and Cambodia withdrew their troops from the temple area.", {"ceasefire"},
     set(), {("THA", "KHM")}),
    # three or more signing together: no pair can be told
    ("Sweden, Finland and Norway signed a joint declaration.", {"agreement", "unity_pledge"},
     set(), {("SWE", "FIN"), ("FIN", "NOR"), ("SWE", "NOR")}),
    # agents of a passive: partners too
    ("The border post was shelled by Syrian and Iraqi artillery.", _FORCE, set(),
     {("SYR", "IRQ")}),
    ("The outpost was shelled by Afghan and Pakistani artillery.", _FORCE, set(),
     {("AFG", "PAK")}),
    # fire by two armies with no object and no border or control line between them: partners;
    # fire at an unnamed group is never at each other
    ("Firing by Syrian and Iraqi troops wounded two herders.", _FORCE, set(), {("SYR", "IRQ")}),
    ("Indian and Pakistani peacekeepers fired at militants in the forest.", _FORCE, set(),
     {("IND", "PAK")}),
    ("Kyrgyz and Tajik troops fired on smugglers near the border.", _FORCE, set(),
     {("KGZ", "TJK")}),
    # coordinated objects of "with": the partners met, not each other
    ("Negotiations with Vietnam and Laos continued through the spring.", {"talks"},
     {(None, "VNM"), (None, "LAO")}, {("VNM", "LAO")}),
    # but mutual acts of two: "between X and Y", "signed by X and Y", "X and Y agreed"
    ("Talks between Ghana and Togo resumed in Lome.", {"talks"}, {("GHA", "TGO")}, set()),
    ("A border treaty was signed by Chile and Argentina on Monday.", {"agreement"},
     {("CHL", "ARG")}, set()),
    ("Iran and Iraq agreed to a ceasefire.", {"ceasefire"}, {("IRN", "IRQ")}, set()),
    ("Nepal and Bhutan accused each other of harbouring rebels.", {"accusation"},
     {("NPL", "BTN")}, set()),
    # go-betweens listed as subjects mediate, they are not the pair
    ("Senegal and Gambia offered to mediate in the dispute.", {"mediation_offer"}, set(),
     {("SEN", "GMB")}),
    ("Jordanian and Egyptian mediation ended the standoff.", {"mediation_offer"}, set(),
     {("JOR", "EGY")}),
    ("A truce was reached through Malian and Senegalese mediation.", {"mediation_offer",
     "ceasefire"}, set(), {("MLI", "SEN")}),
    ("The US and Britain offered their good offices.", {"mediation_offer"}, set(),
     {("USA", "GBR")}),
    ("The talks were mediated by the guarantors of the treaty - Peru, Chile, Brazil and the US.",
     {"mediation_offer"}, set(), {("PER", "CHL"), ("BRA", "USA"), ("CHL", "BRA")}),
    ("China called on India and Pakistan to exercise restraint.", {"call_for_restraint"},
     {("IND", "PAK")}, set()),
    ("Brazil and Argentina urged Peru and Ecuador to show restraint.", {"call_for_restraint"},
     {("PER", "ECU")}, {("BRA", "ARG")}),
    ("Fighting was averted by the mediation of Peru, Chile and Brazil.", {"mediation_offer"},
     set(), {("PER", "CHL"), ("CHL", "BRA")}),
    ("Four states offered to mediate: Oman, Qatar, Kuwait and Egypt.", {"mediation_offer"},
     set(), {("OMN", "QAT"), ("QAT", "KWT")}),
    # go-betweens listed by their leaders' offices
    ("The Emir of Qatar, the King of Jordan and the President of Egypt succeeded in mediating "
     "the dispute.", {"mediation_offer"}, set(), {("QAT", "JOR"), ("JOR", "EGY")}),
    ("The dispute was mediated by the King of Morocco, the Emir of Kuwait and the President of "
     "Senegal.", {"mediation_offer"}, set(), {("MAR", "KWT"), ("KWT", "SEN")}),
    # a call to three or more tells no pair among them; a call to two names the pair
    ("The envoy sent appeals to Mali, Niger and Chad to settle the dispute.",
     {"call_for_restraint"}, set(), {("MLI", "NER"), ("NER", "TCD")}),
    ("The UN urged India and Pakistan to show restraint.", {"call_for_restraint"},
     {("IND", "PAK")}, set()),
    # a border closed or manned faces the neighbour across it; near a strike it is a landmark
    ("Uzbekistan closed its border with Tajikistan.", {"border_closure"}, {("UZB", "TJK")},
     set()),
    ("Bolivia moved two battalions to the frontier with Paraguay.", {"troop_mobilization"},
     {("BOL", "PRY")}, set()),
    ("Nigerien soldiers shelled a rebel camp near the border with Mali.", _FORCE, set(),
     {("NER", "MLI")}),
    # lists: possessives and compass-prefixed names coordinate too
    ("Bulgaria's and Romania's armies shelled Serbian towns.", _FORCE,
     {("BGR", "SRB"), ("ROU", "SRB")}, {("BGR", "ROU")}),
    ("Earlier, Sweden and West Germany expelled two Iraqi diplomats.", {"envoy_expelled"},
     {("SWE", "IRQ"), ("DEU", "IRQ")}, {("SWE", "DEU")}),
    # an envoy recalled "from X" is recalled from the other side; "the following day" is a date,
    # not a clause
    ("Peru responded the following day by recalling its ambassador from Ecuador.",
     {"envoy_recalled"}, {("PER", "ECU")}, set()),
    ("Ghana recalled its envoys from Togo, Benin and Niger.", {"envoy_recalled"},
     {("GHA", "TGO"), ("GHA", "BEN"), ("GHA", "NER")}, {("TGO", "BEN")}),
    # partners before an aside share the verb after it
    ("Britain's and France's reply, on Monday, was a strong threat to Germany.",
     {"accusation", "military_threat"}, {("GBR", "DEU"), ("FRA", "DEU")}, {("GBR", "FRA")}),
    # "together with", "along with" coordinate
    ("Kenya accused Sudan, together with Chad and Libya, of arming the rebels.",
     {"accusation"}, {("KEN", "SDN"), ("KEN", "TCD")}, {("SDN", "TCD"), ("TCD", "LBY")}),
    ("Togo, along with Benin, sent troops to the border with Ghana.", {"troop_mobilization"},
     {("TGO", "GHA"), ("BEN", "GHA")}, {("TGO", "BEN")}),
    # a subject named again in the object list does not act on its partners
    ("A dispute for Ghana began when the envoy accused Ghana, together with Togo and Benin, of "
     "harbouring rebels.", {"accusation"}, {(None, "TGO"), (None, "BEN")},
     {("GHA", "TGO"), ("GHA", "BEN")}),
    # the article's pair never sets partners listed in the sentence against each other
    ("Peru, Chile and Bolivia backed the rebels; Bolivia also provided military bases on its "
     "territory.", {"aid"}, {("BOL", None)}, {("BOL", "PER"), ("BOL", "CHL")}),
    # ... but two sides listed for a mutual act are its pair
    ("One Kenyan soldier sustained injuries in a battle between Kenyan and Somali forces along "
     "the border on Monday.", {"casualties"}, {("SOM", "KEN")}, set()),
    # the subjects of a passive with no agent undergo the act, side by side
    ("Ghana, Togo and Benin were accused of arming the rebels.", {"accusation"},
     {(None, "GHA"), (None, "TGO"), (None, "BEN")},
     {("GHA", "TGO"), ("TGO", "BEN"), ("GHA", "BEN")}),
    # every state of a list after "from" is where troops came from, not a target
    ("Kenyan troops landed in Somalia on Monday, followed by a contingent of soldiers from "
     "Uganda, Burundi and Djibouti.", {"troop_mobilization"}, {("KEN", "SOM")},
     {("KEN", "UGA"), ("KEN", "BDI"), ("KEN", "DJI")}),
    # states in a "despite" clause are not the act's object
    ("Kenya protested a growing Somali military buildup near its border, despite Ethiopian and "
     "Ugandan assurances.", {"troop_mobilization"}, {("SOM", "KEN")},
     {("SOM", "ETH"), ("SOM", "UGA")}),
    # a state in an aside between the subject and its verb is not the subject
    ("Chadian jets, escorted by French fighters, struck Libyan positions.", _FORCE,
     {("TCD", "LBY")}, {("FRA", "LBY")}),
    ("Ghana, backed by Nigeria, shelled Togolese posts.", _FORCE, {("GHA", "TGO")},
     {("NGA", "TGO")}),
    # where a weapon was made is no side
    ("Eritrea fired Russian-made rockets at Ethiopian positions.", _FORCE, {("ERI", "ETH")},
     {("ERI", "RUS")}),
    ("Morocco moved troops south in a French-supplied airlift.", {"troop_mobilization"}, set(),
     {("MAR", "FRA")}),
    # plural demonyms and spelling variants name their state
    ("The Germans invaded Poland.", {"sovereignty_violation"}, {("DEU", "POL")}, set()),
    ("Sa'udi forces entered Yemen.", {"sovereignty_violation"}, {("SAU", "YEM")}, set()),
]


@pytest.mark.parametrize(("sentence", "signals", "want", "never"), PARTNERS)
def test_partners_are_not_a_pair(sentence, signals, want, never):
    events = _events(sentence)
    got = _pairs(events, signals)
    if signals & _ANY_ORDER:
        got |= {(b, a) for a, b in got if a and b}
    assert want <= got, [(e.signal, e.source, e.target) for e in events]
    never = never | {(b, a) for a, b in never}
    assert not (never & got), [(e.signal, e.source, e.target) for e in events]


# More partners: "a joint/combined X-Y" act is one side's (but "joint X-Y talks" are the pair);
# "an appeal by X and Y" after a mutual act's noun names the appeal's agents, not the two sides
# of the act (but "signed by X and Y" does); a city named as a conference's venue is no side
PARTNERS_MORE = [
    ("Joint Saudi-Emirati airstrikes hit Yemen on Friday.", _FORCE,
     {("SAU", "YEM"), ("ARE", "YEM")}, {("SAU", "ARE")}),
    ("A combined Egyptian-Syrian offensive struck Israel at dawn.", _FORCE,
     {("EGY", "ISR"), ("SYR", "ISR")}, {("EGY", "SYR")}),
    ("A joint French-British appeal urged restraint on Greece and Turkey.",
     {"call_for_restraint"}, {("GRC", "TUR")}, {("FRA", "GBR"), ("FRA", "GRC")}),
    ("Joint Indian-Pakistani talks opened in Delhi.", {"talks"}, {("IND", "PAK")}, set()),
    ("The Egyptian-Syrian talks ended without a deal.", {"talks"}, {("EGY", "SYR")}, set()),
    ("The talks, as well as an appeal by Norway and Sweden to the UN, failed to end the "
     "crisis.", {"talks"}, set(), {("NOR", "SWE")}),
    ("A peace treaty was finally signed in Moscow by Armenia and Azerbaijan.", {"agreement"},
     {("ARM", "AZE")}, set()),
    ("Kenya, Uganda and Tanzania attempted mediation at the Nairobi Conference in May.",
     {"talks"}, set(), {("TZA", "KEN"), ("UGA", "KEN"), ("KEN", "TZA")}),
]


@pytest.mark.parametrize(("sentence", "signals", "want", "never"), PARTNERS_MORE)
def test_joint_acts_and_nominal_agents_are_partners(sentence, signals, want, never):
    test_partners_are_not_a_pair(sentence, signals, want, never)


def test_mediators_named_by_office_with_name_particles_are_one_list():
    ev = [e for e in _events(
        "President Ould Daddah of Mauritania, along with Foreign Minister Saud al Faisal bin "
        "Abdulaziz of Saudi Arabia and President Bongo of Gabon, succeeded in mediating the "
        "dispute.") if e.signal == "mediation_offer"]
    assert ev and set(ev[0].third_parties) == {"MRT", "SAU", "GAB"}, ev
    assert (ev[0].source, ev[0].target) == (None, None)


# fire "between X and Y" is theirs, whichever fires first; fire "at X and Y" has partners for
# targets
@pytest.mark.parametrize(("sentence", "pair", "never"), [
    ("Two soldiers were wounded in firing between Armenian and Azerbaijani troops on Monday.",
     {"ARM", "AZE"}, None),
    ("Shelling between Thai and Cambodian forces resumed on Friday.", {"THA", "KHM"}, None),
    ("The army opened fire at Armenian and Azerbaijani smugglers near the river.", None,
     {"ARM", "AZE"}),
])
def test_fire_between_two_sides_is_their_pair(sentence, pair, never):
    got = [{e.source, e.target} for e in _events(sentence)
           if e.signal in ("military_strike", "armed_clash")]
    if pair is not None:
        assert pair in got, got
    if never is not None:
        assert never not in got, got


# the wounded of one side "in firing between X and Y" were hit by the other of the two: the
# fire and the casualties run from it to them (source, target); None: no force or casualty
# event may have a source and a target of the given pair
VICTIMS_OF_FIRE_BETWEEN = [
    ("Three Armenian conscripts were wounded in firing between Azerbaijani and Armenian "
     "troops on Monday.", ("AZE", "ARM"), None),
    ("A Thai ranger was killed in an exchange of fire between Thai and Cambodian soldiers.",
     ("KHM", "THA"), None),
    ("Two Kyrgyz herders were injured in shelling between the Tajik and Kyrgyz forces.",
     ("TJK", "KGZ"), None),
    # the victims are of neither side: no side of theirs is made up
    ("Two Afghan traders were hurt in firing between Iranian and Turkmen guards.", None,
     {"IRN", "AFG"}),
    # no "between": the wounded are the target and nobody is named as firing
    ("Three Armenian conscripts were wounded in firing near the village on Monday.", None,
     {"AZE", "ARM"}),
]


@pytest.mark.parametrize(("sentence", "want", "never"), VICTIMS_OF_FIRE_BETWEEN)
def test_victims_of_fire_between_two_sides_are_hit_by_the_other(sentence, want, never):
    events = [e for e in _events(sentence) if e.signal in _FORCE | {"casualties"}]
    got = {(e.signal, e.source, e.target) for e in events}
    if want is not None:
        assert ("casualties", *want) in got, got
        assert any(e.signal in _FORCE and (e.source, e.target) == want for e in events), got
    if never is not None:
        assert not [e for e in events if {e.source, e.target} == never], got


# the passive-subject rule ("X and Y were accused of ...": X and Y undergo the act) must not
# take a progressive ("is sending") or a relative clause's passive for the main clause's
@pytest.mark.parametrize(("sentence", "signal", "source", "target"), [
    ("Norway is sending troops to the peacekeeping force in Mali.", "aid", "NOR", "MLI"),
    ("Ghana is deploying a military platoon to Liberia.", "aid", "GHA", "LBR"),
    ("Peru removed sanctions on firms that had been blacklisted for links to Cuba.",
     "sanctions", "PER", "CUB"),
])
def test_progressive_and_relative_clauses_keep_the_actor(sentence, signal, source, target):
    events = [e for e in _events(sentence) if e.signal == signal]
    assert events, [(e.signal, e.source, e.target) for e in _events(sentence)]
    assert all((e.source, e.target) != (target, source) for e in events), \
        [(e.signal, e.source, e.target) for e in events]
    assert any((e.source, e.target) == (source, target) for e in events), \
        [(e.signal, e.source, e.target) for e in events]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        # a named group's violence inside a state: not the article's pair
        ("Iran and Iraq traded accusations on Monday. A suicide attack by the Pakistani Taliban "
         "killed nine soldiers at a checkpoint in Bannu.", 1),
        ("Cameroon and Nigeria held talks on Monday. Twenty people were killed by Boko Haram "
         "insurgents in Borno state.", 1),
        # unnamed militants: the country the shells came from is not the attacker
        ("Militants fired mortar shells from Afghanistan into Pakistani territory.", 0),
    ],
)
def test_non_state_violence_is_not_bilateral(text, index):
    last = [e for e in _events(text) if e.sentence_index == index]
    force = [e for e in last if e.signal in _FORCE | {"casualties", "sovereignty_violation"}]
    assert force
    for e in force:
        assert e.source is None or e.source.startswith("G:"), (e.signal, e.source, e.target)
        assert not (e.source in ("AFG", "IRN", "IRQ", "CMR", "NGA") and e.target in (
            "PAK", "IRN", "IRQ", "CMR", "NGA"))


def test_state_striking_a_group_on_another_states_soil_is_bilateral():
    ev = [e for e in _events("Iranian jets struck Jaish al-Adl bases inside Pakistan.")
          if e.signal == "military_strike"]
    assert ev and (ev[0].source, ev[0].target) == ("IRN", "PAK")


def test_unnamed_actor_sentence_still_borrows_the_pair():
    text = "India and Pakistan traded accusations on Monday. Shelling resumed overnight."
    ev = [e for e in _events(text) if e.sentence_index == 1 and e.signal in _FORCE]
    assert ev and {ev[0].source, ev[0].target} == {"IND", "PAK"}


# Time: sentence, article date, title, background?, reason (prefix)
TIME = [
    ("India on Wednesday marked the first anniversary of the Balakot strikes on Pakistan.",
     "2020-02-26", None, True, "anniversary"),
    ("Indian jets struck Pakistan on 26 February 2019.", "2020-02-26", None, True,
     "date 2019-02-26"),
    ("Indian jets struck Pakistan in 2019.", "2020-06-01", None, True, "year 2019"),
    ("Indian jets struck Pakistan last year.", "2020-06-01", None, True, "last year"),
    ("India and Pakistan fought a war in 1971 that killed thousands.", "2020-06-01", None, True,
     "year 1971"),
    ("Indian jets struck Pakistan years ago.", "2020-06-01", None, True, "history"),
    ("Veterans laid wreaths at a memorial to the soldiers killed by Pakistani shelling.",
     "2020-06-01", None, True, "memorial"),
    ("Indian jets struck Pakistan in February.", "2020-06-01", "Explainer: the Kashmir dispute",
     True, "explainer"),
    # current: must NOT be background
    ("Indian jets struck Pakistan on Tuesday.", "2020-06-01", None, False, ""),
    ("Indian jets struck Pakistan on 30 May 2020.", "2020-06-01", None, False, ""),
    ("Pakistan violated the 2003 ceasefire by firing at Indian posts.", "2020-06-01", None,
     False, ""),
]


@pytest.mark.parametrize(("sentence", "date", "title", "background", "reason"), TIME)
def test_time_relative_to_the_article(sentence, date, title, background, reason):
    ev = [e for e in _events(sentence, date=date, title=title)
          if e.signal in _FORCE | {"casualties"}]
    assert ev, sentence
    assert all(e.background is background for e in ev)
    assert all(e.time.startswith(reason) if reason else e.time == "" for e in ev)


def test_derived_cameo_table_loads_and_adds_phrases():
    cues = load_cues()
    phrases = {c.phrase: c for c in cues if c.kind in ("trigger", "shadow")}
    assert phrases["violated the ceasefire"].name == "armed_clash"
    assert phrases["violated the ceasefire"].kind == "shadow"
    assert any(c.kind == "trigger" and c.name == "aid" and c.phrase.startswith("extradit")
               for c in cues)


# ---- attribution and time: causes of hard negatives passing as bilateral news


@pytest.mark.parametrize("title", [
    "Nation marks 30th anniversary of the border war",
    "Veterans commemorate the battle of the northern pass",
    "The Ruritanian War of 1931 was a short conflict between two neighbours",
    "City celebrates 25 years of its victory over the invaders",
    "The famous raid completed two years on Friday",
])
def test_retrospective_headline_makes_the_article_history(title):
    ev = _events("Indian jets struck Pakistani positions near the line of control, killing "
                 "12 soldiers.", date="2024-03-01", title=title)
    ev = [e for e in ev if e.signal in _FORCE | {"casualties"}]
    assert ev and all(e.background and e.time == "explainer" for e in ev)


def test_news_headline_is_not_a_retrospective():
    ev = _events("Indian jets struck Pakistani positions near the line of control.",
                 date="2024-03-01", title="India strikes Pakistani posts; five-year plan halted")
    assert any(e.signal in _FORCE and not e.background for e in ev)


def test_talks_venue_is_not_the_other_side():
    ev = _events("Colombia and Venezuela resumed talks in Mexico City on Monday.")
    assert ("COL", "VEN") in _pairs(ev, {"talks"})
    assert not any("MEX" in (e.source, e.target) for e in ev if e.signal == "talks")


@pytest.mark.parametrize(("sentence", "source", "target"), [
    ("Turkey shot down a Russian warplane on the Syrian border on Tuesday.", "TUR", "RUS"),
    ("Iran fired missiles at US bases in Iraq on Wednesday.", "IRN", "USA"),
    ("Israel struck Hezbollah positions in Lebanon on Sunday.", "ISR", "LBN"),
    ("Indian troops fired across the border with Pakistan on Monday.", "IND", "PAK"),
])
def test_direct_object_before_the_place_is_the_target(sentence, source, target):
    assert (source, target) in _pairs(_events(sentence), _FORCE)


@pytest.mark.parametrize("text", [
    "Jordanian soldiers killed five drug smugglers on the border with Syria on Sunday.",
    "Mali and Niger held talks last month. The death toll from Tuesday's ambush on Nigerien "
    "troops near the border with Mali rose to 20.",
    "Islamic State claimed an attack on Nigerien soldiers on Tuesday.",
])
def test_group_violence_near_a_border_is_no_state_pair(text):
    ev = [e for e in _events(text) if e.signal in _FORCE | {"casualties"}]
    assert not any({e.source, e.target} in ({"JOR", "SYR"}, {"MLI", "NER"}) for e in ev)


def test_sports_vocabulary_fires_nothing():
    ev = _events("India beat Pakistan by five wickets in a tense tournament match on Sunday, "
                 "and the goalkeeper was injured in a clash with a striker.")
    assert not [e for e in ev if e.signal in _FORCE | {"casualties", "accusation"}]


def test_background_date_carries_over_the_paragraph():
    text = ("In 1999 the two armies fought a war in the hills. Pakistani troops had occupied the "
            "heights. Indian troops shelled Pakistani posts and recaptured the area.\n"
            "On Monday, Indian troops fired at Pakistani posts.")
    ev = [e for e in _events(text, date="2024-01-01") if e.signal in _FORCE]
    old = [e for e in ev if "recaptured" in e.sentence]
    new = [e for e in ev if "On Monday" in e.sentence]
    assert old and all(e.background and e.time == "year 1999" for e in old)
    assert new and not any(e.background for e in new)


# a force act across a control line between two states, its sentence naming one of them
ACROSS_LINE = [
    ("An Indian soldier was killed in cross-LoC firing on Tuesday.", {"IND", "PAK"}),
    ("A Pakistani soldier was killed in firing across the Line of Control on Monday.",
     {"IND", "PAK"}),
    ("Afghan forces opened fire on posts along the Durand Line.", {"AFG", "PAK"}),
    ("Chinese troops clashed with a patrol on the Line of Actual Control.", {"CHN", "IND"}),
]


@pytest.mark.parametrize(("sentence", "pair"), ACROSS_LINE)
def test_a_control_line_names_the_other_side(sentence, pair):
    events = _events(sentence, date="2024-05-20")
    assert any({e.source, e.target} == pair for e in events
               if e.signal in _FORCE | {"casualties"}), [
        (e.signal, e.source, e.target) for e in events]


@pytest.mark.parametrize(("sentence", "never"), [
    # a group acts, the line is not between the named state and another, or it is no act
    ("Militants fired on Indian posts across the Line of Control.", {"IND", "PAK"}),
    ("Thai troops opened fire near the Line of Control marker in the film.", {"THA", "IND"}),
    ("Thai troops opened fire near the Line of Control marker in the film.", {"THA", "PAK"}),
    ("Chilean police opened fire on a bus near the Blue Line station in Chicago.",
     {"CHL", "ISR"}),
    ("Indian officials visited Lac Leman in Switzerland after the shelling.", {"IND", "CHN"}),
])
def test_a_control_line_does_not_invent_a_side(sentence, never):
    events = _events(sentence, date="2024-05-20")
    assert not [e for e in events if {e.source, e.target} == never], [
        (e.signal, e.source, e.target) for e in events]


# A pronoun or "the government" for the state just named fills the act's side, and the event
# says so (extra["anaphor"]). text, signal, the (source, target) of its last sentence, the
# anaphor mark ("" : none may be marked, and the pair must not be there)
ANAPHORA = [
    ("Bolivia massed troops near the frontier. It then demanded the withdrawal of Paraguayan "
     "forces.", "accusation", ("BOL", "PRY"), "It=BOL"),
    ("Ecuador was shelled on Monday. Its response was an incursion into Peru.",
     "sovereignty_violation", ("ECU", "PER"), "Its=ECU"),
    ("Chile protested on Monday. The government also recalled its ambassador from Peru.",
     "envoy_recalled", ("CHL", "PER"), "The government=CHL;its=CHL"),
    ("The Soviets moved divisions to the border. They also threatened Finland.",
     "military_threat", ("RUS", "FIN"), "They=RUS"),
    # not resolved: two subjects compete; another actor between (its = Uganda's)
    ("Iraq and Iran exchanged notes. It then recalled its ambassador from Kuwait.",
     "envoy_recalled", ("IRQ", "KWT"), ""),
    ("Kenya persuaded Uganda to pull back its troops from Sudan.", "ceasefire", ("KEN", "SDN"),
     ""),
]


@pytest.mark.parametrize(("text", "signal", "pair", "mark"), ANAPHORA)
def test_anaphora_fills_a_side(text, signal, pair, mark):
    events = [e for e in _events(text) if e.signal == signal]
    last = max(e.sentence_index for e in _events(text))
    got = {(e.source, e.target): e.extra.get("anaphor", "") for e in events
           if e.sentence_index == last}
    if mark:
        assert got.get(pair) == mark, got
    else:
        assert pair not in got and not any(got.values()), got


# Who gives and who receives: "requested aid from X", "appealed to X for help" make X the giver
# and the one who asks the receiver; "sent aid from X" is where it left. sentence, (source,
# target) of an aid event that must be there, pairs that must not
AID_ASKED = [
    ("Chad requested military aid from France on Monday.", ("FRA", "TCD"), {("TCD", "FRA")}),
    ("Peru received military assistance from Brazil and Chile.", ("BRA", "PER"),
     {("PER", "BRA"), ("BRA", "CHL")}),
    ("Turkey answered by requesting aid from Britain and the United States.", ("USA", "TUR"),
     {("GBR", "USA"), ("TUR", "GBR")}),
    ("Syria appealed to the Soviet Union for aid.", ("RUS", "SYR"), {("SYR", "RUS")}),
    ("The Moroccan king appealed to France for help on the 16th.", ("FRA", "MAR"),
     {("MAR", "FRA")}),
    ("Nepal sought help from India after the floods.", ("IND", "NPL"), {("NPL", "IND")}),
    ("Gabon sent an appeal for help to Belgium.", ("BEL", "GAB"), {("GAB", "BEL")}),
    ("Chile asked Argentina for help.", ("ARG", "CHL"), set()),
    # a giver named as the modifier of what is asked for
    ("Bolivia sent a note to Lima requesting Brazilian aid.", ("BRA", "BOL"), {("BRA", "PER")}),
    ("Laos held out. Its answer was to request aid from Thailand.", ("THA", "LAO"), set()),
    # ... but aid to a state named after it goes to that state
    ("Chile asked that all Peruvian military aid to Bolivia be stopped.", ("PER", "BOL"),
     {("PER", "CHL")}),
    # sending from a place: the place is no giver
    ("Britain sent aid from Cyprus to Jordan.", ("GBR", "JOR"), {("CYP", "JOR")}),
]


@pytest.mark.parametrize(("sentence", "want", "never"), AID_ASKED)
def test_aid_asked_from_the_giver(sentence, want, never):
    got = _pairs(_events(sentence, date="1975-06-01"), {"aid"})
    assert want in got, got
    assert not (never & got), got


# A one-sided withdrawal "from X" leaves X: X is the other side, not where the act came from.
# sentence, (source, target) of the ceasefire event
LEAVING = [
    ("Libya refused to withdraw its forces from Chad.", ("LBY", "TCD")),
    ("Egyptian troops pulled back from the Sudanese border.", ("EGY", "SDN")),
    ("By mid-November Iraqi forces withdrew from Kuwait's border.", ("IRQ", "KWT")),
    ("Kenya persuaded Uganda to pull back its troops from Sudan.", ("UGA", "SDN")),
    ("Mali kept pressing Niger to pull out of Burkina Faso.", ("NER", "BFA")),
]


@pytest.mark.parametrize(("sentence", "want"), LEAVING)
def test_withdrawal_from_a_state_faces_it(sentence, want):
    assert want in _pairs(_events(sentence), {"ceasefire"})



# "triggered a crisis for X", "ending the crisis for X": the acts of the sentence fall on X,
# whatever else they touch. sentence, a (source, target) that must be there, one that must not
CRISIS_FOR = [
    ("A crisis for Malawi began when Zambian troops shelled a depot on the road to Tanzania.",
     ("ZMB", "MWI"), None),
    ("Chilean jets bombed the port of Arica, triggering a crisis for Peru.", ("CHL", "PER"),
     None),
    ("Ugandan forces occupied the island, which triggered a crisis for Kenya.",
     ("UGA", "KEN"), None),
    ("Ecuador withdrew its troops from the valley, ending the crisis for Peru.",
     ("ECU", "PER"), None),
    # the state the crisis is for does not act on itself
    ("A crisis for Ghana was triggered when Ghana expelled Togolese envoys.", ("GHA", "TGO"),
     ("GHA", "GHA")),
]


@pytest.mark.parametrize(("sentence", "want", "never"), CRISIS_FOR)
def test_a_crisis_for_a_state_names_what_the_acts_fall_on(sentence, want, never):
    got = {(e.source, e.target) for e in _events(sentence)}
    assert want in got, got
    assert never not in got, got


def test_a_crisis_elsewhere_adds_no_target():
    got = {(e.source, e.target) for e in _events(
        "Peruvian troops shelled Ecuadorian posts during the economic crisis in Brazil.")}
    assert not any("BRA" in p for p in got), got


# The agent of a nominal act ("an ultimatum by X", "an invasion by X and Y") acts on the state
# before it, one agent or partners. sentence, pairs that must be there, pairs that must not
NOMINAL_AGENTS = [
    ("Ghana said it would resist an invasion by Togo.", {("TGO", "GHA")}, set()),
    ("Chad gave in, after having been served an ultimatum by both Libya and Sudan.",
     {("LBY", "TCD"), ("SDN", "TCD")}, {("LBY", "SDN")}),
    ("Chad held firm. Then it gave in, after an ultimatum by both Libya and Sudan.",
     {("LBY", "TCD"), ("SDN", "TCD")}, {("LBY", "SDN")}),
    ("Norway countercharged that there was a Swedish military buildup along the border.",
     {("NOR", "SWE")}, set()),
]


@pytest.mark.parametrize(("sentence", "want", "never"), NOMINAL_AGENTS)
def test_agent_of_a_nominal_act_acts_on_the_state_before(sentence, want, never):
    got = {(e.source, e.target) for e in _events(sentence)}
    assert want <= got, got
    assert not ({(b, a) for a, b in never} | never) & got, got


# Allies are partners of the side they back, never its object nor a side of their own: "fought
# alongside X", "supported by X", "with the help of X"; one force of two states ("British-Indian
# troops") acts together; a list in brackets is still a list. sentence, signals, pairs that must
# be there, pairs that must not (either order)
ALLIES = [
    ("Ugandan and Kenyan troops fought alongside the Tanzanians.", {"armed_clash"},
     {("UGA", None), ("KEN", None)}, {("UGA", "KEN"), ("UGA", "TZA"), ("KEN", "TZA")}),
    ("Malian forces, reinforced by Senegalese and Guinean troops, attacked Mauritanian posts.",
     _FORCE, {("MLI", "MRT")}, {("MLI", "SEN"), ("SEN", "GIN"), ("MLI", "GIN")}),
    ("Supported by Cuban advisers, Angolan units shelled Namibian villages.", _FORCE,
     {("AGO", "NAM")}, {("CUB", "AGO"), ("CUB", "NAM")}),
    ("A Belgian-Dutch military contingent landed in Ghana.", {"troop_mobilization"}, set(),
     {("BEL", "NLD")}),
    ("Five states (Peru, Siam [Thailand], Chile, Nepal and Ghana) attempted mediation.",
     {"mediation_offer"}, {(None, None)}, {("PER", "THA"), ("THA", "CHL")}),
    # ... but forces that fight each other are a pair, and so is a hyphenated pair of a dispute
    ("Thai and Cambodian troops clashed near the temple.", {"armed_clash"},
     {("THA", "KHM")}, set()),
    ("Indian-Chinese troops clashed in the valley.", {"armed_clash"}, {("IND", "CHN")}, set()),
    ("The Peru-Ecuador talks resumed in Brasilia.", {"talks"}, {("ECU", "PER")}, set()),
]


@pytest.mark.parametrize(("sentence", "signals", "want", "never"), ALLIES)
def test_allies_act_with_their_side(sentence, signals, want, never):
    got = _pairs(_events(sentence), signals)
    assert want <= got, got
    assert not ({(b, a) for a, b in never} | never) & got, got


def test_the_state_in_crisis_is_the_pair_a_later_sentence_borrows():
    text = ("Iraqi jets struck bases in Syria, triggering a crisis for Jordan. Troops were "
            "mobilised along the border the next day.")
    later = {(e.source, e.target) for e in _events(text) if e.sentence_index == 1}
    assert later == {("IRQ", "JOR")}, later
    # without the crisis the strike's own pair carries on
    text = "Iraqi jets struck bases in Syria on Monday. Troops were mobilised the next day."
    later = {(e.source, e.target) for e in _events(text) if e.sentence_index == 1}
    assert later == {("IRQ", "SYR")}, later


# Two states asked to hold back are the pair of a call for restraint, whoever voices it; two
# that offer to mediate are go-betweens. sentence, addressed pair (None: none), callers
RESTRAINT = [
    ("Moscow expressed the hope that India and Pakistan would exercise restraint.",
     {"IND", "PAK"}, {"RUS"}),
    ("Norway said Eritrea and Ethiopia must show maximum restraint.", {"ERI", "ETH"},
     {"NOR"}),
    ("The UN urged Iran and Iraq to exercise restraint.", {"IRN", "IRQ"}, set()),
    ("Kenya and Tanzania offered to mediate.", None, {"KEN", "TZA"}),
]


# A call toward one addressee targets it ("X urged Y to ...": X->Y, as CAMEO codes an appeal);
# "X appealed to Y to restrain Z" is about Z (X->Z), Y the third party asked to hold Z back.
# sentence, (source, target), third parties
ADDRESSED = [
    ("Japan urged China to exercise restraint.", ("JPN", "CHN"), set()),
    ("Kenya appealed to Uganda to show restraint.", ("KEN", "UGA"), set()),
    ("Pakistan appealed to the United States to restrain India.", ("PAK", "IND"), {"USA"}),
    ("Washington appealed to Moscow to rein in Damascus.", ("USA", "SYR"), {"RUS"}),
    # asked to press a third state on something else: still a call to the addressee
    ("Iran urged Germany to persuade Washington to drop the tariffs.", ("IRN", "DEU"), set()),
    # two addressees are the pair, the subject the caller (unchanged)
    ("Japan urged China and Vietnam to exercise restraint.", ("CHN", "VNM"), {"JPN"}),
]


@pytest.mark.parametrize(("sentence", "pair", "third"), ADDRESSED)
def test_a_call_targets_its_addressee(sentence, pair, third):
    ev = [e for e in _events(sentence) if e.signal == "call_for_restraint"]
    assert ev and (ev[0].source, ev[0].target) == pair, [
        (e.source, e.target, e.third_parties) for e in ev]
    assert set(ev[0].third_parties) == third, ev[0].third_parties


@pytest.mark.parametrize(("sentence", "pair", "callers"), RESTRAINT)
def test_who_is_asked_to_hold_back(sentence, pair, callers):
    ev = [e for e in _events(sentence)
          if e.signal in ("call_for_restraint", "mediation_offer")][0]
    got = {ev.source, ev.target} - {None}
    assert (got == pair) if pair else not got, (ev.source, ev.target)
    assert callers <= set(ev.third_parties), ev.third_parties


# A state recalls its own envoys: in the passive the owner named before the envoy recalls, the
# hosts are the targets. sentence, pairs that must be there, pairs that must not
OWN_ENVOYS = [
    ("Chilean ambassadors to Lima, La Paz and Quito were recalled.",
     {("CHL", "PER"), ("CHL", "BOL"), ("CHL", "ECU")}, {(None, "BOL"), (None, "ECU")}),
    ("Norway's envoy to Iceland was recalled on Monday.", {("NOR", "ISL")}, set()),
    # an expelled envoy's state is the one acted on
    ("The Indian envoy was expelled from Pakistan.", {("PAK", "IND")}, {("IND", "PAK")}),
]


@pytest.mark.parametrize(("sentence", "want", "never"), OWN_ENVOYS)
def test_a_state_recalls_its_own_envoys(sentence, want, never):
    got = {(e.source, e.target) for e in _events(sentence)
           if e.signal in ("envoy_recalled", "envoy_expelled")}
    assert want <= got, got
    assert not never & got, got


# Troops that surrender or capitulate stop fighting (a ceasefire move of one side); two armies
# that surrender together are partners, not a pair
SURRENDER = [
    ("Peruvian troops surrendered to the Chilean army on Friday.", ("PER", "CHL"), None),
    ("Libyan and Sudanese troops surrendered in the north.", None, ("LBY", "SDN")),
]


@pytest.mark.parametrize(("sentence", "want", "never"), SURRENDER)
def test_surrender_is_a_one_sided_ceasefire(sentence, want, never):
    got = _pairs(_events(sentence), {"ceasefire"})
    assert got, got
    if want:
        assert want in got or want[::-1] in got, got
    if never:
        assert never not in got and never[::-1] not in got, got


def test_surrender_needs_a_force():
    assert not _pairs(_events("Chile surrendered the trophy to Peru after the final."),
                      {"ceasefire"})


# A military intervention in a state's territory or affairs is an incursion into it; a border
# sealed faces the neighbour named after "the border with". sentence, signal, (source, target)
INTERVENTION_AND_SEALING = [
    ("Egypt condemned Sudan's military intervention in Chad's internal affairs.",
     "sovereignty_violation", ("SDN", "TCD")),
    ("Gabon denounced the armed intervention of Cameroon in its territory.",
     "sovereignty_violation", ("CMR", "GAB")),
    ("Kenya said the border with Somalia was completely sealed.", "border_closure",
     ("KEN", "SOM")),
]


@pytest.mark.parametrize(("sentence", "signal", "want"), INTERVENTION_AND_SEALING)
def test_intervention_and_a_sealed_border(sentence, signal, want):
    assert want in _pairs(_events(sentence), {signal})


def test_a_sealed_letter_is_no_border_closure():
    assert not _pairs(_events("Peru sent Chile a sealed letter on the fishing dispute."),
                      {"border_closure"})


# Assurances are pledges (unity_pledge, CAMEO 03): "X assured Y" is X's to Y; asked "from X and
# Y" they are each giver's to the one who asks, never a pair of the two givers
ASSURANCES = [
    ("On Monday the Iranian president assured Kuwait that Iran would respect its neutrality.",
     {("IRN", "KWT")}, set()),
    ("Norway sought assurances from both Sweden and Finland that its neutrality would hold.",
     {("SWE", "NOR"), ("FIN", "NOR")}, {("SWE", "FIN"), ("FIN", "SWE")}),
    ("Rest assured, the army said, Pakistan will respond.", set(), {(None, "PAK")}),
]


@pytest.mark.parametrize(("sentence", "want", "never"), ASSURANCES)
def test_assurances_are_pledges(sentence, want, never):
    got = _pairs(_events(sentence), {"unity_pledge"})
    assert want <= got, got
    assert not never & got, got


@pytest.mark.parametrize("anaphor", ["both states", "the two armies", "the adversaries",
                                     "the belligerents"])
def test_more_words_for_the_pair(anaphor):
    text = (f"Peru and Ecuador traded accusations on Monday. Chilean monitors said {anaphor} "
            "clashed near the river.")
    later = {(e.source, e.target) for e in _events(text) if e.sentence_index == 1}
    assert later & {("PER", "ECU"), ("ECU", "PER")}, later


# go-betweens named in one sentence are not the pair a later sentence that names nobody
# borrows; a pair the call addresses still is. text, pair that must not be borrowed (None: -),
# pair that must be there in the last sentence (None: -)
BROKERS_NOT_BORROWED = [
    ("President Sall of Senegal, along with President Ouattara of Ivory Coast, succeeded in "
     "mediating the dispute. The mediators then travelled to both capitals.", {"SEN", "CIV"},
     None),
    ("Norway and Iceland mediated the quarrel. The two countries later held talks in Oslo.",
     {"NOR", "ISL"}, None),
    ("The UN urged Eritrea and Djibouti to exercise restraint. The two countries later held "
     "talks in Doha.", None, {"ERI", "DJI"}),
]


@pytest.mark.parametrize(("text", "never", "want"), BROKERS_NOT_BORROWED)
def test_go_betweens_are_not_the_pair_later_sentences_borrow(text, never, want):
    events = _events(text)
    last = max(e.sentence_index for e in events)
    pairs = [{e.source, e.target} for e in events if e.sentence_index == last]
    if never is not None:
        assert never not in pairs, pairs
    if want is not None:
        assert want in pairs, pairs
