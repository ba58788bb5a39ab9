"""A synthetic post-inspection action plan laid out like a council's action plan table: a title
block, a header row, then each recommendation's row followed by its further actions. The tests
build it in memory; run this file to write the committed copy beside it:

    .venv/bin/python tests/web/data/improvement_plan_sample.py
"""

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

SAMPLE = Path(__file__).with_name("improvement_plan_sample.xlsx")
SHEET = "Action plan"
HEADER = [
    "No",
    "Recommendation",
    "Lead",
    "Performance Management Framework",
    "Measure",
    "Indicators",
    "Action",
    "Timescale reported at end of month",
    "Progress Note",
    "Partnership Focus",
    "Link Plans",
    "Governance",
    "Impact",
]
# One row per list: recommendation rows carry a number; the rows after them add actions.
ROWS = [
    [
        "1",
        "Improve the frequency and quality of management oversight and supervision in all "
        "teams, and record the rationale for decisions.",
        "Head of Practice",
        "Performance clinic reports",
        "Supervision compliance at 90%",
        "supervision_compliance",
        "Use management information to monitor how regularly supervision happens.",
        "Ongoing",
        "",
        "N/a",
        "Workforce Development Strategy",
        "Children's Management Team",
        "Staff feel better supported and stay; practice improves without drift or delay.",
    ],
    [
        None,
        None,
        None,
        "Case file audit reports",
        "Audits show management oversight",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],
    [
        None,
        None,
        None,
        None,
        None,
        None,
        "Develop a supervision quality assurance tool.",
        "End April 2026",
        "Completed - April 2026",
        None,
        None,
        None,
        None,
    ],
    [
        None,
        None,
        None,
        None,
        None,
        None,
        "Programme for first line managers on what good supervision looks like.",
        "End of March 2027",
        "Not Due",
        None,
        None,
        None,
        None,
    ],
    [
        "2",
        "Keep the caseloads of newly qualified social workers within national guidance.",
        "Locality heads of service",
        "Weekly caseload reports",
        "Average ASYE caseload at 15",
        "asye_caseload_protected, caseload_average_fte=16",
        "Refresh the caseload guidance with a lower average for ASYE workers.",
        "End Jan 2026",
        "Completed - Jan 2026",
        "Partners mentor ASYE workers",
        "Workforce Development Strategy; Recruitment and Retention Plan",
        "Children's Management Team",
        "Newly qualified staff complete the ASYE and stay.",
    ],
    [
        None,
        None,
        None,
        None,
        None,
        None,
        "Peer dip sampling by team managers of ASYE caseloads.",
        "End Apr 2026",
        "Partially Complete - two of four localities sampled",
        None,
        None,
        None,
        None,
    ],
    [
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "Remaining localities booked for May",
        None,
        None,
        None,
        None,
    ],
    [
        "3",
        "Review children in need cases regularly and record progress in supervision.",
        "Locality heads of service",
        "Monthly performance report",
        "CIN plans reviewed within timescale",
        "cin_plan_review_in_timescale",
        "Re-issue the practice standards and brief teams on review expectations.",
        datetime(2026, 1, 30),
        "In progress - briefings under way",
        "Key workers attend CIN reviews",
        "QA Framework",
        "Children's Management Team",
        "Children spend less time on CIN plans without progress.",
    ],
    [
        None,
        None,
        None,
        None,
        None,
        None,
        "Use reports to see that CIN cases are reviewed at nine months.",
        "Ongoing",
        "",
        None,
        None,
        None,
        None,
    ],
    [
        "4",
        "Expedite plans for swifter access to suitable accommodation for care leavers.",
        "Head of Leaving Care",
        "Children's Board outcomes framework",
        "Care leavers in suitable accommodation",
        "",
        "Commission a wider range of housing with support, with housing providers.",
        "Pilot - End Feb 2026  Full Roll Out - End April 2027",
        "Pilot phase completed - roll-out dates revised",
        "Housing partners offer a bespoke pathway",
        "Care Leavers Sufficiency Strategy",
        "Corporate Parenting Panel",
        "More care leavers live in, and keep, suitable homes.",
    ],
    [
        None,
        None,
        None,
        None,
        None,
        None,
        "Tenancy starter flats for care leavers.",
        "End Sept 2027",
        "Not Due",
        None,
        None,
        "Strategic Housing Board",
        None,
    ],
]
ACTIONS = 9  # action rows above
RECOMMENDATIONS = 4


def build_workbook() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(["Synthetic County Council: post-inspection action plan"])
    sheet.append(["Updated for the improvement board"])
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    return book


if __name__ == "__main__":
    build_workbook().save(SAMPLE)
