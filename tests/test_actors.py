"""Actor resolution: a labelled table of mentions in project-written news-style sentences.

CASES is also read by experiments/evaluate_actors.py, which prints precision and recall.
Every sentence here was written for this project.
"""

from __future__ import annotations

import pycountry
import pytest

from tension._types import Article
from tension.extract._actors import anaphora, find_actors, find_actors_text, gazetteer
from tension.read._text import split_sentences

# (sentence, [(surface text, code), ...]) in order of appearance
CASES: list[tuple[str, list[tuple[str, str]]]] = [
    # --- core names, short forms, acronyms
    ("Iran and Pakistan traded accusations on Tuesday.", [("Iran", "IRN"), ("Pakistan", "PAK")]),
    ("The US and the UK imposed new sanctions.", [("US", "USA"), ("UK", "GBR")]),
    ("U.S. officials met U.K. diplomats in Geneva.", [("U.S.", "USA"), ("U.K.", "GBR")]),
    ("The USA and the UAE signed a trade pact.", [("USA", "USA"), ("UAE", "ARE")]),
    ("The DPRK fired a missile toward the sea, the ROK said.", [("DPRK", "PRK"), ("ROK", "KOR")]),
    ("Fighting in eastern DRC displaced thousands.", [("DRC", "COD")]),
    ("Let us hope the talks go well, he told us.", []),
    ("The United States of America and the Russian Federation held talks.",
     [("United States of America", "USA"), ("Russian Federation", "RUS")]),
    ("Britain and Great Britain are the same country as the United Kingdom.",
     [("Britain", "GBR"), ("Great Britain", "GBR"), ("United Kingdom", "GBR")]),
    ("The People's Republic of China protested to the Republic of China.",
     [("People's Republic of China", "CHN"), ("Republic of China", "TWN")]),
    ("Taiwan said Chinese jets crossed the median line.", [("Taiwan", "TWN"), ("Chinese", "CHN")]),
    ("Kosovo and Serbia agreed to resume the dialogue.", [("Kosovo", "XKX"), ("Serbia", "SRB")]),
    ("Palestine asked the UN for full membership.", [("Palestine", "PSE"), ("UN", "UN")]),
    ("Türkiye and Turkiye are the names Turkey now prefers.",
     [("Türkiye", "TUR"), ("Turkiye", "TUR"), ("Turkey", "TUR")]),
    ("Myanmar, also called Burma, expelled a Thai envoy.",
     [("Myanmar", "MMR"), ("Burma", "MMR"), ("Thai", "THA")]),
    ("Czechia and the Czech Republic are one state.",
     [("Czechia", "CZE"), ("Czech Republic", "CZE")]),
    ("Eswatini was called Swaziland until 2018.", [("Eswatini", "SWZ"), ("Swaziland", "SWZ")]),
    ("Ivory Coast and Côte d'Ivoire name one country.",
     [("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV")]),
    ("Côte d’Ivoire recalled its envoy.", [("Côte d’Ivoire", "CIV")]),
    ("East Timor, or Timor-Leste, joined ASEAN.",
     [("East Timor", "TLS"), ("Timor-Leste", "TLS"), ("ASEAN", "ASEAN")]),
    ("North Macedonia and Greece settled the name dispute.",
     [("North Macedonia", "MKD"), ("Greece", "GRC")]),
    ("The Holy See and the Vatican sent an envoy to Kyiv.",
     [("Holy See", "VAT"), ("Vatican", "VAT"), ("Kyiv", "UKR")]),
    ("Saint Lucia and St Kitts and Nevis joined the statement.",
     [("Saint Lucia", "LCA"), ("St Kitts and Nevis", "KNA")]),
    ("Trinidad and Tobago and Antigua and Barbuda voted yes.",
     [("Trinidad and Tobago", "TTO"), ("Antigua and Barbuda", "ATG")]),
    ("Bosnia and Herzegovina and Montenegro held talks.",
     [("Bosnia and Herzegovina", "BIH"), ("Montenegro", "MNE")]),
    ("Sao Tome and Principe and Cabo Verde signed a maritime deal.",
     [("Sao Tome and Principe", "STP"), ("Cabo Verde", "CPV")]),
    ("The Solomon Islands and the Marshall Islands met Fiji.",
     [("Solomon Islands", "SLB"), ("Marshall Islands", "MHL"), ("Fiji", "FJI")]),
    ("IRAN WARNS ISRAEL OVER STRIKES", [("IRAN", "IRN"), ("ISRAEL", "ISR")]),
    # --- demonyms and adjectives
    ("Iranian and Pakistani officials met Emirati mediators.",
     [("Iranian", "IRN"), ("Pakistani", "PAK"), ("Emirati", "ARE")]),
    # the state's force is one mention (leaders_recent.tsv: "Chinese Coast Guard", "Indian Army")
    ("Filipino fishermen accused Chinese coast guard ships of ramming.",
     [("Filipino", "PHL"), ("Chinese coast guard", "CHN")]),
    ("Congolese troops clashed with Rwandan soldiers.", [("Congolese", "COD"), ("Rwandan", "RWA")]),
    ("Israelis and Palestinians mourned the dead.", [("Israelis", "ISR"), ("Palestinians", "PSE")]),
    ("Two Iraqis and three Syrians were detained.", [("Iraqis", "IRQ"), ("Syrians", "SYR")]),
    ("The Saudi and Qatari delegations arrived.", [("Saudi", "SAU"), ("Qatari", "QAT")]),
    ("Dutch, Swiss and Danish diplomats signed the letter.",
     [("Dutch", "NLD"), ("Swiss", "CHE"), ("Danish", "DNK")]),
    ("French and British jets patrolled the area.", [("French", "FRA"), ("British", "GBR")]),
    ("Afghan refugees crossed into Tajik territory.", [("Afghan", "AFG"), ("Tajik", "TJK")]),
    ("The Azerbaijani and Armenian ministers met in Moscow.",
     [("Azerbaijani", "AZE"), ("Armenian", "ARM"), ("Moscow", "RUS")]),
    ("Nigerien soldiers and Nigerian police patrolled the border.",
     [("Nigerien", "NER"), ("Nigerian", "NGA")]),
    ("Sudanese and South Sudanese leaders met in Juba.",
     [("Sudanese", "SDN"), ("South Sudanese", "SSD"), ("Juba", "SSD")]),
    ("North Korean and South Korean officers met at the border.",
     [("North Korean", "PRK"), ("South Korean", "KOR")]),
    ("Ukrainian drones struck a Russian refinery.", [("Ukrainian", "UKR"), ("Russian", "RUS")]),
    ("Venezuelan and Colombian troops faced each other.",
     [("Venezuelan", "VEN"), ("Colombian", "COL")]),
    ("The Ethiopian prime minister met his Somali counterpart.",
     [("Ethiopian", "ETH"), ("Somali", "SOM")]),
    ("Kenyan, Ugandan and Tanzanian police trained together.",
     [("Kenyan", "KEN"), ("Ugandan", "UGA"), ("Tanzanian", "TZA")]),
    ("Moroccan and Algerian diplomats traded barbs.", [("Moroccan", "MAR"), ("Algerian", "DZA")]),
    ("The Greek and Turkish coast guards exchanged warnings.",
     [("Greek", "GRC"), ("Turkish", "TUR")]),
    ("Japanese and Korean firms signed a chip deal.", [("Japanese", "JPN"), ("Korean", "KOR")]),
    ("Indian and Chinese troops disengaged.", [("Indian", "IND"), ("Chinese", "CHN")]),
    ("Vietnamese boats fled Chinese vessels.", [("Vietnamese", "VNM"), ("Chinese", "CHN")]),
    ("Lebanese officials blamed Israeli shelling.", [("Lebanese", "LBN"), ("Israeli", "ISR")]),
    ("An Egyptian mediator met Jordanian and Qatari envoys.",
     [("Egyptian", "EGY"), ("Jordanian", "JOR"), ("Qatari", "QAT")]),
    ("Polish and Lithuanian leaders discussed Belarusian pressure.",
     [("Polish", "POL"), ("Lithuanian", "LTU"), ("Belarusian", "BLR")]),
    ("Estonian and Latvian ministers met Finnish officials.",
     [("Estonian", "EST"), ("Latvian", "LVA"), ("Finnish", "FIN")]),
    # --- capitals and seats of government
    ("Tehran accused Islamabad of harbouring militants.",
     [("Tehran", "IRN"), ("Islamabad", "PAK")]),
    ("Beijing warned Washington over the arms sale.", [("Beijing", "CHN"), ("Washington", "USA")]),
    ("The Kremlin said the White House was stoking tensions.",
     [("Kremlin", "RUS"), ("White House", "USA")]),
    ("Downing Street and the Quai d'Orsay issued a joint note.",
     [("Downing Street", "GBR"), ("Quai d'Orsay", "FRA")]),
    ("The Pentagon said the Élysée had been briefed.", [("Pentagon", "USA"), ("Élysée", "FRA")]),
    ("Officials at Foggy Bottom briefed Seoul and Tokyo.",
     [("Foggy Bottom", "USA"), ("Seoul", "KOR"), ("Tokyo", "JPN")]),
    ("New Delhi summoned the envoy from Dhaka.", [("New Delhi", "IND"), ("Dhaka", "BGD")]),
    ("Kinshasa accused Kigali of backing the rebels.", [("Kinshasa", "COD"), ("Kigali", "RWA")]),
    ("Brazzaville and Kinshasa face each other across the river.",
     [("Brazzaville", "COG"), ("Kinshasa", "COD")]),
    ("Pyongyang threatened Seoul with retaliation.", [("Pyongyang", "PRK"), ("Seoul", "KOR")]),
    ("Ankara and Athens agreed to talk.", [("Ankara", "TUR"), ("Athens", "GRC")]),
    ("Riyadh and Tehran restored ties in a deal brokered by Beijing.",
     [("Riyadh", "SAU"), ("Tehran", "IRN"), ("Beijing", "CHN")]),
    ("Kabul rejected claims from Islamabad.", [("Kabul", "AFG"), ("Islamabad", "PAK")]),
    ("Baku and Yerevan exchanged prisoners.", [("Baku", "AZE"), ("Yerevan", "ARM")]),
    ("Addis Ababa and Mogadishu traded accusations.",
     [("Addis Ababa", "ETH"), ("Mogadishu", "SOM")]),
    ("Caracas accused Bogota of plotting.", [("Caracas", "VEN"), ("Bogota", "COL")]),
    ("Taipei said Beijing was escalating.", [("Taipei", "TWN"), ("Beijing", "CHN")]),
    ("Pristina and Belgrade resumed talks in Brussels.",
     [("Pristina", "XKX"), ("Belgrade", "SRB"), ("Brussels", "BEL")]),
    ("Ramallah condemned the raid.", [("Ramallah", "PSE")]),
    ("Kyiv and Kiev are two spellings of one capital.", [("Kyiv", "UKR"), ("Kiev", "UKR")]),
    ("Naypyidaw and Bangkok discussed refugees.", [("Naypyidaw", "MMR"), ("Bangkok", "THA")]),
    ("Khartoum and Juba disputed the oil fees.", [("Khartoum", "SDN"), ("Juba", "SSD")]),
    ("Niamey and Abuja closed the border.", [("Niamey", "NER"), ("Abuja", "NGA")]),
    ("Conakry and Bissau signed a fishing accord.", [("Conakry", "GIN"), ("Bissau", "GNB")]),
    ("Santo Domingo and Port-au-Prince argued over the canal.",
     [("Santo Domingo", "DOM"), ("Port-au-Prince", "HTI")]),
    # --- institutions, titles, metonyms
    ("Pakistan's foreign ministry summoned the Iranian envoy.",
     [("Pakistan", "PAK"), ("Iranian", "IRN")]),
    ("The Islamic Revolutionary Guard Corps said it hit targets.",
     [("Islamic Revolutionary Guard Corps", "IRN")]),
    ("The IRGC and the Quds Force were sanctioned.", [("IRGC", "IRN"), ("Quds Force", "IRN")]),
    ("The Indian Army said Pakistani troops opened fire.",
     [("Indian Army", "IND"), ("Pakistani", "PAK")]),
    ("The Iranian foreign minister called his Turkish counterpart.",
     [("Iranian", "IRN"), ("Turkish", "TUR")]),
    ("The IDF said Hezbollah fired rockets.", [("IDF", "ISR"), ("Hezbollah", "G:hezbollah")]),
    ("The PLA held drills near Taiwan.", [("PLA", "CHN"), ("Taiwan", "TWN")]),
    ("The People's Liberation Army and the Tatmadaw met.",
     [("People's Liberation Army", "CHN"), ("Tatmadaw", "MMR")]),
    ("The ISI and the CIA shared intelligence.", [("ISI", "PAK"), ("CIA", "USA")]),
    ("Mossad was blamed by Iranian media.", [("Mossad", "ISR"), ("Iranian", "IRN")]),
    ("The Knesset and the Bundestag passed motions.", [("Knesset", "ISR"), ("Bundestag", "DEU")]),
    ("The State Department said Canada agreed.", [("State Department", "USA"), ("Canada", "CAN")]),
    ("ISPR said troops were killed in North Waziristan.",
     [("ISPR", "PAK"), ("North Waziristan", "PAK")]),
    # --- regions
    ("Militants attacked a post in Balochistan.", [("Balochistan", "PAK")]),
    ("Guards were killed in Sistan-Baluchestan province.", [("Sistan-Baluchestan", "IRN")]),
    ("Shelling hit towns in Donbas and Crimea.", [("Donbas", "UKR"), ("Crimea", "UKR")]),
    ("Reports from Xinjiang and Tibet were censored.", [("Xinjiang", "CHN"), ("Tibet", "CHN")]),
    ("Troops patrol Kashmir on both sides.", []),
    ("Voters in Indian-administered Kashmir and Azad Kashmir went to the polls.",
     [("Indian-administered Kashmir", "IND"), ("Azad Kashmir", "PAK")]),
    ("Strikes hit Gaza and the West Bank.", [("Gaza", "PSE"), ("West Bank", "PSE")]),
    ("Clashes in Nagorno-Karabakh killed dozens.", [("Nagorno-Karabakh", "AZE")]),
    ("Aid reached Tigray and Darfur.", [("Tigray", "ETH"), ("Darfur", "SDN")]),
    ("Troops clashed in Ladakh and Arunachal Pradesh.",
     [("Ladakh", "IND"), ("Arunachal Pradesh", "IND")]),
    ("Russian troops remain in Abkhazia and South Ossetia.",
     [("Russian", "RUS"), ("Abkhazia", "GEO"), ("South Ossetia", "GEO")]),
    # --- organisations
    ("The United Nations and the European Union urged restraint.",
     [("United Nations", "UN"), ("European Union", "EU")]),
    ("NATO and the EU condemned the strike.", [("NATO", "NATO"), ("EU", "EU")]),
    ("The African Union and ECOWAS suspended Niger.",
     [("African Union", "AU"), ("ECOWAS", "ECOWAS"), ("Niger", "NER")]),
    ("The Arab League and the GCC met in Cairo.",
     [("Arab League", "ARAB_LEAGUE"), ("GCC", "GCC"), ("Cairo", "EGY")]),
    ("The OIC and the SCO issued statements.", [("OIC", "OIC"), ("SCO", "SCO")]),
    ("The IAEA said Iran had enriched more uranium.", [("IAEA", "IAEA"), ("Iran", "IRN")]),
    ("IGAD and SADC observers arrived.", [("IGAD", "IGAD"), ("SADC", "SADC")]),
    ("The OAS criticised Nicaragua.", [("OAS", "OAS"), ("Nicaragua", "NIC")]),
    ("The UN Security Council met on Ukraine.",
     [("UN Security Council", "UN"), ("Ukraine", "UKR")]),
    ("The Gulf Cooperation Council backed Bahrain.",
     [("Gulf Cooperation Council", "GCC"), ("Bahrain", "BHR")]),
    ("The International Atomic Energy Agency inspected the site.",
     [("International Atomic Energy Agency", "IAEA")]),
    ("Nato allies met as the Shanghai Cooperation Organisation convened.",
     [("Nato", "NATO"), ("Shanghai Cooperation Organisation", "SCO")]),
    ("The Association of Southeast Asian Nations urged calm.",
     [("Association of Southeast Asian Nations", "ASEAN")]),
    ("The Organisation of Islamic Cooperation met in Jeddah.",
     [("Organisation of Islamic Cooperation", "OIC")]),
    # --- armed groups
    ("Iran struck Jaish al-Adl bases inside Pakistan.",
     [("Iran", "IRN"), ("Jaish al-Adl", "G:jaish-al-adl"), ("Pakistan", "PAK")]),
    ("Hamas and Islamic Jihad fired rockets at Israel.",
     [("Hamas", "G:hamas"), ("Islamic Jihad", "G:islamic-jihad"), ("Israel", "ISR")]),
    ("The Houthis attacked a ship in the Red Sea.", [("Houthis", "G:houthis")]),
    ("The TTP claimed the attack on Pakistani police.",
     [("TTP", "G:ttp"), ("Pakistani", "PAK")]),
    ("ISIS and al-Qaeda remain active.", [("ISIS", "G:isis"), ("al-Qaeda", "G:al-qaeda")]),
    ("Turkey struck PKK positions in northern Iraq.",
     [("Turkey", "TUR"), ("PKK", "G:pkk"), ("Iraq", "IRQ")]),
    ("The Balochistan Liberation Army claimed the bombing.",
     [("Balochistan Liberation Army", "G:bla")]),
    ("Jaish-e-Mohammed and Lashkar-e-Taiba were banned.",
     [("Jaish-e-Mohammed", "G:jaish-e-mohammed"), ("Lashkar-e-Taiba", "G:lashkar-e-taiba")]),
    ("Al-Shabab fighters attacked a base in Somalia.",
     [("Al-Shabab", "G:al-shabaab"), ("Somalia", "SOM")]),
    ("Boko Haram raided a village in Nigeria.",
     [("Boko Haram", "G:boko-haram"), ("Nigeria", "NGA")]),
    ("The Rapid Support Forces shelled Khartoum.",
     [("Rapid Support Forces", "G:rsf"), ("Khartoum", "SDN")]),
    ("M23 rebels advanced on Goma.", [("M23", "G:m23")]),
    ("The Tehreek-e-Taliban Pakistan denied involvement.",
     [("Tehreek-e-Taliban Pakistan", "G:ttp")]),
    # insurgent and rebel groups: their fights with a state's forces are not a state pair
    ("Marines clashed with Abu Sayyaf Group gunmen on an island at dawn.",
     [("Abu Sayyaf Group", "G:abu-sayyaf")]),
    ("The Abu Sayyaf freed two hostages.", [("Abu Sayyaf", "G:abu-sayyaf")]),
    ("New People's Army rebels ambushed a patrol in the hills.",
     [("New People's Army", "G:npa")]),
    ("Troops fought FARC dissidents and ELN guerrillas in the jungle.",
     [("FARC", "G:farc"), ("ELN", "G:eln")]),
    ("The Allied Democratic Forces raided two villages.",
     [("Allied Democratic Forces", "G:adf")]),
    ("JNIM claimed the attack on the convoy.", [("JNIM", "G:jnim")]),
    ("ISWAP fighters overran a base.", [("ISWAP", "G:iswap")]),
    ("Somaliland held a presidential election.", [("Somaliland", "G:somaliland")]),
    ("Elnaz and Farc Smith are names, not groups.", []),
    # --- must-not cases
    ("Georgia's governor signed the bill in Atlanta.", []),
    ("Voters in Atlanta, Georgia lined up early.", []),
    ("The Georgia Senate race drew record spending.", []),
    ("Georgia and Russia fought a war in 2008.", [("Georgia", "GEO"), ("Russia", "RUS")]),
    ("Tbilisi said Georgia would not yield to Moscow.",
     [("Tbilisi", "GEO"), ("Georgia", "GEO"), ("Moscow", "RUS")]),
    ("Michael Jordan visited the court.", []),
    ("Coach Jordan Smith praised the players.", []),
    ("Jordan closed its airspace to Iranian drones.", [("Jordan", "JOR"), ("Iranian", "IRN")]),
    ("Chad Thompson wrote the report.", []),
    ("Chad and Sudan closed their shared border.", [("Chad", "TCD"), ("Sudan", "SDN")]),
    ("We ate turkey with friends.", []),
    ("She collected fine china and silver.", []),
    ("Niger and Nigeria are different countries.", [("Niger", "NER"), ("Nigeria", "NGA")]),
    ("Sudan and South Sudan signed an oil deal.", [("Sudan", "SDN"), ("South Sudan", "SSD")]),
    ("The Republic of Congo and the Democratic Republic of Congo share a river.",
     [("Republic of Congo", "COG"), ("Democratic Republic of Congo", "COD")]),
    ("DR Congo and Congo-Brazzaville met.", [("DR Congo", "COD"), ("Congo-Brazzaville", "COG")]),
    ("North Korea fired missiles as South Korea held drills.",
     [("North Korea", "PRK"), ("South Korea", "KOR")]),
    ("Officials from both Koreas met.", []),
    ("Dominica and the Dominican Republic both voted.",
     [("Dominica", "DMA"), ("Dominican Republic", "DOM")]),
    ("Guinea, Guinea-Bissau and Equatorial Guinea met Papua New Guinea.",
     [("Guinea", "GIN"), ("Guinea-Bissau", "GNB"), ("Equatorial Guinea", "GNQ"),
      ("Papua New Guinea", "PNG")]),
    ("The island of New Guinea is shared with Indonesia.", [("Indonesia", "IDN")]),
    ("Tourists visited New Mexico and Indiana.", []),
    ("The Washington Post reported the leak.", []),
    ("A Washington-based think tank published the study.", []),
    ("A London-based monitor counted the dead.", []),
    ("The Times of India and Gulf News reported the story.", []),
    ("The South China Sea dispute flared.", []),
    ("The Indian Ocean tsunami struck in 2004.", []),
    ("Latin American leaders met in Lima.", [("Lima", "PER")]),
    ("The Persian Gulf remained calm.", []),
    ("George Washington crossed the river.", []),
    ("The Jerusalem Post and the Tehran Times disagreed.", []),
    ("The Kyiv Independent reported from Kharkiv.", [("Kharkiv", "UKR")]),
    ("A guinea pig is not a state.", []),
    ("The Korean Peninsula remained tense.", []),
    ("Indiana is not India.", [("India", "IND")]),
    ("Kashmiri leaders met in Srinagar.", []),
    ("Nigerian and Nigerien officials met.", [("Nigerian", "NGA"), ("Nigerien", "NER")]),
    ("Papua New Guinean police arrested the suspect.", [("Papua New Guinean", "PNG")]),
    ("The US-based group said Iranian forces fired.", [("Iranian", "IRN")]),
    # --- mixed news paragraphs
    ("Pakistan summoned Iran's charge d'affaires after the strike in Balochistan.",
     [("Pakistan", "PAK"), ("Iran", "IRN"), ("Balochistan", "PAK")]),
    ("Islamabad recalled its ambassador from Tehran and barred the Iranian envoy.",
     [("Islamabad", "PAK"), ("Tehran", "IRN"), ("Iranian", "IRN")]),
    ("China and India agreed to patrol arrangements along the border.",
     [("China", "CHN"), ("India", "IND")]),
    ("Armenia accused Azerbaijan of shelling, and Russia urged calm.",
     [("Armenia", "ARM"), ("Azerbaijan", "AZE"), ("Russia", "RUS")]),
    ("Ethiopia and Somalia clashed over a port deal with Somaliland.",
     [("Ethiopia", "ETH"), ("Somalia", "SOM"), ("Somaliland", "G:somaliland")]),
    ("Venezuela claimed Guyana's Essequibo region.", [("Venezuela", "VEN"), ("Guyana", "GUY")]),
    ("Thailand and Cambodia exchanged fire near a temple.",
     [("Thailand", "THA"), ("Cambodia", "KHM")]),
    ("Israel struck targets in Syria and Lebanon overnight.",
     [("Israel", "ISR"), ("Syria", "SYR"), ("Lebanon", "LBN")]),
    ("Egypt and Ethiopia failed to agree on the dam.", [("Egypt", "EGY"), ("Ethiopia", "ETH")]),
    ("Japan protested Chinese vessels near the islands.", [("Japan", "JPN"), ("Chinese", "CHN")]),
    ("Australia and the Solomon Islands discussed a security pact with China.",
     [("Australia", "AUS"), ("Solomon Islands", "SLB"), ("China", "CHN")]),
    ("Colombia and Ecuador restored ties after the raid.",
     [("Colombia", "COL"), ("Ecuador", "ECU")]),
    ("Morocco and Algeria cut diplomatic relations.", [("Morocco", "MAR"), ("Algeria", "DZA")]),
    ("Saudi Arabia and Iran reopened embassies.", [("Saudi Arabia", "SAU"), ("Iran", "IRN")]),
    ("Kuwait, Oman and Qatar mediated between Yemen and Saudi Arabia.",
     [("Kuwait", "KWT"), ("Oman", "OMN"), ("Qatar", "QAT"), ("Yemen", "YEM"),
      ("Saudi Arabia", "SAU")]),
    ("Lithuania angered China by opening a Taiwanese office.",
     [("Lithuania", "LTU"), ("China", "CHN"), ("Taiwanese", "TWN")]),
    ("The Czech senate speaker visited Taipei.", [("Czech", "CZE"), ("Taipei", "TWN")]),
    ("Rwanda and the DRC signed a deal in Washington.",
     [("Rwanda", "RWA"), ("DRC", "COD"), ("Washington", "USA")]),
    ("Mali, Burkina Faso and Niger left ECOWAS.",
     [("Mali", "MLI"), ("Burkina Faso", "BFA"), ("Niger", "NER"), ("ECOWAS", "ECOWAS")]),
    ("Belarus hosted Russian nuclear weapons, Poland said.",
     [("Belarus", "BLR"), ("Russian", "RUS"), ("Poland", "POL")]),
    ("Sweden and Finland joined NATO after Russia invaded Ukraine.",
     [("Sweden", "SWE"), ("Finland", "FIN"), ("NATO", "NATO"), ("Russia", "RUS"),
      ("Ukraine", "UKR")]),
    ("Serbia and Kosovo clashed over licence plates.", [("Serbia", "SRB"), ("Kosovo", "XKX")]),
    ("Kyrgyzstan and Tajikistan fought over water.",
     [("Kyrgyzstan", "KGZ"), ("Tajikistan", "TJK")]),
    ("Eritrea and Djibouti disputed the border.", [("Eritrea", "ERI"), ("Djibouti", "DJI")]),
    ("Bangladesh hosted Rohingya from Myanmar.", [("Bangladesh", "BGD"), ("Myanmar", "MMR")]),
    ("Nepal and Bhutan sent observers.", [("Nepal", "NPL"), ("Bhutan", "BTN")]),
    ("Sri Lanka and the Maldives joined the drill.", [("Sri Lanka", "LKA"), ("Maldives", "MDV")]),
    ("Mexico and Guatemala tightened the border.", [("Mexico", "MEX"), ("Guatemala", "GTM")]),
    ("Brazil, Argentina and Chile met in Montevideo.",
     [("Brazil", "BRA"), ("Argentina", "ARG"), ("Chile", "CHL"), ("Montevideo", "URY")]),
    ("Cuba and Nicaragua backed Venezuela.",
     [("Cuba", "CUB"), ("Nicaragua", "NIC"), ("Venezuela", "VEN")]),
    ("Libya, Tunisia and Egypt discussed migration.",
     [("Libya", "LBY"), ("Tunisia", "TUN"), ("Egypt", "EGY")]),
    ("Germany, France and Italy called for a ceasefire.",
     [("Germany", "DEU"), ("France", "FRA"), ("Italy", "ITA")]),
    ("Spain and Portugal sent firefighters to Greece.",
     [("Spain", "ESP"), ("Portugal", "PRT"), ("Greece", "GRC")]),
    ("Hungary and Slovakia opposed the plan, Austria said.",
     [("Hungary", "HUN"), ("Slovakia", "SVK"), ("Austria", "AUT")]),
    ("Romania, Bulgaria and Moldova discussed Transnistria.",
     [("Romania", "ROU"), ("Bulgaria", "BGR"), ("Moldova", "MDA"), ("Transnistria", "MDA")]),
    ("Kazakhstan and Uzbekistan signed a water deal with Turkmenistan.",
     [("Kazakhstan", "KAZ"), ("Uzbekistan", "UZB"), ("Turkmenistan", "TKM")]),
    ("Mongolia and Laos sent envoys to Vietnam.",
     [("Mongolia", "MNG"), ("Laos", "LAO"), ("Vietnam", "VNM")]),
    ("Indonesia and Malaysia protested to Singapore.",
     [("Indonesia", "IDN"), ("Malaysia", "MYS"), ("Singapore", "SGP")]),
    ("New Zealand and Australia aided Tonga and Samoa.",
     [("New Zealand", "NZL"), ("Australia", "AUS"), ("Tonga", "TON"), ("Samoa", "WSM")]),
    ("South Africa, Zimbabwe and Mozambique met in Maputo.",
     [("South Africa", "ZAF"), ("Zimbabwe", "ZWE"), ("Mozambique", "MOZ"), ("Maputo", "MOZ")]),
    ("Uganda and Kenya sent troops to Somalia.",
     [("Uganda", "UGA"), ("Kenya", "KEN"), ("Somalia", "SOM")]),
    ("Ghana, Togo and Benin closed borders.",
     [("Ghana", "GHA"), ("Togo", "TGO"), ("Benin", "BEN")]),
    ("Cameroon and Gabon hosted the summit.", [("Cameroon", "CMR"), ("Gabon", "GAB")]),
    ("Angola and Zambia mediated the dispute.", [("Angola", "AGO"), ("Zambia", "ZMB")]),
    ("Iraq and Kuwait settled the border.", [("Iraq", "IRQ"), ("Kuwait", "KWT")]),
    ("Canada expelled an Indian diplomat.", [("Canada", "CAN"), ("Indian", "IND")]),
    ("Ireland and Norway recognised Palestine.",
     [("Ireland", "IRL"), ("Norway", "NOR"), ("Palestine", "PSE")]),
    ("Peru and Bolivia sent envoys to Paraguay.",
     [("Peru", "PER"), ("Bolivia", "BOL"), ("Paraguay", "PRY")]),
    ("Haiti asked Kenya for police.", [("Haiti", "HTI"), ("Kenya", "KEN")]),
    ("Honduras switched recognition from Taiwan.", [("Honduras", "HND"), ("Taiwan", "TWN")]),
    ("Afghanistan's Taliban rulers met Pakistani officials.",
     [("Afghanistan", "AFG"), ("Taliban", "G:taliban"), ("Pakistani", "PAK")]),
    ("Lebanon's Hezbollah and Yemen's Houthis threatened Israel.",
     [("Lebanon", "LBN"), ("Hezbollah", "G:hezbollah"), ("Yemen", "YEM"),
      ("Houthis", "G:houthis"), ("Israel", "ISR")]),
]


def _got(sentence: str) -> list[tuple[str, str]]:
    return [(m.text, m.code) for m in find_actors_text(sentence)]


@pytest.mark.parametrize(("sentence", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_labelled_mentions(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _got(sentence) == expected


def test_table_is_big_enough() -> None:
    assert sum(len(e) for _, e in CASES) >= 300


def test_every_un_member_code_is_a_real_iso3_code() -> None:
    names, _ = gazetteer()
    for code in names:
        if code == "XKX":
            continue
        assert pycountry.countries.get(alpha_3=code) is not None, code
    assert len(names) == 197  # 193 members + 2 observers + Taiwan + Kosovo


@pytest.mark.parametrize(
    ("text", "code", "role"),
    [
        ("Iran struck Jaish al-Adl bases inside Pakistan.", "IRN", "subject"),
        ("Iran struck Jaish al-Adl bases inside Pakistan.", "PAK", "location"),
        ("Pakistan's foreign ministry condemned the strike.", "PAK", "possessor"),
        ("The army said it hit militants on Iranian soil.", "IRN", "location"),
        ("India accused Pakistan of shelling.", "PAK", "object"),
        ("Fighter jets violated Turkish airspace.", "TUR", "location"),
        ("The Philippines' coast guard filmed the ships.", "PHL", "possessor"),
        # compass words between "in" and the name
        ("Turkish drones hit targets in northern Iraq.", "IRQ", "location"),
        ("Shelling was reported in the south-eastern Ukraine countryside.", "UKR", "location"),
        ("Eastern Congo is rich in minerals.", "COD", "subject"),  # a compass word alone: no
        # verbs of giving and expressing split subject from object
        ("Peru expresses deep sympathy for the Chilean people.", "CHL", "object"),
        ("Spain gave two patrol boats to Morocco.", "MAR", "object"),
        ("Norway provides Kenya with grain.", "KEN", "object"),
        ("Vietnam lifts its embargo on China.", "CHN", "object"),
    ],
)
def test_roles(text: str, code: str, role: str) -> None:
    roles = {m.code: m.role for m in find_actors_text(text)}
    assert roles[code] == role


def test_group_operating_state_from_text() -> None:
    ms = find_actors_text("Iran struck Jaish al-Adl bases inside Pakistan.")
    group = next(m for m in ms if m.kind == "group")
    assert group.code == "G:jaish-al-adl" and group.state == "PAK"
    hamas = next(m for m in find_actors_text("Hamas fired rockets.") if m.kind == "group")
    assert hamas.state == "PSE"  # default from the data file


def test_kinds() -> None:
    kinds = {m.code: m.kind for m in find_actors_text("NATO, Hamas and Iran met.")}
    assert kinds == {"NATO": "organisation", "G:hamas": "group", "IRN": "state"}


@pytest.mark.parametrize(
    "text",
    [
        "ISLAMABAD (Reuters) - Iran and Pakistan agreed to talk.",
        "TEHRAN, Jan 18 (AP) — Iran and Pakistan agreed to talk.",
        "Islamabad, Pakistan -- Iran and Pakistan agreed to talk.",
    ],
)
def test_datelines_are_not_actors(text: str) -> None:
    assert [m.text for m in find_actors_text(text)] == ["Iran", "Pakistan"]


def test_us_state_by_document_context() -> None:
    text = "Turnout rose in Atlanta. Georgia counted ballots all night."
    assert find_actors_text(text) == []


def test_offsets_map_to_original_text_and_sentences() -> None:
    raw = "Intro  line.\n\nIran   warned\nPakistan."
    clean = "Intro line.\n\nIran warned\nPakistan."
    # clean drops one space at 6 and two spaces at 18
    art = Article(id="a1", text=clean, raw_text=raw, anchors=((0, 0), (6, 7), (18, 21)))
    ms = find_actors(art)
    assert [m.code for m in ms] == ["IRN", "PAK"]
    spans = split_sentences(clean)
    for m in ms:
        assert clean[m.clean_start:m.clean_end] == m.text
        assert raw[m.start:m.end] == m.text
        s, e = spans[m.sentence_index]
        assert s <= m.clean_start < e
    assert ms == sorted(ms, key=lambda m: m.clean_start)
    assert all(m.article_id == "a1" for m in ms)


def test_empty_and_no_actor_text() -> None:
    assert find_actors_text("") == []
    assert find_actors_text("The weather was mild and the markets were calm.") == []


def test_seed_document_finds_states() -> None:
    from pathlib import Path

    seeds = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("000_*.txt"))
    if not seeds:
        pytest.skip("seed document absent")
    ms = find_actors_text(seeds[0].read_text(encoding="utf-8"))
    assert any(m.kind == "state" for m in ms)


def test_cli_text(capsys: pytest.CaptureFixture[str]) -> None:
    from tension.cli import main

    assert main(["actors", "--text", "Iran warned Pakistan."]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [(r[2], r[3], r[4]) for r in rows] == [("Iran", "IRN", "state"),
                                                  ("Pakistan", "PAK", "state")]


# Anaphora: "it", "its", "they", "the country", "the government", "the regime" for the state
# named as the subject just before (own sentence, or the sentence before in the paragraph).
# text, the (anaphor, state) pairs resolved in its last sentence (empty: none may resolve)
ANAPHORA = [
    ("Bolivia massed troops near the frontier. It then demanded talks.", [("It", "BOL")]),
    ("Ecuador was shelled on Monday. Its response was an incursion.", [("Its", "ECU")]),
    ("Chile protested on Monday. The government also recalled its ambassador.",
     [("The government", "CHL"), ("its", "CHL")]),
    ("The Soviets moved divisions to the border. They also threatened the city.",
     [("They", "RUS")]),
    ("At that point Greece intervened: in June it sent two notes to the envoy.",
     [("it", "GRC")]),
    ("Angola protested. The rebels then supplied the government with arms.",
     [("the government", "AGO")]),
    # must NOT resolve: two states compete, another paragraph, "it is", a country's name for
    # "they", another actor between, an organisation, a place, "the government of X", an
    # object "it"
    ("Iraq and Iran exchanged notes. It then recalled the ambassador.", []),
    ("Chad massed troops.\nIt then recalled the ambassador.", []),
    ("Egypt held talks on Monday. It is likely that troops will be sent.", []),
    ("Iraq massed troops. They then recalled the ambassador.", []),
    ("Kenya persuaded Uganda to pull back its troops.", []),
    ("The UN urged restraint. It also sent troops.", []),
    ("Peru declared an emergency. Protests spread across the country.", []),
    ("Mali protested. The government of Niger then recalled the ambassador.", []),
    ("Fiji signed the treaty. Two days later the parliament ratified it.", []),
    ("Sudan protested. It took weeks to answer.", []),
]


@pytest.mark.parametrize(("text", "expected"), ANAPHORA, ids=[a[0][:40] for a in ANAPHORA])
def test_anaphora(text: str, expected: list[tuple[str, str]]) -> None:
    last = len(split_sentences(text)) - 1
    got = anaphora(text, find_actors_text(text), [last])
    assert [(m.text, m.code) for m in got] == expected
    for m in got:
        assert text[m.clean_start:m.clean_end] == m.text and m.sentence_index == last
