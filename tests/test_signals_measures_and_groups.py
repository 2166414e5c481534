"""Three extraction rules, each with sentences of our own writing that must and must not fire.

* A sanction being lifted, eased or removed, or a border reopened, is the end of a measure,
  not the measure.
* Fighting between a state's forces and a named insurgent group is not an act between states:
  the group is its side, so no event links two states; so is a breakaway region's.
"""

from __future__ import annotations

import pytest

from tension import extract_signals, find_actors

LIFTED = [
    # (sentence, is a sanction imposed?)
    ("Beijing lifted the tariffs it had put on wine from Canberra.", False),
    ("The United States will remove its remaining sanctions on Havana next month.", False),
    ("Ottawa scrapped the import ban on beef from Brazil.", False),
    ("The EU eased sanctions on Minsk after the prisoners were freed.", False),
    ("The removal of the trade restrictions on Vietnam was announced on Monday.", False),
    ("The sanctions on Tehran were lifted in January.", False),
    ("Caracas is seeking sanctions relief from Washington.", False),
    ("Washington rolled back its tariffs on Mexican steel.", False),
    # must fire: imposing, extending, widening, or a verb of ending on something else
    ("Washington imposed new sanctions on Moscow.", True),
    ("The US slapped tariffs on Chinese steel on Friday.", True),
    ("Japan announced an export ban on chips to Pyongyang.", True),
    ("Seoul scrapped the summit and announced sanctions on Pyongyang.", True),
    ("London dropped its objection and announced sanctions on Minsk.", True),
]

REOPENED = [
    # (sentence, is a closure?)
    ("Islamabad reopened the main border crossing with Kabul on Sunday.", False),
    ("The border crossing was reopened to trucks after two weeks.", False),
    ("Kabul closed the border crossing after the clash.", True),
    ("Dushanbe sealed the border with Bishkek overnight.", True),
]


@pytest.mark.parametrize(("sentence", "closed"), REOPENED)
def test_a_reopened_border_is_no_closure(sentence: str, closed: bool) -> None:
    got = [e for e in extract_signals(sentence)
           if e.signal == "border_closure" and e.modality in ("asserted", "claimed")]
    assert bool(got) is closed, [(e.signal, e.modality, e.trigger) for e in got]


@pytest.mark.parametrize(("sentence", "imposed"), LIFTED)
def test_lifted_sanctions_are_not_sanctions(sentence: str, imposed: bool) -> None:
    got = [e for e in extract_signals(sentence)
           if e.signal == "sanctions" and e.modality in ("asserted", "claimed")]
    assert bool(got) is imposed, [(e.signal, e.modality, e.trigger) for e in got]


GROUP_FIGHTS = [
    # (sentence, armed group code); no event may link two states
    ("Philippine marines clashed with Abu Sayyaf gunmen on Jolo, leaving seven dead.",
     "G:abu-sayyaf"),
    ("New People's Army rebels ambushed an army patrol in Samar.", "G:npa"),
    ("Colombian soldiers fought ELN guerrillas in Arauca on Sunday.", "G:eln"),
    ("JNIM fighters attacked a Malian army post, killing ten soldiers.", "G:jnim"),
    ("ISWAP militants raided a Nigerian base in Borno.", "G:iswap"),
    ("The Allied Democratic Forces killed twelve villagers in Congo's Ituri province.", "G:adf"),
]


@pytest.mark.parametrize(("sentence", "group"), GROUP_FIGHTS)
def test_fights_with_named_groups_link_no_two_states(sentence: str, group: str) -> None:
    assert group in {m.code for m in find_actors(sentence)}
    events = extract_signals(sentence)
    for e in events:
        sides = {e.source, e.target} - {None}
        assert not (len(sides) == 2 and all(len(x) == 3 and x.isupper() for x in sides)), (
            e.signal, e.source, e.target)


BREAKAWAY = [
    # (sentence, event that must link the two states or None)
    ("Ethiopia signed a port deal with Somaliland, angering Somalia.", None),
    ("Somaliland agreed to lease a strip of coast to Ethiopia.", None),
    ("Somalia recalled its ambassador to Ethiopia over the Somaliland pact.",
     ("envoy_recalled", "SOM", "ETH")),
    ("Somalia and Ethiopia signed a security agreement in Mogadishu.",
     ("agreement", "SOM", "ETH")),
]


@pytest.mark.parametrize(("sentence", "linked"), BREAKAWAY)
def test_a_breakaway_region_acts_for_itself(sentence: str, linked: tuple | None) -> None:
    pairs = {(e.signal, e.source, e.target) for e in extract_signals(sentence)
             if {e.source, e.target} == {"SOM", "ETH"}}
    if linked is None:
        assert not pairs, pairs
    else:
        assert linked in pairs or (linked[0], linked[2], linked[1]) in pairs, pairs
