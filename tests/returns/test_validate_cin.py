"""CIN census validation: the XML loader, and every rule on a failing and a passing census.

Each case is a few rows per table, written by hand; unless a row says otherwise it belongs to
child C1 (``_child`` 0), to the first CINdetails (``_cin`` 0), the first protection plan
(``_cpp`` 0) and the first assessment (``_assessment`` 0). The census year is 2026
(1 April 2025 to 31 March 2026) unless a case says otherwise.
"""

from datetime import date

import duckdb
import pytest

from casegrip.returns.validation.cin_census import registry, validate
from casegrip.returns.validation.cin_census.load import (
    COLUMNS,
    LINKS,
    UnsafeXML,
    append,
    create_tables,
    load,
)

YEAR = 2026
HEADER = {"Collection": "CIN", "Year": "2026", "ReferenceDate": "2026-03-31"}
VALID_UPN = "P201123456789"


def census(**tables: list[dict]) -> duckdb.DuckDBPyConnection:
    """A loaded census from rows by table (links and LAchildID filled in as above)."""
    con = duckdb.connect()
    create_tables(con)
    tables.setdefault("Header", [HEADER])
    for table, rows in tables.items():
        filled = []
        for n, row in enumerate(rows):
            defaults = dict.fromkeys(LINKS[table], 0)
            if table != "Header":
                defaults["LAchildID"] = "C1"
            filled.append({"_row": n, **defaults, **row})
        columns = {c: [r.get(c) for r in filled] for c in {k for r in filled for k in r}}
        append(con, table, columns)
    return con


def flagged(code: str, con: duckdb.DuckDBPyConnection, year: int = YEAR) -> list[tuple]:
    """The (table, row, child) a rule reports."""
    return sorted((f.table, f.row, f.child_id) for f in registry.rules[code].check(con, year))


E = "CINdetails"
A = "Assessments"
F = "AssessmentFactors"
P = "CINPlanDates"
S = "Section47"
CP = "ChildProtectionPlans"
R = "Reviews"
I = "ChildIdentifiers"  # noqa: E741
D = "Disabilities"


def two_children(**rows: dict) -> list[dict]:
    return [{"LAchildID": "C1", **rows}, {"LAchildID": "C2", "_child": 1, **rows}]


# code: (failing census, passing census)
CASES: dict[str, tuple[dict, dict]] = {
    "100": ({"Header": [{**HEADER, "ReferenceDate": "2026-03-30"}]}, {"Header": [HEADER]}),
    "1103": (
        {E: [{"CINreferralDate": "2025-06-01"}], A: [{"AssessmentActualStartDate": "2025-05-31"}]},
        {E: [{"CINreferralDate": "2025-06-01"}], A: [{"AssessmentActualStartDate": "2025-06-01"}]},
    ),
    "1104": (
        {E: [{"CINreferralDate": "2025-06-01"}], S: [{"DateOfInitialCPC": "2025-05-30"}]},
        {E: [{"CINreferralDate": "2025-06-01"}], S: [{"DateOfInitialCPC": "2025-06-02"}]},
    ),
    "1105": (
        {E: [{"CINreferralDate": "2025-06-01"}], CP: [{"CPPstartDate": "2025-05-30"}]},
        {E: [{"CINreferralDate": "2025-06-01"}], CP: [{"CPPstartDate": "2025-06-02"}]},
    ),
    "1510": ({I: [{"UPN": "A201123456789"}]}, {I: [{"UPN": VALID_UPN}]}),
    "1520": (
        {I: [{"UPN": VALID_UPN}, {"UPN": VALID_UPN, "LAchildID": "C2", "_child": 1}]},
        {I: [{"UPN": VALID_UPN}, {"UPN": "A201123456780", "LAchildID": "C2", "_child": 1}]},
    ),
    "1530": ({I: [{"UPN": "A999123456789"}]}, {I: [{"UPN": VALID_UPN}]}),
    "1540": ({I: [{"UPN": "A2011234X6789"}]}, {I: [{"UPN": VALID_UPN}]}),
    "1550": ({I: [{"UPN": "A20112345678I"}]}, {I: [{"UPN": "A20112345678T"}]}),
    "1560Q": ({I: [{"FormerUPN": "12345"}]}, {I: [{"FormerUPN": VALID_UPN}]}),
    "1570": ({I: [{"LAchildID": "C" * 21}]}, {I: [{"LAchildID": "C" * 20}]}),
    "1580": ({I: [{"LAchildID": "C-1"}]}, {I: [{"LAchildID": "C1"}]}),
    "2883": (
        {CP: [{"CPPstartDate": "2025-06-02"}], E: [{}]},
        {CP: [{"CPPstartDate": "2025-06-02"}], E: [{"DateOfInitialCPC": "2025-06-02"}]},
    ),
    "2884": (
        {E: [{"DateOfInitialCPC": "2025-06-02"}], S: [{"DateOfInitialCPC": "2025-06-02"}]},
        {E: [{}], S: [{"DateOfInitialCPC": "2025-06-02"}]},
    ),
    "2885": (
        {E: [{"DateOfInitialCPC": "2025-06-03"}], CP: [{"CPPstartDate": "2025-06-02"}]},
        {E: [{}], S: [{"DateOfInitialCPC": "2025-06-02"}], CP: [{"CPPstartDate": "2025-06-02"}]},
    ),
    "2886Q": ({I: [{"Sex": None}]}, {I: [{"Sex": "F"}]}),
    "2887Q": (
        {D: [{"Disability": "MOB"}]},
        {D: [{"Disability": c} for c in ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS")]},
    ),
    "2888Q": (
        {D: two_children(Disability="MOB")},
        {D: [{"Disability": "MOB"}, {"Disability": "HAND"}]},
    ),
    "2889": (
        {E: [{"CINreferralDate": "2025-06-01"}], S: [{"S47ActualStartDate": "2025-05-30"}]},
        {E: [{"CINreferralDate": "2025-06-01"}], S: [{"S47ActualStartDate": "2025-06-01"}]},
    ),
    "2990": (
        {E: [{"ReasonForClosure": "RC8"}], P: [{"CINPlanStartDate": "2025-06-01"}]},
        {E: [{"ReasonForClosure": "RC8"}]},
    ),
    "2991Q": ({E: [{}], S: [{}]}, {E: [{}], S: [{}], A: [{}]}),
    "4000": (
        {E: [{"ReferralNFA": "1"}], P: [{"CINPlanStartDate": "2025-06-01"}]},
        {E: [{"ReferralNFA": "0"}], P: [{"CINPlanStartDate": "2025-06-01"}]},
    ),
    "4001": (
        {P: [{"CINPlanStartDate": "2025-05-01"}], CP: [{"CPPstartDate": "2025-04-01"}]},
        {
            P: [{"CINPlanStartDate": "2025-05-01"}],
            CP: [{"CPPstartDate": "2025-04-01", "CPPendDate": "2025-05-01"}],
        },
    ),
    "4003": (
        {
            P: [{"CINPlanStartDate": "2025-05-01"}],
            CP: [{"CPPstartDate": "2025-04-01", "CPPendDate": "2025-09-01"}],
            R: [{"CPPreviewDate": "2025-06-01"}],
        },
        {
            P: [{"CINPlanStartDate": "2025-05-01"}],
            CP: [{"CPPstartDate": "2025-04-01", "CPPendDate": "2025-09-01"}],
            R: [{"CPPreviewDate": "2025-04-20"}],
        },
    ),
    "4004": (
        {P: [{"CINPlanStartDate": "2025-05-01"}, {"CINPlanStartDate": "2025-06-01"}]},
        {
            P: [
                {"CINPlanStartDate": "2025-05-01", "CINPlanEndDate": "2025-05-20"},
                {"CINPlanStartDate": "2025-06-01"},
            ]
        },
    ),
    "4008": (
        {I: [{"PersonDeathDate": "2025-05-01"}], P: [{"CINPlanStartDate": "2025-06-01"}]},
        {I: [{"PersonDeathDate": "2025-05-01"}], P: [{"CINPlanStartDate": "2025-04-20"}]},
    ),
    "4009Q": (
        {I: [{"PersonDeathDate": "2025-05-01"}], P: [{"CINPlanEndDate": "2025-06-01"}]},
        {I: [{"PersonDeathDate": "2025-05-01"}], P: [{"CINPlanEndDate": "2025-05-01"}]},
    ),
    "4010": ({P: [{"CINPlanStartDate": None}]}, {P: [{"CINPlanStartDate": "2025-05-01"}]}),
    "4011": (
        {P: [{"CINPlanStartDate": "2025-05-01", "CINPlanEndDate": "2025-04-30"}]},
        {P: [{"CINPlanStartDate": "2025-05-01", "CINPlanEndDate": "2025-05-02"}]},
    ),
    "4012Q": (
        {P: [{"CINPlanStartDate": "2025-05-01", "CINPlanEndDate": "2025-05-01"}]},
        {P: [{"CINPlanStartDate": "2025-05-01", "CINPlanEndDate": "2025-05-02"}]},
    ),
    "4013": ({P: [{"CINPlanEndDate": "2025-03-01"}]}, {P: [{"CINPlanEndDate": "2025-05-01"}]}),
    "4014": (
        {
            P: [
                {"CINPlanStartDate": "2025-04-01", "CINPlanEndDate": "2025-06-01"},
                {"CINPlanStartDate": "2025-05-01", "CINPlanEndDate": "2025-07-01"},
            ]
        },
        {
            P: [
                {"CINPlanStartDate": "2025-04-01", "CINPlanEndDate": "2025-05-01"},
                {"CINPlanStartDate": "2025-06-01"},
            ]
        },
    ),
    "4015": (
        {E: [{"CINreferralDate": "2025-06-01"}], P: [{"CINPlanStartDate": "2025-05-01"}]},
        {E: [{"CINreferralDate": "2025-06-01"}], P: [{"CINPlanStartDate": "2025-06-01"}]},
    ),
    "4016": (
        {CP: [{"CPPstartDate": "2025-04-01"}], P: [{"CINPlanStartDate": "2025-06-01"}]},
        {
            CP: [{"CPPstartDate": "2025-04-01", "CPPendDate": "2025-05-01"}],
            P: [{"CINPlanStartDate": "2025-05-01"}],
        },
    ),
    "4017": (
        {P: [{"CINPlanStartDate": "2025-04-01"}], CP: [{"CPPstartDate": "2025-06-01"}]},
        {
            P: [{"CINPlanStartDate": "2025-04-01", "CINPlanEndDate": "2025-05-01"}],
            CP: [{"CPPstartDate": "2025-05-01"}],
        },
    ),
    "4180": ({I: [{"Sex": "1"}]}, {I: [{"Sex": "M"}]}),
    "4220": (
        {"ChildCharacteristics": [{"Ethnicity": "XXXX"}]},
        {"ChildCharacteristics": [{"Ethnicity": "WBRI"}]},
    ),
    "8500": ({I: [{"LAchildID": None}]}, {I: [{"LAchildID": "C1"}]}),
    "8510": ({I: two_children(LAchildID="C1")}, {I: two_children()}),
    "8520": ({I: [{"PersonBirthDate": "2026-04-01"}]}, {I: [{"PersonBirthDate": "2026-03-31"}]}),
    "8525Q": (
        {I: [{"PersonBirthDate": "2020-01-01", "ExpectedPersonBirthDate": "2026-05-01"}]},
        {I: [{"PersonBirthDate": "2020-01-01"}]},
    ),
    "8530Q": (
        {I: [{"ExpectedPersonBirthDate": "2027-01-01"}]},
        {I: [{"ExpectedPersonBirthDate": "2026-06-01"}]},
    ),
    "8535Q": (
        {I: [{"PersonBirthDate": "2025-06-01", "PersonDeathDate": "2025-05-01"}]},
        {I: [{"PersonBirthDate": "2025-01-01", "PersonDeathDate": "2025-05-01"}]},
    ),
    "8540": (
        {
            I: [{"PersonBirthDate": "2020-01-01"}],
            E: [{"ReferralNFA": "0"}],
            "ChildCharacteristics": [{"Ethnicity": "WBRI"}],
        },
        {
            I: [{"PersonBirthDate": "2020-01-01"}],
            E: [{"ReferralNFA": "0"}],
            "ChildCharacteristics": [{"Ethnicity": "WBRI"}],
            D: [{"Disability": "NONE"}],
        },
    ),
    "8545Q": ({I: [{"PersonDeathDate": "2025-03-01"}]}, {I: [{"PersonDeathDate": "2025-05-01"}]}),
    "8555Q": (
        {I: [{"PersonDeathDate": "2025-05-01"}], E: [{"CINreferralDate": "2025-06-01"}]},
        {I: [{"PersonDeathDate": "2025-05-01"}], E: [{"CINreferralDate": "2025-05-01"}]},
    ),
    "8565": (
        {E: [{"CINclosureDate": "2025-06-01"}], A: [{"AssessmentActualStartDate": "2025-07-01"}]},
        {
            E: [{"CINclosureDate": "2025-06-01"}],
            A: [
                {
                    "AssessmentActualStartDate": "2025-05-01",
                    "AssessmentAuthorisationDate": "2025-06-01",
                }
            ],
        },
    ),
    "8568": ({E: [{"ReferralNFA": "yes"}]}, {E: [{"ReferralNFA": "false"}]}),
    "8569Q": (
        {E: [{"CINreferralDate": "2025-01-01", "ReferralNFA": "1"}]},
        # 31 March 2025 is the last working day before the year: a referral NFA that day is fine
        {E: [{"CINreferralDate": "2025-03-31", "ReferralNFA": "1"}]},
    ),
    "8585Q": (
        {I: [{}], E: [{"ReasonForClosure": "RC2"}]},
        {I: [{"PersonDeathDate": "2025-05-01"}], E: [{"ReasonForClosure": "RC2"}]},
    ),
    "8590": ({I: [{}]}, {I: [{}], E: [{}]}),
    "8600": ({E: [{"CINreferralDate": None}]}, {E: [{"CINreferralDate": "2025-05-01"}]}),
    "8606": (
        {I: [{"PersonBirthDate": "2025-06-01"}], E: [{"CINreferralDate": "2024-01-01"}]},
        {I: [{"PersonBirthDate": "2024-06-01"}], E: [{"CINreferralDate": "2024-01-01"}]},
    ),
    "8608": (
        {
            A: [
                {
                    "AssessmentActualStartDate": "2025-06-01",
                    "AssessmentAuthorisationDate": "2025-05-01",
                }
            ]
        },
        {
            A: [
                {
                    "AssessmentActualStartDate": "2025-05-01",
                    "AssessmentAuthorisationDate": "2025-05-01",
                }
            ]
        },
    ),
    "8610": (
        {E: [{"ReferralNFA": "0"}]},
        {E: [{"ReferralNFA": "0", "PrimaryNeedCode": "N1"}]},
    ),
    "8614": (
        {A: [{}], F: [{"AssessmentFactor": "1A"}]},
        {A: [{"AssessmentAuthorisationDate": "2025-05-01"}], F: [{"AssessmentFactor": "1A"}]},
    ),
    "8615": (
        {S: [{"DateOfInitialCPC": "2025-06-01"}]},
        {S: [{"S47ActualStartDate": "2025-05-20", "DateOfInitialCPC": "2025-06-01"}]},
    ),
    "8620": ({E: [{"CINclosureDate": "2026-04-01"}]}, {E: [{"CINclosureDate": "2026-03-31"}]}),
    "8630": (
        {E: [{"CINreferralDate": "2025-06-01", "CINclosureDate": "2025-05-01"}]},
        {E: [{"CINreferralDate": "2025-06-01", "CINclosureDate": "2025-06-01"}]},
    ),
    "8640": ({E: [{"ReasonForClosure": "RC0"}]}, {E: [{"ReasonForClosure": "RC1"}]}),
    "8650": ({E: [{"PrimaryNeedCode": "N99"}]}, {E: [{"PrimaryNeedCode": "N1"}]}),
    "8670Q": (
        {A: [{"AssessmentActualStartDate": "2025-06-01"}]},
        {A: [{"AssessmentActualStartDate": "2026-03-20"}]},
    ),
    "8675Q": (
        {S: [{"S47ActualStartDate": "2025-06-01", "ICPCnotRequired": "0"}]},
        {S: [{"S47ActualStartDate": "2026-03-25", "ICPCnotRequired": "0"}]},
    ),
    "8696": (
        {A: [{"AssessmentAuthorisationDate": "2025-03-01"}]},
        {A: [{"AssessmentAuthorisationDate": "2025-05-01"}]},
    ),
    "8715": ({S: [{"DateOfInitialCPC": "2025-03-03"}]}, {S: [{"DateOfInitialCPC": "2025-05-01"}]}),
    "8720": ({CP: [{"CPPstartDate": None}]}, {CP: [{"CPPstartDate": "2025-05-01"}]}),
    "8730": ({CP: [{"NumberOfPreviousCPP": None}]}, {CP: [{"NumberOfPreviousCPP": "0"}]}),
    "8736": (
        {A: [{"AssessmentActualStartDate": "2025-03-01"}]},
        {A: [{"AssessmentActualStartDate": "2025-05-01"}]},
    ),
    "8740": (
        {S: [{"S47ActualStartDate": "2025-03-01", "ICPCnotRequired": "0"}]},
        {S: [{"S47ActualStartDate": "2025-03-01", "ICPCnotRequired": "1"}]},
    ),
    "8750": (
        {I: [{"ExpectedPersonBirthDate": "2026-05-01", "Sex": "F"}]},
        {I: [{"ExpectedPersonBirthDate": "2026-05-01", "Sex": "U"}]},
    ),
    "8770Q": (
        {I: [{"PersonBirthDate": "2015-01-01"}], E: [{"ReferralNFA": "0"}]},
        {I: [{"PersonBirthDate": "2015-01-01", "UPNunknown": "UN2"}], E: [{"ReferralNFA": "0"}]},
    ),
    "8772": (
        {I: [{"UPNunknown": "UN7"}], E: [{"ReferralNFA": "0"}]},
        {I: [{"UPNunknown": "UN7"}], E: [{"ReferralNFA": "1"}]},
    ),
    "8775Q": (
        {I: [{"PersonBirthDate": "1990-01-01"}], E: [{}]},
        {I: [{"PersonBirthDate": "2010-01-01"}], E: [{}]},
    ),
    "8790": (
        {D: [{"Disability": "NONE"}, {"Disability": "MOB"}]},
        {D: [{"Disability": "NONE"}]},
    ),
    "8794": (
        {D: [{"Disability": "MOB"}, {"Disability": "MOB"}]},
        {D: [{"Disability": "MOB"}, {"Disability": "HAND"}]},
    ),
    "8805": (
        {E: [{"CINclosureDate": "2025-06-01"}]},
        {E: [{"CINclosureDate": "2025-06-01", "ReasonForClosure": "RC1"}]},
    ),
    "8810": (
        {E: [{"ReasonForClosure": "RC1"}]},
        {E: [{"CINclosureDate": "2025-06-01", "ReasonForClosure": "RC1"}]},
    ),
    "8815": (
        {E: [{"ReferralNFA": "0"}, {"ReferralNFA": "0"}]},
        {E: [{"ReferralNFA": "0"}, {"ReferralNFA": "0", "CINclosureDate": "2025-06-01"}]},
    ),
    "8816": (
        {
            E: [
                {"CINreferralDate": "2025-05-01", "ReferralNFA": "0"},
                {"CINreferralDate": "2025-06-01", "CINclosureDate": "2025-07-01"},
            ]
        },
        {
            E: [
                {"CINreferralDate": "2025-05-01", "CINclosureDate": "2025-05-20"},
                {"CINreferralDate": "2025-06-01", "ReferralNFA": "0"},
            ]
        },
    ),
    "8820": (
        {
            E: [
                {"CINreferralDate": "2025-04-01", "CINclosureDate": "2025-08-01"},
                {"CINreferralDate": "2025-06-01", "CINclosureDate": "2025-09-01"},
            ]
        },
        {
            E: [
                {"CINreferralDate": "2025-04-01", "CINclosureDate": "2025-08-01"},
                {"CINreferralDate": "2025-08-02", "CINclosureDate": "2025-09-01"},
            ]
        },
    ),
    "8825Q": ({E: [{"ReasonForClosure": "RC8"}]}, {E: [{"ReasonForClosure": "RC8"}], A: [{}]}),
    "8831": (
        {E: [{"ReferralNFA": "1"}], S: [{"S47ActualStartDate": "2025-06-01"}]},
        {E: [{"ReferralNFA": "1"}]},
    ),
    "8832": (
        {E: [{"ReferralNFA": "1"}], CP: [{}]},
        {E: [{"ReferralNFA": "0"}], CP: [{}]},
    ),
    "8839": (
        {S: [{"ICPCnotRequired": "0"}, {"ICPCnotRequired": "0"}]},
        {S: [{"ICPCnotRequired": "0"}, {"DateOfInitialCPC": "2025-06-02"}]},
    ),
    "8840": (
        {CP: [{"CPPstartDate": "2025-06-01", "CPPendDate": "2025-06-01"}]},
        {CP: [{"CPPstartDate": "2025-06-01", "CPPendDate": "2025-06-02"}]},
    ),
    "8841": (
        {CP: [{"CPPstartDate": "2025-05-01"}], R: [{"CPPreviewDate": "2025-05-01"}]},
        {CP: [{"CPPstartDate": "2025-05-01"}], R: [{"CPPreviewDate": "2025-05-02"}]},
    ),
    "8842Q": ({R: [{"CPPreviewDate": None}]}, {R: [{"CPPreviewDate": "2025-05-02"}]}),
    "8863Q": (
        {
            A: [
                {
                    "AssessmentActualStartDate": "2025-05-01",
                    "AssessmentAuthorisationDate": "2025-06-01",
                },
                {"AssessmentActualStartDate": "2025-05-15"},
            ]
        },
        {
            A: [
                {
                    "AssessmentActualStartDate": "2025-05-01",
                    "AssessmentAuthorisationDate": "2025-06-01",
                },
                {"AssessmentActualStartDate": "2025-06-02"},
            ]
        },
    ),
    "8866": (
        {E: [{"CINreferralDate": "2025-05-01"}]},
        {E: [{"CINreferralDate": "2025-05-01", "ReferralSource": "1A"}]},
    ),
    "8867": (
        {E: [{"CINclosureDate": "2025-06-01"}], A: [{}]},
        {E: [{"CINclosureDate": "2025-06-01"}], A: [{"AssessmentAuthorisationDate": "2025-05-01"}]},
    ),
    "8868": (
        {E: [{"CINclosureDate": "2025-06-01"}], S: [{"ICPCnotRequired": "0"}]},
        {E: [{"CINclosureDate": "2025-06-01"}], S: [{"ICPCnotRequired": "1"}]},
    ),
    "8869": (
        {A: [{}], F: [{"AssessmentFactor": "21"}, {"AssessmentFactor": "1A"}]},
        {A: [{}], F: [{"AssessmentFactor": "21"}]},
    ),
    "8870Q": ({S: [{"InitialCPCtarget": "2025-06-07"}]}, {S: [{"InitialCPCtarget": "2025-06-09"}]}),
    "8873Q": (
        {
            E: [{"ReasonForClosure": "RC1"}],
            A: [{"AssessmentAuthorisationDate": "2025-05-01"}],
            F: [{"AssessmentFactor": "21"}],
        },
        {
            E: [{"ReasonForClosure": "RC8"}],
            A: [{"AssessmentAuthorisationDate": "2025-05-01"}],
            F: [{"AssessmentFactor": "21"}],
        },
    ),
    "8875": ({S: [{"DateOfInitialCPC": "2025-06-07"}]}, {S: [{"DateOfInitialCPC": "2025-06-09"}]}),
    "8890": (
        {
            S: [
                {"S47ActualStartDate": "2025-05-01", "DateOfInitialCPC": "2025-06-01"},
                {"S47ActualStartDate": "2025-05-15", "DateOfInitialCPC": "2025-06-15"},
            ]
        },
        {
            S: [
                {"S47ActualStartDate": "2025-05-01", "DateOfInitialCPC": "2025-06-01"},
                {"S47ActualStartDate": "2025-06-02", "DateOfInitialCPC": "2025-06-15"},
            ]
        },
    ),
    "8896": ({A: [{}, {}]}, {A: [{}, {"AssessmentAuthorisationDate": "2025-05-01"}]}),
    "8897Q": (
        {A: [{"AssessmentAuthorisationDate": "2025-06-01"}]},
        {A: [{"AssessmentAuthorisationDate": "2025-06-01"}], F: [{"AssessmentFactor": "1A"}]},
    ),
    "8898": (
        {A: [{}], F: [{"AssessmentFactor": "1A"}, {"AssessmentFactor": "1A"}]},
        {A: [{}], F: [{"AssessmentFactor": "1A"}, {"AssessmentFactor": "1B"}]},
    ),
    "8905": ({CP: [{"InitialCategoryOfAbuse": None}]}, {CP: [{"InitialCategoryOfAbuse": "NEG"}]}),
    "8910": ({CP: [{"LatestCategoryOfAbuse": "XYZ"}]}, {CP: [{"LatestCategoryOfAbuse": "PHY"}]}),
    "8915": (
        {I: [{"PersonDeathDate": "2025-05-01"}], CP: [{"CPPstartDate": "2025-05-02"}]},
        {I: [{"PersonDeathDate": "2025-05-01"}], CP: [{"CPPstartDate": "2025-05-01"}]},
    ),
    "8920": (
        {I: [{"PersonDeathDate": "2025-05-01"}], CP: [{"CPPendDate": "2025-05-02"}]},
        {I: [{"PersonDeathDate": "2025-05-01"}], CP: [{"CPPendDate": "2025-05-01"}]},
    ),
    "8925": (
        {CP: [{"CPPstartDate": "2025-06-01", "CPPendDate": "2025-05-01"}]},
        {CP: [{"CPPstartDate": "2025-06-01", "CPPendDate": "2025-07-01"}]},
    ),
    "8930": ({CP: [{"CPPendDate": "2026-04-01"}]}, {CP: [{"CPPendDate": "2026-03-31"}]}),
    "8935": ({CP: [{}, {"_cin": 1}]}, {CP: [{}, {"CPPendDate": "2025-05-01"}]}),
    "8940": (
        {
            CP: [
                {"CPPstartDate": "2025-04-01", "CPPendDate": "2025-06-01"},
                {"CPPstartDate": "2025-05-01"},
            ]
        },
        {
            CP: [
                {"CPPstartDate": "2025-04-01", "CPPendDate": "2025-05-01"},
                {"CPPstartDate": "2025-05-02"},
            ]
        },
    ),
    "8945Q": (
        {A: [{}], F: [{"AssessmentFactor": "18A"}]},
        {A: [{}], F: [{"AssessmentFactor": "18B"}]},
    ),
    "8950Q": (
        {A: [{}], F: [{"AssessmentFactor": "19A"}]},
        {A: [{}], F: [{"AssessmentFactor": "19B"}]},
    ),
}


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    assert sorted(CASES) == sorted(registry.rules)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_then_passes(code: str) -> None:
    failing, passing = CASES[code]
    found = registry.rules[code].check(census(**failing), YEAR)
    assert found, f"{code} found nothing in its failing case"
    assert {f.rule_code for f in found} == {code}
    assert all(f.message == registry.rules[code].message for f in found)
    assert flagged(code, census(**passing)) == []


def test_findings_say_where_and_whose() -> None:
    con = census(
        **{E: [{"CINreferralDate": "2025-06-01"}, {"CINreferralDate": None, "LAchildID": "C2"}]}
    )
    assert flagged("8600", con) == [("CINdetails", 1, "C2")]
    assert flagged("100", census(Header=[{**HEADER, "Year": "2025"}])) == [("Header", 0, "")]


def test_rules_follow_the_collection_year() -> None:
    long_id = census(**{I: [{"LAchildID": "C" * 21}]})
    assert not registry.rules["1570"].applies(2024)
    assert registry.rules["1570"].applies(2026)
    assert flagged("1570", long_id) == [("ChildIdentifiers", 0, "C" * 21)]
    # before 2025 the child's sex was GenderCurrent, coded 0, 1, 2 or 9
    assert flagged("4180", census(**{I: [{"GenderCurrent": "1"}]}), 2024) == []
    assert flagged("4180", census(**{I: [{"GenderCurrent": "M"}]}), 2024) == [
        ("ChildIdentifiers", 0, "C1")
    ]
    # the 2022 code list has no RC9 (case closed after assessment, referred to early help)
    rc9 = census(**{E: [{"ReasonForClosure": "RC9"}]})
    assert flagged("8640", rc9, 2022) == [("CINdetails", 0, "C1")]
    assert flagged("8640", rc9, 2026) == []


CIN_XML = """<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2026</Year>
      <ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>A1</LAchildID><UPN>P201123456789</UPN>
        <PersonBirthDate>2015-02-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-05-01</CINreferralDate><ReferralSource>1A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <Assessments><AssessmentActualStartDate>2025-05-02</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2025-06-01</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors>
            <AssessmentFactors>2B</AssessmentFactors></FactorsIdentifiedAtAssessment>
        </Assessments>
        <ReferralNFA>0</ReferralNFA>
        <ChildProtectionPlans><CPPstartDate>2025-06-02</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
          <Reviews><CPPreviewDate>2025-08-01</CPPreviewDate>
            <CPPreviewDate>not a date</CPPreviewDate></Reviews>
          <Reviews/>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>A2</LAchildID>
        <ExpectedPersonBirthDate>2026-05-01</ExpectedPersonBirthDate><Sex>U</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>NOBT</Ethnicity></ChildCharacteristics>
      <CINdetails><CINreferralDate>2026-01-05</CINreferralDate>
        <ReferralSource>5D</ReferralSource><ReferralNFA>1</ReferralNFA>
        <CINclosureDate>2026-01-06</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""


def test_load_flattens_each_block_with_its_links(tmp_path) -> None:
    path = tmp_path / "cin.xml"
    path.write_text(CIN_XML)
    con = duckdb.connect()
    load(con, path)
    # table names from the loader's own list
    count = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in COLUMNS}  # noqa: S608
    assert count == {
        "Header": 1,
        "Child": 2,
        "ChildIdentifiers": 2,
        "ChildCharacteristics": 2,
        "Disabilities": 1,
        "CINdetails": 2,
        "Assessments": 1,
        "AssessmentFactors": 2,
        "CINPlanDates": 0,
        "Section47": 0,
        "ChildProtectionPlans": 1,
        "Reviews": 3,
    }
    assert con.execute(
        "SELECT _row, _child, LAchildID, CINreferralDate, ReferralNFA FROM CINdetails ORDER BY 1"
    ).fetchall() == [(0, 0, "A1", date(2025, 5, 1), "0"), (1, 1, "A2", date(2026, 1, 5), "1")]
    assert con.execute(
        "SELECT _assessment, _cin, AssessmentFactor FROM AssessmentFactors ORDER BY _row"
    ).fetchall() == [(0, 0, "1A"), (0, 0, "2B")]
    # a date that is not a date reads as missing, as does a Reviews block with no date
    assert con.execute("SELECT _cpp, CPPreviewDate FROM Reviews ORDER BY _row").fetchall() == [
        (0, date(2025, 8, 1)),
        (0, None),
        (0, None),
    ]


def test_validate_reads_the_file_and_runs_the_year_rules(tmp_path) -> None:
    path = tmp_path / "cin.xml"
    path.write_text(CIN_XML)
    found = {(f.rule_code, f.table, f.row, f.child_id) for f in validate(path, 2026)}
    assert ("8842Q", "Reviews", 1, "A1") in found
    assert ("8842Q", "Reviews", 2, "A1") in found
    assert ("2885", "ChildProtectionPlans", 0, "A1") in found
    # A2 (unborn, sex U, referral NFA and closed) breaks no child-level rule
    assert not {f for f in found if f[3] == "A2"}


def test_load_refuses_a_file_with_a_dtd(tmp_path) -> None:
    path = tmp_path / "cin.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY a "aaaa">]><Message>&a;</Message>'
    )
    with pytest.raises(UnsafeXML):
        load(duckdb.connect(), path)
