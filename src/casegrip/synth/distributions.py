"""The code mixes the synthetic authority draws from.

Shares follow DfE published statistics for England where there are some (referral sources,
primary need, assessment durations, categories of abuse, placement types, care leavers'
activity and accommodation: ``shared/reference/dfe-stats``), rounded; elsewhere they are
plausible guesses, marked as such. Codes are those of the CIN census and SSDA903.
"""

import random
from bisect import bisect
from itertools import accumulate


class Pick:
    """A weighted choice over fixed values, drawn with one uniform number."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, weights: dict) -> None:
        self.values = list(weights)
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.values[bisect(self.cum, rng.random() * self.total)]


SEX = Pick({"M": 52, "F": 48})

# A large northern city's mix of children known to social care (CIN census ethnicity codes).
ETHNICITY = Pick(
    {
        "WBRI": 48,
        "WIRI": 1,
        "WOTH": 5,
        "WIRT": 0.5,
        "WROM": 1,
        "MWBC": 5,
        "MWBA": 2,
        "MWAS": 2,
        "MOTH": 4,
        "AIND": 1.5,
        "APKN": 9,
        "ABAN": 2,
        "AOTH": 2,
        "BCRB": 2,
        "BAFR": 7,
        "BOTH": 1.5,
        "CHNE": 0.5,
        "OOTH": 3,
        "REFU": 1,
        "NOBT": 3,
    }
)

FORENAMES = {
    "M": (
        "Adam Ali Alfie Amir Archie Ayaan Bilal Caleb Charlie Daniel Dylan Ethan Finley Freddie "
        "George Harry Hassan Isaac Jack Jacob Jayden Joshua Kai Kian Leo Liam Logan Louie Mason "
        "Mohammed Musa Noah Oliver Oscar Reggie Riley Ryan Samuel Teddy Theo Tommy Tyler Zayn"
    ).split(),
    "F": (
        "Aaliyah Amelia Amira Ava Bella Chloe Daisy Eliza Ella Emily Evie Fatima Florence Freya "
        "Grace Hafsa Hannah Holly Isla Ivy Jessica Keira Layla Lily Lola Maisie Maryam Mia Millie "
        "Nancy Olivia Poppy Rosie Ruby Sienna Sofia Summer Zainab Zara Zoe"
    ).split(),
}
SURNAMES = (
    "Ahmed Ali Allen Anderson Atkinson Bailey Begum Bell Brown Campbell Chowdhury Clarke Cooper "
    "Davies Dixon Edwards Evans Fletcher Green Hall Harris Hussain Iqbal Jackson James Johnson "
    "Jones Kaur Kelly Khan King Lewis Mahmood Martin Mohamed Moore Morris Murphy Okoro Owusu "
    "Parker Patel Phillips Rahman Roberts Robinson Shaw Smith Taylor Thomas Thompson Walker "
    "Ward Watson White Williams Wilson Wood Wright Young"
).split()

# Source of referral, England 2023-2025 shares (CIN census codes and their wording).
REFERRAL_SOURCE = Pick(
    {
        ("1A", "Individual - family member, relative or carer"): 5,
        ("1B", "Individual - acquaintance"): 1,
        ("1C", "Individual - self"): 1,
        ("1D", "Individual - other"): 1,
        ("2A", "Schools"): 20,
        ("2B", "Education services"): 1,
        ("3A", "Health services - GP"): 2,
        ("3B", "Health services - health visitor"): 2,
        ("3C", "Health services - school nurse"): 0.5,
        ("3D", "Health services - other primary health services"): 3,
        ("3E", "Health services - A&E"): 3,
        ("3F", "Health services - other"): 4,
        ("4", "Housing"): 2,
        ("5A", "LA services - social care"): 4,
        ("5B", "LA services - other internal"): 3,
        ("5C", "LA services - external"): 3,
        ("5D", "LA services - early help"): 3,
        ("6", "Police"): 29,
        ("7", "Other legal agency"): 4,
        ("8", "Other"): 4,
        ("9", "Anonymous"): 2,
        ("10", "Unknown"): 1,
    }
)
EARLY_HELP_SOURCE = ("5D", "LA services - early help")

# Primary need at assessment, England shares (N1 abuse or neglect about 57%).
PRIMARY_NEED = Pick(
    {
        "N1": 54,
        "N3": 3,
        "N4": 9,
        "N5": 16,
        "N6": 3,
        "N7": 0.5,
        "N8": 2,
        "N9": 6,
        "N0": 4,
    }
)

# Age (years) of a child at referral, England shares: under 1 about 10%, 16-17 about 10%.
REFERRAL_AGE = Pick(
    {0: 10, 1: 4.5, 2: 4.5, 3: 4.5, 4: 4.5, 5: 5, 6: 5, 7: 5, 8: 5, 9: 5, 10: 5.5, 11: 5.5,
     12: 6, 13: 6.5, 14: 6.5, 15: 6, 16: 5.5, 17: 4}
)  # fmt: skip

# Age at starting to be looked after, England 2023-2025 (under 1 about 19%, 16+ about 14%).
CLA_START_AGE = Pick(
    {0: 19, 1: 4, 2: 3.5, 3: 3.5, 4: 3, 5: 3, 6: 3, 7: 3, 8: 3, 9: 3, 10: 3.5, 11: 4, 12: 5,
     13: 6.5, 14: 7.5, 15: 8, 16: 9, 17: 5}
)  # fmt: skip

# Assessment duration in working days, England 2025 bands (85.7% within 45).
ASSESSMENT_ON_TIME = Pick(
    {(0, 0): 1.8, (1, 10): 11.7, (11, 20): 17.3, (21, 30): 15.8, (31, 40): 20.2, (41, 45): 18.9}
)
ASSESSMENT_LATE = Pick({(46, 50): 5.8, (51, 60): 4.3, (61, 110): 4.2})
ICPC_ON_TIME = Pick({(3, 10): 8.7, (11, 15): 72.7})
ICPC_LATE = Pick({(16, 20): 8.9, (21, 45): 9.7})

# Assessment factors, England 2025 counts per 100 assessments with factors (CIN census codes).
ASSESSMENT_FACTORS = Pick(
    {
        "1A": 2, "1B": 14, "1C": 2, "2A": 5, "2B": 14, "2C": 3, "3A": 11, "3B": 32, "3C": 5,
        "4A": 18, "4B": 33, "4C": 5, "5A": 12, "5B": 3, "6A": 5, "6B": 5, "7A": 1, "9A": 1,
        "10A": 3, "11A": 2, "12A": 0.5, "13A": 2, "14A": 7, "15A": 5, "16A": 18, "17A": 19,
        "18B": 3, "18C": 12, "19B": 2.5, "19C": 4, "22A": 0.2, "23A": 0.4, "24A": 3, "21": 4,
        "20": 16,
    }
)  # fmt: skip

# Category of abuse of a CP plan, England 2025 (neglect about half, emotional about 35%).
CP_CATEGORY = Pick({"NEG": 50, "EMO": 36, "PHY": 7, "SAB": 4, "MUL": 3})

# How many review conferences a CP plan runs to before it ends at one (plausible guess, tuned
# so that plans ending last about 15% under 3 months, 45% 6-12 months and 4% 2 years or more).
CP_REVIEWS_TO_END = Pick({1: 18, 2: 51, 3: 16, 4: 9, 5: 3.5, 6: 1.8, 7: 0.7})

# Review participation, SSDA903 PN1-PN7 for children aged 4 or over (guess).
REVIEW_PARTICIPATION = Pick(
    {"PN1": 46, "PN2": 4, "PN3": 6, "PN4": 5, "PN5": 9, "PN6": 24, "PN7": 6}
)

# Placement type at the start of care, by age band (SSDA903 PLACE; guesses shaped by England's
# mix: 70% fostered, of whom a fifth with relatives or friends).
FIRST_PLACEMENT = {
    "baby": Pick({"U6": 70, "U3": 20, "U5": 4, "P1": 3, "R3": 3}),
    "child": Pick({"U6": 70, "U3": 22, "K2": 4, "P1": 4}),
    "teen": Pick({"U6": 52, "U3": 12, "K2": 22, "R1": 3, "K1": 1, "S1": 1, "P1": 4, "Z1": 5}),
    "older": Pick({"U6": 35, "U3": 8, "K2": 20, "H5": 30, "P2": 4, "Z1": 3}),
}
LATER_PLACEMENT = {
    "baby": Pick({"U6": 50, "U4": 30, "U3": 12, "U1": 8}),
    "child": Pick({"U4": 40, "U6": 30, "U1": 12, "U3": 8, "K2": 8, "P1": 2}),
    "teen": Pick({"U4": 22, "U6": 25, "K2": 30, "U1": 5, "U3": 5, "R1": 4, "H5": 5, "K1": 1,
                  "P1": 3}),
    "older": Pick({"H5": 45, "K2": 20, "U6": 15, "U4": 8, "P2": 12}),
}  # fmt: skip
# Codes retired in 2025 (SSDA903 2025 schema): supported accommodation is K3 from then.
RETIRED_2025 = {"H5": "K3", "P2": "K3"}
# Z1 (other placements) was split into Z11 to Z14 for the 2025-26 return (SSDA903 2026). There
# is no national mix of the new codes yet: other placements are spread evenly over them.
OTHER_PLACEMENT_2026 = Pick({"Z11": 1, "Z12": 1, "Z13": 1, "Z14": 1})
# Other placements have no placement provider (SSDA903 rules 178 and 213).
NO_PROVIDER = frozenset({"Z1", "Z11", "Z12", "Z13", "Z14"})
FOSTER = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
RESIDENTIAL = frozenset(
    {"K1", "K2", "K3", "R1", "H5", "P2", "S1", "Z1", "Z11", "Z12", "Z13", "Z14"}
)
PROVIDER = {
    "foster": Pick({"PR1": 58, "PR4": 38, "PR5": 4}),
    "K2": Pick({"PR1": 25, "PR4": 70, "PR5": 5}),
    "other": Pick({"PR1": 20, "PR2": 5, "PR3": 10, "PR4": 55, "PR5": 10}),
}
PLACEMENT_CHANGE_REASON = Pick(
    {"CARPL": 35, "CHILD": 8, "CREQB": 14, "CREQO": 10, "LAREQ": 8, "STAND": 5, "CLOSE": 4,
     "ALLEG": 3, "APPRR": 1, "CUSTOD": 1, "OTHER": 11}
)  # fmt: skip

# Care leavers: in touch, accommodation (SSDA903 ACCOM letter, suitability digit added later)
# and activity, England 2024-2025 shares for 19-21 year olds.
IN_TOUCH = Pick({"YES": 91, "NO": 3, "REFU": 2, "NREQ": 2, "RHOM": 2})
_ACCOMMODATION = {
    "U": 30, "B": 15, "Z": 10, "D": 10, "E": 6, "K": 6, "T": 4, "C": 3, "Y": 6, "S": 2, "V": 2,
    "W": 1, "X": 2, "R": 2, "G": 1,
}  # fmt: skip
ACCOMMODATION = Pick(_ACCOMMODATION)
# No fixed abode (S) and custody (X) are never suitable: the SSDA903 has S2 and X2 only.
NEVER_SUITABLE = frozenset({"S", "X"})
NEVER_SUITABLE_SHARE = sum(_ACCOMMODATION[k] for k in NEVER_SUITABLE) / sum(_ACCOMMODATION.values())
# The SSDA903 codes since 2022: F3/P3 (training or employment) became F4/P4 (training) and
# F5/P5 (employment). Activity is recorded for young people in touch only, so never 0.
ACTIVITY = Pick(
    {"F1": 7, "P1": 1, "F2": 18, "P2": 4, "F4": 6, "P4": 2, "F5": 14, "P5": 4, "G4": 12,
     "G5": 26, "G6": 6}
)  # fmt: skip

EARLY_HELP_REASON = Pick(
    {
        "Parenting support": 24,
        "Domestic abuse": 15,
        "Emotional wellbeing and mental health": 14,
        "School attendance": 12,
        "Behaviour": 10,
        "Housing and financial difficulty": 8,
        "Substance misuse in the family": 5,
        "Young carer": 3,
        "Other": 9,
    }
)
EARLY_HELP_END = Pick(
    {
        "Outcomes achieved": 55,
        "Family declined further support": 15,
        "Moved out of area": 5,
        "Transferred to universal services": 17,
        "Stepped up to children's social care": 8,
    }
)
STEPPED_UP = "Stepped up to children's social care"

SUPERVISION_TYPE = Pick({"FORMAL": 86, "REFLECTIVE": 7, "GROUP": 5, "AD_HOC": 2})
REALLOCATION_REASON = Pick(
    {
        "Caseload balancing": 45,
        "Worker on long-term leave": 20,
        "Case moved within team": 25,
        "Change of worker requested by family": 10,
    }
)
