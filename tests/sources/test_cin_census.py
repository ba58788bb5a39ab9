import hashlib
import json
import re
import time
import weakref
from datetime import date
from pathlib import Path

import pytest

from casegrip.model.findings import Severity, SourceError
from casegrip.model.schema import table
from casegrip.sources import cin_census
from casegrip.sources.cin_census import TABLES, read_cin_census

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "reference" / "samples"
CIN_SAMPLES = sorted(
    {
        *(SAMPLES / "csc-validator-be-cin" / "fake_data").glob("*.xml"),
        *SAMPLES.glob("liia-tools*/liiatools/**/cin_census*/**/samples/*.xml"),
        *SAMPLES.glob("liia-tools/liiatools/spec/cin_census/samples/*.xml"),
    }
)


def test_the_cin_samples_are_all_found():
    assert len(CIN_SAMPLES) == 11


@pytest.mark.parametrize("path", CIN_SAMPLES, ids=lambda p: p.name)
def test_each_sample_cin_census_loads(path):
    text = path.read_text()
    extract = read_cin_census(path)

    assert extract.source == "cin_census"
    assert set(extract.tables) == set(TABLES)
    for name, data in extract.tables.items():
        assert data.schema == table(name).arrow_schema()
    children = text.count("<Child>")
    (recorded,) = extract.files
    assert recorded.name == path.name
    assert recorded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert recorded.rows == children
    assert extract.tables["ssd_person"].num_rows == children
    assert extract.tables["ssd_cin_episodes"].num_rows == text.count("<CINdetails>")
    assert extract.tables["ssd_cp_reviews"].num_rows == text.count("<CPPreviewDate>")
    reference = re.search(r"<ReferenceDate>(.*)</ReferenceDate>", text).group(1)
    assert extract.extract_date == date.fromisoformat(reference)
    assert extract.findings == []  # the samples' dates are all well formed


def _xml(children: str, header: str = "") -> str:
    header = header or (
        "<Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year>"
        "<ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails>"
        "<Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source></Header>"
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<Message>{header}<Children>{children}</Children></Message>\n"
    )


def _write(tmp_path: Path, text: str, name: str = "cin.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


FULL_CHILD = """
<Child>
  <ChildIdentifiers>
    <LAchildID>K1</LAchildID>
    <UPN>A123456789123</UPN>
    <FormerUPN>X98765432123B</FormerUPN>
    <PersonBirthDate>2015-03-27</PersonBirthDate>
    <GenderCurrent>2</GenderCurrent>
  </ChildIdentifiers>
  <ChildCharacteristics>
    <Ethnicity>MWBA</Ethnicity>
    <Disabilities><Disability>HAND</Disability></Disabilities>
  </ChildCharacteristics>
  <CINdetails>
    <CINreferralDate>2023-04-06</CINreferralDate>
    <ReferralSource>5A</ReferralSource>
    <PrimaryNeedCode>N1</PrimaryNeedCode>
    <CINclosureDate>2024-02-27</CINclosureDate>
    <ReasonForClosure>RC8</ReasonForClosure>
    <DateOfInitialCPC>2023-05-02</DateOfInitialCPC>
    <Assessments>
      <AssessmentActualStartDate>2023-04-07</AssessmentActualStartDate>
      <AssessmentInternalReviewDate>2023-04-20</AssessmentInternalReviewDate>
      <AssessmentAuthorisationDate>2023-05-30</AssessmentAuthorisationDate>
      <FactorsIdentifiedAtAssessment>
        <AssessmentFactors>2A</AssessmentFactors>
        <AssessmentFactors>3B</AssessmentFactors>
      </FactorsIdentifiedAtAssessment>
    </Assessments>
    <Assessments>
      <AssessmentActualStartDate>2023-09-01</AssessmentActualStartDate>
    </Assessments>
    <CINPlanDates>
      <CINPlanStartDate>2023-06-01</CINPlanStartDate>
    </CINPlanDates>
    <Section47>
      <S47ActualStartDate>2023-04-10</S47ActualStartDate>
      <InitialCPCtarget>2023-05-02</InitialCPCtarget>
      <DateOfInitialCPC>2023-05-02</DateOfInitialCPC>
      <ICPCnotRequired>false</ICPCnotRequired>
    </Section47>
    <Section47>
      <S47ActualStartDate>2023-11-10</S47ActualStartDate>
      <ICPCnotRequired>1</ICPCnotRequired>
    </Section47>
    <ReferralNFA>0</ReferralNFA>
    <ChildProtectionPlans>
      <CPPstartDate>2023-05-02</CPPstartDate>
      <CPPendDate>2023-12-01</CPPendDate>
      <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
      <LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>
      <NumberOfPreviousCPP>1</NumberOfPreviousCPP>
      <Reviews>
        <CPPreviewDate>2023-07-20</CPPreviewDate>
        <CPPreviewDate>2023-11-20</CPPreviewDate>
      </Reviews>
    </ChildProtectionPlans>
    <PreProceedingsandFGDM>
      <PPStartDate>2023-09-09</PPStartDate>
      <LBPSentDate>2023-09-20</LBPSentDate>
      <InitialPPMeetingDate>2023-09-28</InitialPPMeetingDate>
      <ReviewMeetingsCount>3</ReviewMeetingsCount>
      <StepDecisionDate>2023-12-01</StepDecisionDate>
      <PPOutcome>A</PPOutcome>
    </PreProceedingsandFGDM>
  </CINdetails>
  <CINdetails>
    <CINreferralDate>2024-01-10</CINreferralDate>
    <ReferralSource>6</ReferralSource>
    <ReferralNFA>true</ReferralNFA>
  </CINdetails>
</Child>
<Child>
  <ChildIdentifiers>
    <LAchildID>K2</LAchildID>
    <UPNunknown>UN1</UPNunknown>
    <ExpectedPersonBirthDate>2024-06-01</ExpectedPersonBirthDate>
    <Sex>U</Sex>
  </ChildIdentifiers>
  <ChildCharacteristics><Ethnicity>NOBT</Ethnicity></ChildCharacteristics>
  <CINdetails>
    <CINreferralDate>2024-02-01</CINreferralDate>
    <ReferralSource>3A</ReferralSource>
    <ReferralNFA>0</ReferralNFA>
  </CINdetails>
</Child>
"""


def _rows(extract, name):
    return extract.tables[name].to_pylist()


def test_a_child_maps_to_every_table(tmp_path):
    extract = read_cin_census(_write(tmp_path, _xml(FULL_CHILD)))
    assert extract.findings == []
    assert extract.extract_date == date(2024, 3, 31)

    k1, k2 = _rows(extract, "ssd_person")
    assert (k1["pers_person_id"], k1["pers_upn"], k1["pers_upn_unknown"]) == (
        "K1",
        "A123456789123",
        None,
    )
    assert (k1["pers_dob"], k1["pers_sex"], k1["pers_ethnicity"]) == (
        date(2015, 3, 27),
        "F",
        "MWBA",
    )
    assert (k2["pers_upn_unknown"], k2["pers_expected_dob"], k2["pers_sex"]) == (
        "UN1",
        date(2024, 6, 1),
        "U",
    )
    assert (k1["_source_row"], k2["_source_row"]) == (0, 1)

    episodes = _rows(extract, "ssd_cin_episodes")
    assert [e["cine_referral_id"] for e in episodes] == ["K1-1", "K1-2", "K2-1"]
    first = episodes[0]
    assert first["cine_person_id"] == "K1"
    assert first["cine_referral_date"] == date(2023, 4, 6)
    assert first["cine_referral_source_code"] == "5A"
    assert first["cine_cin_primary_need_code"] == "N1"
    assert (first["cine_close_date"], first["cine_close_reason"]) == (date(2024, 2, 27), "RC8")
    assert [e["cine_referral_nfa"] for e in episodes] == ["N", "Y", "N"]
    assert [e["_source_row"] for e in episodes] == [0, 0, 1]

    assessments = _rows(extract, "ssd_cin_assessments")
    assert [a["cina_assessment_id"] for a in assessments] == ["K1-1-A1", "K1-1-A2"]
    assert assessments[0]["cina_referral_id"] == "K1-1"
    assert assessments[0]["cina_assessment_start_date"] == date(2023, 4, 7)
    assert assessments[0]["cina_assessment_auth_date"] == date(2023, 5, 30)
    assert assessments[1]["cina_assessment_auth_date"] is None
    (factors,) = _rows(extract, "ssd_assessment_factors")
    assert factors["cinf_assessment_id"] == "K1-1-A1"
    assert json.loads(factors["cinf_assessment_factors_json"]) == ["2A", "3B"]

    (plan,) = _rows(extract, "ssd_cin_plans")
    assert (plan["cinp_cin_plan_id"], plan["cinp_referral_id"], plan["cinp_person_id"]) == (
        "K1-1-CINP1",
        "K1-1",
        "K1",
    )
    assert (plan["cinp_cin_plan_start_date"], plan["cinp_cin_plan_end_date"]) == (
        date(2023, 6, 1),
        None,
    )

    s47s = _rows(extract, "ssd_s47_enquiry")
    assert [s["s47e_s47_enquiry_id"] for s in s47s] == ["K1-1-S47-1", "K1-1-S47-2"]
    assert [s["s47e_s47_start_date"] for s in s47s] == [date(2023, 4, 10), date(2023, 11, 10)]
    assert [s["s47e_s47_nfa"] for s in s47s] == ["N", "Y"]
    outcomes = [json.loads(s["s47e_s47_outcome_json"]) for s in s47s]
    assert [o["CP_CONFERENCE_FLAG"] for o in outcomes] == ["Y", "N"]

    # The episode's DateOfInitialCPC is the first enquiry's conference: one conference.
    (conference,) = _rows(extract, "ssd_initial_cp_conference")
    assert conference["icpc_icpc_id"] == "K1-1-S47-1-ICPC"
    assert conference["icpc_s47_enquiry_id"] == "K1-1-S47-1"
    assert conference["icpc_referral_id"] == "K1-1"
    assert conference["icpc_icpc_target_date"] == date(2023, 5, 2)
    assert conference["icpc_icpc_date"] == date(2023, 5, 2)
    assert conference["icpc_cp_plan_id"] == "K1-1-CPP1"
    assert conference["icpc_icpc_outcome_cp_flag"] == "Y"

    (cp_plan,) = _rows(extract, "ssd_cp_plans")
    assert cp_plan["cppl_cp_plan_id"] == "K1-1-CPP1"
    assert cp_plan["cppl_icpc_id"] == "K1-1-S47-1-ICPC"
    assert (cp_plan["cppl_cp_plan_start_date"], cp_plan["cppl_cp_plan_end_date"]) == (
        date(2023, 5, 2),
        date(2023, 12, 1),
    )
    assert (cp_plan["cppl_cp_plan_initial_category"], cp_plan["cppl_cp_plan_latest_category"]) == (
        "NEG",
        "EMO",
    )
    reviews = _rows(extract, "ssd_cp_reviews")
    assert [(r["cppr_cp_review_id"], r["cppr_cp_review_date"]) for r in reviews] == [
        ("K1-1-CPP1-R1", date(2023, 7, 20)),
        ("K1-1-CPP1-R2", date(2023, 11, 20)),
    ]
    assert {r["cppr_cp_plan_id"] for r in reviews} == {"K1-1-CPP1"}

    (pre,) = _rows(extract, "ssd_pre_proceedings")
    assert pre["prep_person_id"] == "K1"
    assert pre["prep_pre_pro_decision_date"] == date(2023, 9, 9)
    assert pre["prep_pre_pro_letter_date"] == date(2023, 9, 20)
    assert pre["prep_initial_pre_pro_meeting_date"] == date(2023, 9, 28)
    assert pre["prep_pre_pro_meetings_num"] == 3
    assert pre["prep_agree_stepdown_issue_date"] == date(2023, 12, 1)
    assert pre["prep_pre_pro_outcome"] == "A"


def test_a_conference_without_an_enquiry_in_the_file(tmp_path):
    child = (
        "<Child><ChildIdentifiers><LAchildID>K3</LAchildID><Sex>M</Sex></ChildIdentifiers>"
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
        "<CINdetails><CINreferralDate>2022-01-01</CINreferralDate><ReferralSource>1A</ReferralSource>"
        "<DateOfInitialCPC>2022-02-01</DateOfInitialCPC><ReferralNFA>0</ReferralNFA>"
        "</CINdetails></Child>"
    )
    extract = read_cin_census(_write(tmp_path, _xml(child)))

    (conference,) = _rows(extract, "ssd_initial_cp_conference")
    assert conference["icpc_icpc_id"] == "K3-1-ICPC"
    assert conference["icpc_s47_enquiry_id"] is None
    assert conference["icpc_icpc_date"] == date(2022, 2, 1)
    assert conference["icpc_icpc_outcome_cp_flag"] is None


def test_a_namespaced_file_is_read(tmp_path):
    text = _xml(FULL_CHILD).replace("<Message>", '<Message xmlns="http://example.org/cin">')
    extract = read_cin_census(_write(tmp_path, text))

    assert extract.tables["ssd_person"].num_rows == 2
    assert extract.tables["ssd_cp_reviews"].num_rows == 2
    assert extract.extract_date == date(2024, 3, 31)


def test_an_unparseable_date_is_blank_with_a_finding(tmp_path):
    text = _xml(
        FULL_CHILD.replace("<CPPreviewDate>2023-11-20", "<CPPreviewDate>20/11/2O23").replace(
            "<ExpectedPersonBirthDate>2024-06-01", "<ExpectedPersonBirthDate>2024-02-30"
        ),
        header="<Header><CollectionDetails><ReferenceDate>31 March</ReferenceDate>"
        "</CollectionDetails></Header>",
    )
    extract = read_cin_census(_write(tmp_path, text))

    found = [
        (f.rule, f.table, f.row, f.field, f.value, f.severity, f.file) for f in extract.findings
    ]
    assert found == [
        ("unparseable_date", "", None, "ReferenceDate", "31 March", Severity.ERROR, "cin.xml"),
        (
            "unparseable_date",
            "ssd_cp_reviews",
            0,
            "CPPreviewDate",
            "20/11/2O23",
            Severity.ERROR,
            "cin.xml",
        ),
        (
            "unparseable_date",
            "ssd_person",
            1,
            "ExpectedPersonBirthDate",
            "2024-02-30",
            Severity.ERROR,
            "cin.xml",
        ),
    ]
    assert extract.extract_date is None
    assert [r["cppr_cp_review_date"] for r in _rows(extract, "ssd_cp_reviews")] == [
        date(2023, 7, 20),
        None,
    ]
    assert _rows(extract, "ssd_person")[1]["pers_expected_dob"] is None


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("<Message><Children><Child></Children></Message>", 1),
        ("<Message>\n<Children>\n<Child>\n<LAchildID>1</LAchild>\n</Child>", 4),
        ("<Message>\n<Children>\n</Children>\n</Message>\n<Extra/>", 5),
        ("<Message>\n<Children>\n<Child>&undefined;</Child></Children></Message>", 3),
        ("", 1),
    ],
)
def test_malformed_xml_stops_the_import_with_its_line(tmp_path, text, line):
    with pytest.raises(SourceError, match=rf"not well-formed XML: .* at line {line}\b") as caught:
        read_cin_census(_write(tmp_path, text, "broken.xml"))
    assert caught.value.file == "broken.xml"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&lol4;</LAchildID></ChildIdentifiers>
</Child></Children></Message>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Children><Child><ChildIdentifiers><LAchildID>&secret;</LAchildID></ChildIdentifiers>
</Child></Children></Message>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE Message SYSTEM "http://example.org/cin.dtd">
<Message><Children/></Message>
"""


@pytest.mark.parametrize(
    "text", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD], ids=["bomb", "xxe", "dtd"]
)
def test_dtds_and_entities_are_refused(tmp_path, text):
    with pytest.raises(SourceError, match="DTD") as caught:
        read_cin_census(_write(tmp_path, text, "evil.xml"))
    assert caught.value.file == "evil.xml"


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = _write(tmp_path, _xml(FULL_CHILD))
    size = path.stat().st_size
    assert read_cin_census(path, max_bytes=size).tables["ssd_person"].num_rows == 2
    with pytest.raises(SourceError, match="more than the"):
        read_cin_census(path, max_bytes=size - 1)


def test_other_xml_is_refused(tmp_path):
    with pytest.raises(SourceError, match="root element is <EXPSSDA903>"):
        read_cin_census(_write(tmp_path, "<EXPSSDA903><CHILD/></EXPSSDA903>"))
    workforce = SAMPLES / "liia-tools/liiatools/spec/social_work_workforce/samples"
    with pytest.raises(SourceError, match="CSWW collection"):
        read_cin_census(workforce / "social_work_workforce_2022.xml")
    with pytest.raises(SourceError, match="cannot be read"):
        read_cin_census(tmp_path / "absent.xml")


def _generated_child(number: int) -> str:
    """A child with a typical mix of episodes: most have one referral and an assessment."""
    blocks = []
    for referral in range(1 + (number % 5 == 0) + (number % 40 == 0)):
        optional = []
        if number % 7:
            optional.append(
                "<Assessments><AssessmentActualStartDate>2023-05-05</AssessmentActualStartDate>"
                "<AssessmentAuthorisationDate>2023-06-20</AssessmentAuthorisationDate>"
                "<FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors>"
                "</FactorsIdentifiedAtAssessment></Assessments>"
            )
        if number % 3 == 0:
            optional.append(
                "<CINPlanDates><CINPlanStartDate>2023-06-21</CINPlanStartDate></CINPlanDates>"
            )
        if number % 5 == 1:
            optional.append(
                "<Section47><S47ActualStartDate>2023-05-10</S47ActualStartDate>"
                "<DateOfInitialCPC>2023-06-01</DateOfInitialCPC>"
                "<ICPCnotRequired>0</ICPCnotRequired></Section47>"
            )
        plan = (
            "<ChildProtectionPlans><CPPstartDate>2023-06-01</CPPstartDate>"
            "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
            "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
            "<NumberOfPreviousCPP>0</NumberOfPreviousCPP>"
            "<Reviews><CPPreviewDate>2023-08-20</CPPreviewDate></Reviews></ChildProtectionPlans>"
            if number % 10 == 1
            else ""
        )
        blocks.append(
            f"<CINdetails><CINreferralDate>2023-0{1 + referral}-04</CINreferralDate>"
            "<ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
            f"{''.join(optional)}<ReferralNFA>0</ReferralNFA>{plan}</CINdetails>"
        )
    return (
        f"<Child><ChildIdentifiers><LAchildID>G{number}</LAchildID>"
        f"<UPN>A{number:012d}</UPN><PersonBirthDate>2015-03-1{number % 10}</PersonBirthDate>"
        "<Sex>F</Sex></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
        f"</ChildCharacteristics>{''.join(blocks)}</Child>\n"
    )


def _generate(path: Path, children: int) -> Path:
    head, tail = _xml("@CHILDREN@").split("@CHILDREN@")
    with path.open("w", encoding="utf-8") as handle:
        handle.write(head)
        for number in range(children):
            handle.write(_generated_child(number))
        handle.write(tail)
    return path


def test_ten_thousand_children_parse_in_reasonable_time(tmp_path):
    path = _generate(tmp_path / "large.xml", 10_000)

    started = time.perf_counter()
    extract = read_cin_census(path)
    elapsed = time.perf_counter() - started

    assert extract.tables["ssd_person"].num_rows == 10_000
    assert extract.tables["ssd_cin_episodes"].num_rows == 10_000 + 2_000 + 250
    assert extract.tables["ssd_cp_plans"].num_rows == 1_000
    assert extract.files[0].rows == 10_000
    # A few seconds on a laptop; the bound is loose for shared CI machines, but a parser that
    # went quadratic or built the whole document first would not meet it.
    assert elapsed < 20, f"{elapsed:.1f}s"


def test_each_child_is_released_after_it_is_read(tmp_path, monkeypatch):
    path = _generate(tmp_path / "stream.xml", 500)
    read = cin_census._Reader.child
    seen: list[weakref.ref] = []
    alive: list[int] = []

    def spy(self, element, row):
        seen.append(weakref.ref(element))
        alive.append(sum(ref() is not None for ref in seen))
        read(self, element, row)

    monkeypatch.setattr(cin_census._Reader, "child", spy)
    extract = read_cin_census(path)

    assert extract.tables["ssd_person"].num_rows == 500
    assert max(alive) <= 2  # the child being read, and perhaps the one before
