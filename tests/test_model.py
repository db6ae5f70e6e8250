"""SPEC section 2, "Required fields and defaults": every required field,
removed, is a CSP101 at the mapping that lacks it; every default holds.

Documents are only read (``conftest.read_only``, no checks across
documents): this is about one document's shape, not about the references
between them.
"""

from __future__ import annotations

import pytest
from conftest import read_only

# One minimal document per kind, one field per line, so that a field can be
# removed by deleting its line.
MINIMAL = {
    "Workspace": """\
kind: Workspace
name: Test
vendor: Acme
""",
    "Persona": """\
kind: Persona
id: vp-marketing
name: VP Marketing
""",
    "IdealCustomerProfile": """\
kind: IdealCustomerProfile
id: mid-market-events
name: Mid-market event organisers
criteria:
  - attribute: industry
    equals: events
""",
    "RequiredOutcome": """\
kind: RequiredOutcome
id: grow-registrations
statement: More people register for your events
metric:
  signal: registrations_per_event
  unit: registrations
  direction: increase
""",
    "AppropriateExperience": """\
kind: AppropriateExperience
id: enterprise-high-touch
name: High-touch enterprise
elements:
  - id: named-ae
    area: sales
    expectation: A named account executive
""",
    "SuccessVehicle": """\
kind: SuccessVehicle
id: onboarding-webinar
name: Weekly onboarding webinar
type: training
""",
    "MilestoneMap": """\
kind: MilestoneMap
id: events-enterprise
outcome: grow-registrations
milestones:
  - id: list-imported
    name: Attendee list imported
    type: functional
    owner: customer
    due_days: 14
""",
    "EngagementModel": """\
kind: EngagementModel
id: enterprise-dsce
components:
  intent: {}
  anticipated_needs: {}
  product_adoption: {}
  outcomes: {}
  relationship: {}
  communication: {}
  education: {}
  journey: {}
""",
    "Segment": """\
kind: Segment
id: enterprise
name: Enterprise business teams
experience: enterprise-high-touch
milestone_map: events-enterprise
engagement: enterprise-dsce
""",
    "Account": """\
kind: Account
id: northwind-events
name: Northwind Events
segment: enterprise
start: 2026-03-01
desired_outcomes:
  - since: 2026-03-01
    outcome: grow-registrations
    baseline: 320
    target: 500
""",
}

# (kind, field, the mapping that lacks it: None for the document, else its key)
REQUIRED = [
    ("Workspace", "name", None),
    ("Workspace", "vendor", None),
    ("Persona", "id", None),
    ("Persona", "name", None),
    ("IdealCustomerProfile", "id", None),
    ("IdealCustomerProfile", "name", None),
    ("IdealCustomerProfile", "criteria", None),
    ("IdealCustomerProfile", "attribute", "criteria"),
    ("RequiredOutcome", "id", None),
    ("RequiredOutcome", "statement", None),
    ("RequiredOutcome", "metric", None),
    ("RequiredOutcome", "signal", "metric"),
    ("RequiredOutcome", "unit", "metric"),
    ("RequiredOutcome", "direction", "metric"),
    ("AppropriateExperience", "id", None),
    ("AppropriateExperience", "name", None),
    ("AppropriateExperience", "elements", None),
    ("AppropriateExperience", "id", "elements"),
    ("AppropriateExperience", "area", "elements"),
    ("AppropriateExperience", "expectation", "elements"),
    ("SuccessVehicle", "id", None),
    ("SuccessVehicle", "name", None),
    ("SuccessVehicle", "type", None),
    ("MilestoneMap", "id", None),
    ("MilestoneMap", "outcome", None),
    ("MilestoneMap", "milestones", None),
    ("MilestoneMap", "id", "milestones"),
    ("MilestoneMap", "name", "milestones"),
    ("MilestoneMap", "type", "milestones"),
    ("MilestoneMap", "owner", "milestones"),
    ("MilestoneMap", "due_days", "milestones"),
    ("EngagementModel", "id", None),
    ("EngagementModel", "components", None),
    *[
        ("EngagementModel", component, "components")
        for component in (
            "intent",
            "anticipated_needs",
            "product_adoption",
            "outcomes",
            "relationship",
            "communication",
            "education",
            "journey",
        )
    ],
    ("Segment", "id", None),
    ("Segment", "name", None),
    ("Segment", "experience", None),
    ("Segment", "milestone_map", None),
    ("Segment", "engagement", None),
    ("Account", "id", None),
    ("Account", "name", None),
    ("Account", "segment", None),
    ("Account", "start", None),
    ("Account", "desired_outcomes", None),
    ("Account", "since", "desired_outcomes"),
    ("Account", "outcome", "desired_outcomes"),
    ("Account", "baseline", "desired_outcomes"),
    ("Account", "target", "desired_outcomes"),
]


def _without(text: str, field: str, parent: str | None) -> tuple[str, int, int]:
    """``text`` without the line of ``field`` (below ``parent``, if given),
    and where the finding must point: the document, or the parent's value."""
    lines = text.splitlines(keepends=True)
    start = (
        0
        if parent is None
        else next(i for i, ln in enumerate(lines) if ln.startswith(f"{parent}:")) + 1
    )
    indent = "" if parent is None else "  "
    for i in range(start, len(lines)):
        line = lines[i]
        body = line[len(indent) :]
        if (
            body.startswith(f"- {field}:")
            or body.startswith(f"{field}:")
            or body.startswith(f"  {field}:")
        ):
            break
    else:
        raise AssertionError(f"no line for {field}")
    if lines[i].startswith(f"{indent}- ") and i + 1 < len(lines):
        # The first key of a list item: the next key opens the item instead.
        lines[i + 1] = f"{indent}- " + lines[i + 1][len(indent) + 2 :]
    # A removed mapping or list takes its indented lines with it.
    end = i + 1
    if parent is None:
        while end < len(lines) and lines[end].startswith(" "):
            end += 1
    del lines[i:end]
    if parent is None:
        return "".join(lines), 1, 1
    column = 5 if lines[start].lstrip().startswith("- ") else 3
    return "".join(lines), start + 1, column


@pytest.mark.parametrize(("kind", "field", "parent"), REQUIRED, ids=lambda v: str(v))
def test_missing_required_field(make_workspace, kind, field, parent):
    text, line, column = _without(MINIMAL[kind], field, parent)
    rel = "csplan.yaml" if kind == "Workspace" else "doc.yaml"
    root = make_workspace({rel: text})
    findings = read_only(root).findings
    assert [(f.code, f.file, f.line, f.column) for f in findings] == [("CSP101", rel, line, column)]
    [finding] = findings
    where = f"in this {kind}" if parent is None else f"in {parent}"
    assert finding.message == f"missing required field '{field}' {where}"
    assert finding.hint == f"add '{field}:'"


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("IdealCustomerProfile", "criteria"),
        ("AppropriateExperience", "elements"),
        ("MilestoneMap", "milestones"),
        ("Account", "desired_outcomes"),
    ],
)
def test_required_list_needs_one_entry(make_workspace, kind, field):
    lines = MINIMAL[kind].splitlines(keepends=True)
    i = next(n for n, ln in enumerate(lines) if ln.startswith(f"{field}:"))
    text = "".join(lines[:i]) + f"{field}: []\n"
    findings = read_only(make_workspace({"doc.yaml": text})).findings
    assert [(f.code, f.line, f.column, f.message) for f in findings] == [
        ("CSP101", i + 1, len(field) + 3, f"'{field}' needs at least one entry")
    ]


def test_minimal_documents_are_valid(make_workspace):
    files = {f"{kind}.yaml": text for kind, text in MINIMAL.items() if kind != "Workspace"}
    result = read_only(make_workspace({"csplan.yaml": MINIMAL["Workspace"], **files}))
    assert result.findings == []


@pytest.fixture
def minimal(make_workspace):
    files = {f"{kind}.yaml": text for kind, text in MINIMAL.items() if kind != "Workspace"}
    files["Account.yaml"] += "milestones:\n  - {id: list-imported, reached: 2026-03-09}\n"
    files["EngagementModel.yaml"] = files["EngagementModel.yaml"].replace(
        "intent: {}",
        "intent:\n    measures:\n      - {signal: weekly_active_ratio, good: 0.6, bad: 0.1}\n"
        "      - {question: knows-intent, text: We know why they started with us}\n"
        "      - {milestones: functional}",
    )
    result = read_only(make_workspace({"csplan.yaml": MINIMAL["Workspace"], **files}))
    assert result.findings == []
    return result.workspace


def test_workspace_defaults(minimal):
    settings = minimal.settings
    assert [(b.name, b.min) for b in settings.bands] == [
        ("healthy", 75),
        ("watch", 50),
        ("at-risk", 0),
    ]
    assert settings.play_window_days == 30
    assert settings.templates is None
    assert settings.exclude == []


def test_icp_defaults(minimal):
    icp = minimal.icps["mid-market-events"]
    assert icp.fit_threshold == 0.7
    assert [c.weight for c in icp.criteria] == [1]
    assert icp.criteria[0].operator == "equals"


def test_outcome_defaults(minimal):
    outcome = minimal.outcomes["grow-registrations"]
    assert (outcome.why, outcome.personas) == (None, {})


def test_element_defaults(minimal):
    [element] = minimal.experiences["enterprise-high-touch"].elements
    assert element.required is False


def test_vehicle_defaults(minimal):
    assert minimal.vehicles["onboarding-webinar"].url is None


def test_milestone_defaults(minimal):
    [milestone] = minimal.maps["events-enterprise"].milestones
    assert (milestone.after, milestone.criteria, milestone.vehicles, milestone.triggers) == (
        [],
        [],
        [],
        [],
    )
    assert milestone.repeat_days is None


def test_engagement_defaults(minimal):
    components = minimal.engagement_models["enterprise-dsce"].components
    assert [name for name, _ in components.items()] == [
        "intent",
        "anticipated_needs",
        "product_adoption",
        "outcomes",
        "relationship",
        "communication",
        "education",
        "journey",
    ]
    for name, component in components.items():
        assert (component.weight, component.desired) == (1, 1.0)
        assert len(component.measures) == (3 if name == "intent" else 0)
    signal, question, milestones = components.intent.measures
    assert (signal.weight, question.weight, milestones.weight) == (1, 1, 1)
    assert signal.max_age_days is None


def test_segment_defaults(minimal):
    segment = minimal.segments["enterprise"]
    assert (segment.icp, segment.personas) == (None, [])


def test_account_defaults(minimal):
    account = minimal.accounts["northwind-events"]
    assert (account.owner, account.arr) == (None, None)
    assert account.attributes == {}
    assert account.stakeholders == []
    assert account.experience == []
    assert account.signals == {}
    assert account.assessments == []
    assert account.notes == []
    assert (account.plan.message, account.plan.next_steps) == (None, [])
    [wanted] = account.desired_outcomes
    assert (wanted.by, wanted.reason) == (None, None)
    # A plain segment id stays a plain id; the engine puts it in force from start.
    assert account.segment == "enterprise"
    assert account.milestones[0].dates == [account.start.replace(day=9)]


def test_stakeholder_champion_defaults_to_false(make_workspace):
    text = MINIMAL["Account"] + "stakeholders:\n  - {name: Dana Kim}\n"
    result = read_only(make_workspace({"a.yaml": text}))
    [person] = result.workspace.accounts["northwind-events"].stakeholders
    assert (person.champion, person.persona, person.role) == (False, None, None)


@pytest.mark.parametrize(
    ("kind", "old", "new", "code", "message"),
    [
        (
            "EngagementModel",
            "intent: {}",
            "intent: {desired: 1.2}",
            "CSP106",
            "'desired' input should be less than or equal to 1, not 1.2",
        ),
        (
            "EngagementModel",
            "intent: {}",
            "intent: {desired: -0.1}",
            "CSP106",
            "'desired' input should be greater than or equal to 0, not -0.1",
        ),
        (
            "EngagementModel",
            "intent: {}",
            "intent: {weight: -1}",
            "CSP106",
            "'weight' input should be greater than or equal to 0, not -1",
        ),
        (
            "EngagementModel",
            "intent: {}",
            "intent: {measures: [{milestones: all, weight: -2}]}",
            "CSP106",
            "'weight' input should be greater than or equal to 0, not -2",
        ),
        (
            "IdealCustomerProfile",
            "equals: events",
            "equals: events\n    weight: -3",
            "CSP106",
            "'weight' input should be greater than or equal to 0, not -3",
        ),
        (
            "IdealCustomerProfile",
            "name: Mid-market event organisers",
            "name: Mid-market event organisers\nfit_threshold: 1.5",
            "CSP106",
            "'fit_threshold' input should be less than or equal to 1, not 1.5",
        ),
        (
            "MilestoneMap",
            "due_days: 14",
            "due_days: -14",
            "CSP106",
            "'due_days' input should be greater than or equal to 0, not -14",
        ),
        (
            "MilestoneMap",
            "type: functional",
            "type: outcome",
            "CSP105",
            "'type' must be one of 'functional' or 'customer', not the text 'outcome'",
        ),
        ("AppropriateExperience", "area: sales", "area: sale", "CSP105", "'area' must be one of"),
        (
            "Persona",
            "id: vp-marketing",
            "id: VP_Marketing",
            "CSP104",
            "'VP_Marketing' is not a valid id",
        ),
        (
            "RequiredOutcome",
            "signal: registrations_per_event",
            "signal: Registrations",
            "CSP104",
            "'Registrations' is not a valid signal name",
        ),
    ],
)
def test_out_of_range_and_invalid_values(make_workspace, kind, old, new, code, message):
    assert old in MINIMAL[kind]
    text = MINIMAL[kind].replace(old, new)
    [finding] = read_only(make_workspace({"doc.yaml": text})).findings
    assert finding.code == code
    assert finding.message.startswith(message)
