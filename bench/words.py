"""Word lists and sentence templates for bench/generate.py.

Kept apart from the generator so that its logic reads in one sitting. Every
string here is safe as a plain YAML scalar in block context (no ': ', no ' #');
strings used inside flow mappings also avoid commas and brackets.
"""

from __future__ import annotations


def _split(text: str) -> list[str]:
    return text.split()


COMPANY_FIRST = _split(
    """
acorn alder amber anchor apex arbor aster atlas beacon birch blue bright brook cairn
cedar clear clover cobalt copper coral crest delta east elm ember fern field flint fox
glen granite harbour hazel heron high iron ivy juniper kestrel lake larch linden maple
marble meadow mill moss north oak orchard pine quarry raven ridge river rowan salt
silver slate south spruce stone summit swift thistle timber upland vale west willow wren
"""
)
COMPANY_SECOND = _split(
    """
bay bridge brook crown dale field ford gate grove hall haven hill holm house land light
line mark mere moor point port rock shore side stead ton view way wick wood works
"""
)
COMPANY_KIND = {
    "startup": ("Labs", "Pay", "Cloud", "AI", "Stack", "HQ", "Apps", "Data"),
    "midmarket": (
        "Manufacturing",
        "Supply",
        "Foods",
        "Medical",
        "Distribution",
        "Industries",
        "Components",
        "Wholesale",
        "Software",
    ),
    "enterprise": (
        "Group",
        "Holdings",
        "International",
        "Logistics",
        "Retail Group",
        "Healthcare",
        "Industries Group",
        "Energy",
    ),
}
INDUSTRIES = {
    "startup": ("software", "fintech", "marketplaces", "software", "healthcare"),
    "midmarket": ("manufacturing", "wholesale", "software", "healthcare", "retail", "construction"),
    "enterprise": ("retail", "logistics", "manufacturing", "healthcare", "energy", "wholesale"),
}
ERPS = {
    "startup": ("xero", "quickbooks", "netsuite"),
    "midmarket": ("netsuite", "sage-intacct", "business-central", "xero", "quickbooks"),
    "enterprise": ("sap", "oracle", "netsuite", "business-central"),
}
FIRST_NAMES = _split(
    """
Ada Amir Ana Ben Bo Carla Chen Dana Dev Elif Emma Farid Grace Hana Ines Ivan Jonas Kai
Lea Luis Maya Mei Nadia Noah Omar Priya Rosa Sam Sofia Tariq Tom Uma Vera Yusuf Zoe
"""
)
LAST_NAMES = _split(
    """
Adeyemi Berg Costa Duarte Eriksen Fischer Garcia Haddad Ito Jansen Kim Larsen Moreau
Nakamura Novak Okafor Ortega Patel Quinn Rossi Schmidt Tanaka Umar Varga Walsh Yilmaz
Zhou
"""
)
ROLES = {
    "cfo": ("CFO", "Chief Financial Officer", "VP Finance"),
    "controller": ("Financial Controller", "Group Controller", "Head of Accounting"),
    "ap-manager": ("AP Manager", "Accounts Payable Lead", "Head of Payables"),
    "finance-ops-engineer": ("Finance Engineer", "Finance Systems Lead", "Staff Engineer"),
    "founder": ("Co-founder and CEO", "Founder", "Co-founder and COO"),
    "it-admin": ("IT Security Lead", "Head of IT", "Identity Administrator"),
}
CSMS = [
    f"{name}@tallyfold.example"
    for name in _split(
        """
        jane.doe arjun.mehta claire.dubois kofi.mensah lena.vogel marco.bianchi
        nora.lind oscar.reyes pia.holm ravi.iyer sara.cohen theo.marsh
        """
    )
]
STORIES = {
    "startup": (
        "Two engineers and a founder who closed the books in a spreadsheet until last quarter.",
        "Came from a bank portal and a shared inbox of PDFs; wants payables to run itself.",
        "Series A company whose investors now ask for monthly numbers on day five.",
    ),
    "midmarket": (
        "A four-person AP team drowning in paper invoices from three hundred suppliers.",
        "Replaced a failed AP tool last year; the CFO promised the board real discount savings.",
        "Growing by acquisition; the controller wants one process before the next entity lands.",
    ),
    "enterprise": (
        "Shared-services programme across several entities with an ERP migration under way.",
        "Audit committee asked for a faster close and clean payables after a bad year-end.",
        "Group CFO sponsor; the rollout goes entity by entity through next year.",
    ),
}
NOTES = (
    "{first} is the one who pushes the rollout internally. Keep them close.",
    "Budget review in January. The CFO wants the discount savings figure before then.",
    "Approvals stall when the regional controllers are travelling; suggested delegation rules.",
    "Support ticket about the ERP sync closed after the field mapping fix.",
    "{first} asked about the treasury module. Not before the current rollout is done.",
    "Month-end went badly in {month}; late supplier credits added two days to the close.",
    "Second entity is on the roadmap for next year according to {first}.",
    "The team skipped the last review. Rebook with an agenda they care about.",
    "Auditors liked the approval trail. Worth a reference ask after the next result.",
)
# Real plan messages carry exclamation marks; one here also makes every third
# account exercise csplan's check for YAML tags, which looks for "!".
MESSAGES = (
    "{first}, thank you for a strong quarter! The close is getting shorter and the team is "
    "running payables without the spreadsheet. Here is the route to the next step.",
    "{first}, we are close to the target you set at the start. The plan below keeps the next "
    "two months focused on what moves the close, not on more features.",
    "{first}, the last month was harder than planned. Here is how we get back on the route "
    "together, with the owner of each step.",
)
ACTIONS = (
    ("Invite the remaining top suppliers to the supplier portal", "customer"),
    ("Review the approval rules for the new cost centres", "joint"),
    ("Run the discount clinic with the AP team", "vendor"),
    ("Connect the second entity's ledger", "joint"),
    ("Certify two more admins through the academy", "customer"),
    ("Share the close calendar for next quarter", "customer"),
    ("Prepare the savings figures for the board pack", "vendor"),
    ("Switch the remaining paper suppliers to email invoicing", "customer"),
    ("Walk the controller through the month-end checklist", "vendor"),
)
REASONS = (
    "The CFO moved the target after the board meeting",
    "Acquired a sister company and the priorities changed",
    "First target reached early; set a bolder one",
)
