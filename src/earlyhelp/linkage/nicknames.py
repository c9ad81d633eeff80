"""Common English given names and their short forms, grouped so that "Bill" can meet "William".

Without this a nickname looks like a different first name, which is exactly what a twin looks
like; the model could then only separate twins from nicknamed records by lowering the weight of
every first-name disagreement. A group is keyed by one of its members; a short form shared by
two names (Chris, Pat, Sam) puts both names in one group, and the sex comparison tells them apart.
"""

from __future__ import annotations

NAME_GROUPS: dict[str, tuple[str, ...]] = {
    "william": ("will", "bill", "billy", "willie", "willy", "liam"),
    "elizabeth": ("liz", "lizzie", "lizzy", "beth", "betty", "bess", "eliza", "libby", "elisabeth"),
    "robert": ("rob", "robbie", "bob", "bobby", "bert"),
    "margaret": ("maggie", "meg", "peggy", "marge", "margie", "greta"),
    "james": ("jim", "jimmy", "jamie"),
    "john": ("jack", "johnny", "jonathan", "jon", "jonny"),
    "richard": ("rich", "richie", "rick", "ricky", "dick"),
    "michael": ("mike", "mick", "mickey", "micky"),
    "chris": ("christopher", "christine", "christina", "chrissie", "kit", "tina", "kristina"),
    "katherine": ("catherine", "kathryn", "kate", "katie", "kathy", "cathy", "kat", "kitty"),
    "edward": ("ed", "eddie", "ted", "teddy", "ned", "theodore", "theo"),
    "thomas": ("tom", "tommy"),
    "anthony": ("tony", "ant", "antony"),
    "joseph": ("joe", "joey"),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davy", "davey"),
    "stephen": ("steven", "steve", "stevie"),
    "sam": ("samuel", "samantha", "sammy"),
    "alex": ("alexander", "alexandra", "alexis", "sandy", "sasha", "lexi", "alec"),
    "benjamin": ("ben", "benny", "benji"),
    "charlie": ("charles", "charlotte", "chas", "chuck", "lottie"),
    "pat": ("patrick", "patricia", "paddy", "patty", "trish", "tricia"),
    "jennifer": ("jen", "jenny", "jenni"),
    "rebecca": ("becky", "becca", "bex"),
    "victoria": ("vicky", "vicki", "tori", "vic"),
    "susan": ("sue", "susie", "suzy", "suzanne", "susanne"),
    "deborah": ("debbie", "debra", "deb"),
    "nick": ("nicholas", "nicola", "nicky", "nikki"),
    "matthew": ("matt", "matty"),
    "andrew": ("andy", "drew"),
    "peter": ("pete",),
    "timothy": ("tim", "timmy"),
    "gregory": ("greg",),
    "philip": ("phil", "phillip", "pip"),
    "kenneth": ("ken", "kenny"),
    "ronald": ("ron", "ronnie"),
    "donald": ("don", "donny"),
    "gerald": ("gerry", "geraldine", "jerry"),
    "frederick": ("fred", "freddie", "freddy"),
    "harry": ("harold", "henry", "hal", "hank"),
    "lawrence": ("larry", "laurence", "laurie"),
    "leonard": ("len", "lenny", "leo"),
    "dorothy": ("dot", "dotty", "dolly"),
    "barbara": ("barb", "babs"),
    "jacqueline": ("jackie", "jacqui"),
    "jo": ("joanne", "joanna", "josephine", "josie", "jody"),
    "abigail": ("abby", "abbie"),
    "amanda": ("mandy",),
    "alison": ("ali", "allison"),
    "eleanor": ("ellie", "nell", "nellie", "elle"),
    "fran": ("frances", "francis", "frank", "frankie", "francesca"),
    "isabel": ("isabella", "izzy", "bella", "isobel"),
    "jessica": ("jess", "jessie"),
    "olivia": ("liv", "livvy"),
    "sophie": ("sophia", "soph"),
    "mary": ("molly", "polly"),
    "ann": ("anne", "annie", "anna"),
    "clifford": ("cliff",),
    "terence": ("terry", "terrance"),
    "raymond": ("ray",),
    "zachary": ("zach", "zack"),
    "nathan": ("nathaniel", "nate", "nat"),
    "oliver": ("ollie", "olly"),
    "alfred": ("alf", "alfie"),
    "albert": ("al", "albie"),
    "archibald": ("archie",),
    "gabriel": ("gabriella", "gabrielle", "gabby", "gabe"),
    "louise": ("louisa", "lou", "lulu"),
    "caroline": ("carol", "carrie", "carolyn"),
    "judith": ("judy", "jude"),
    "valerie": ("val",),
    "vincent": ("vince", "vinny"),
    "dominic": ("dom",),
    "douglas": ("doug", "dougie"),
    "stuart": ("stu", "stewart"),
    "simon": ("si",),
    "gwendolyn": ("gwen",),
    "maureen": ("mo",),
    "eugene": ("gene",),
    "walter": ("walt", "wally"),
    "adrian": ("ade",),
    "bernard": ("bernie",),
    "cameron": ("cam",),
    "evelyn": ("evie", "eve"),
    "florence": ("flo", "florrie"),
    "georgina": ("georgie",),
    "grace": ("gracie",),
    "jane": ("janey",),
    "lucy": ("lucie", "lucinda", "lu"),
    "madeleine": ("maddie", "madeline", "maddy"),
    "penelope": ("penny",),
    "rosemary": ("rose", "rosie"),
    "sarah": ("sara", "sally", "sadie"),
    "teresa": ("theresa", "tess", "tessa", "terri"),
    "wendy": ("gwendoline",),
}


def nickname_pairs() -> list[tuple[str, str]]:
    """(name, group key) for every member of every group, the key included.

    A name listed in two groups keeps the first; ``test_nicknames`` guards against that.
    """
    seen: dict[str, str] = {}
    for key, names in NAME_GROUPS.items():
        for name in (key, *names):
            seen.setdefault(name, key)
    return sorted(seen.items())
