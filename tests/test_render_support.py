"""Shared builders for the render tests (no tests here): a small valid
workspace whose every internal field holds a unique sentinel string."""

from __future__ import annotations

from uuid import uuid4

AS_OF = "2026-11-01"


def token(prefix: str = "s") -> str:
    """A sentinel: a letter (ids must start with one) and 32 hex digits."""
    return prefix + uuid4().hex


def sentinel_workspace(
    name: str = "Northwind Events",
    message: str = "Thanks for a great half.",
    url: str = "https://acme.example/w",
) -> tuple[dict[str, str], dict[str, str]]:
    """Files for make_workspace, and the sentinels by field: every value in
    the second dict is internal and must never reach a customer plan."""
    s = {
        key: token()
        for key in (
            "note",
            "note2",
            "owner",
            "attr_value",
            "attr_key",
            "email",
            "play_expansion",
            "play_advocacy",
            "icp_name",
            "icp_id",
            "segment_name",
            "segment_id",
            "ax_name",
            "element_id",
            "model_id",
            "question_id",
            "question_text",
            "signal",
            "band",
            "persona_id",
            "map_id",
            "mismatch_expectation",
            "future_note",
        )
    }
    s["arr"] = "7351982"  # a number: checked as 7351982 and 7,351,982
    settings = f"""\
kind: Workspace
name: Leak test
vendor: Acme Mail
bands:
  - {{name: high, min: 90}}
  - {{name: {s["band"]}, min: 0}}
"""
    docs = f"""\
kind: Persona
id: {s["persona_id"]}
name: VP Marketing
success: Events show up as pipeline
---
kind: IdealCustomerProfile
id: {s["icp_id"]}
name: {s["icp_name"]}
criteria:
  - {{attribute: {s["attr_key"]}, in: [{s["attr_value"]}], weight: 2}}
  - {{attribute: employees, at_least: 100}}
---
kind: RequiredOutcome
id: grow-registrations
statement: More people register for your events
why: Full rooms justify the event budget
metric: {{signal: registrations_per_event, unit: registrations, direction: increase}}
personas:
  {s["persona_id"]}: Pipeline from events grows
---
kind: AppropriateExperience
id: high-touch
name: {s["ax_name"]}
elements:
  - id: {s["element_id"]}
    area: onboarding
    expectation: A kickoff and a 30-day plan
    required: true
  - {{id: named-csm, area: csm, expectation: A named CSM}}
---
kind: AppropriateExperience
id: other-ax
name: Other
elements:
  - {{id: community, area: ecosystem, expectation: {s["mismatch_expectation"]}}}
---
kind: SuccessVehicle
id: webinar
name: Weekly onboarding webinar
type: training
url: {url}
---
kind: MilestoneMap
id: {s["map_id"]}
outcome: grow-registrations
milestones:
  - id: list-imported
    name: Attendee list imported
    type: functional
    owner: customer
    due_days: 14
    vehicles: [webinar]
    triggers:
      - {{type: expansion, play: {s["play_expansion"]}}}
  - id: first-campaign
    name: First campaign sent
    type: functional
    owner: joint
    due_days: 30
    after: [list-imported]
  - id: registrations-up
    name: Registrations up 20%
    type: customer
    owner: joint
    due_days: 500
    after: [first-campaign]
    triggers:
      - {{type: advocacy, play: {s["play_advocacy"]}}}
---
kind: EngagementModel
id: {s["model_id"]}
components:
  intent: {{measures: [{{question: {s["question_id"]}, text: {s["question_text"]}}}]}}
  anticipated_needs: {{measures: [{{milestones: all}}]}}
  product_adoption: {{measures: [{{signal: {s["signal"]}, good: 0.6, bad: 0.1}}]}}
  outcomes: {{measures: [{{milestones: customer}}]}}
  relationship: {{measures: [{{signal: registrations_per_event, good: 500, bad: 300}}]}}
  communication: {{measures: [{{milestones: functional}}]}}
  education: {{measures: [{{milestones: all}}]}}
  journey: {{measures: [{{milestones: all}}]}}
---
kind: Segment
id: {s["segment_id"]}
name: {s["segment_name"]}
icp: {s["icp_id"]}
personas: [{s["persona_id"]}]
experience: high-touch
milestone_map: {s["map_id"]}
engagement: {s["model_id"]}
"""
    account = f"""\
kind: Account
id: northwind-events
name: {_yaml(name)}
segment: {s["segment_id"]}
owner: {s["owner"]}
start: 2026-03-01
arr: {s["arr"]}
attributes: {{{s["attr_key"]}: {s["attr_value"]}}}
stakeholders:
  - name: Dana Kim
    role: VP Marketing
    persona: {s["persona_id"]}
    champion: true
    email: {s["email"]}
desired_outcomes:
  - {{since: 2026-03-01, outcome: grow-registrations, baseline: 320, target: 500, by: 2026-12-31}}
  - since: 2026-07-15
    outcome: grow-registrations
    baseline: 320
    target: 800
    by: 2027-03-31
    reason: Added a second conference
experience:
  - {{element: community, since: 2026-04-01}}
milestones:
  - {{id: list-imported, reached: 2026-10-20}}
signals:
  registrations_per_event: {{as_of: 2026-10-20, value: 450}}
  {s["signal"]}: {{as_of: 2026-10-01, value: 0.41}}
assessments:
  - {{question: {s["question_id"]}, answer: partial, as_of: 2026-03-15}}
notes:
  - {{date: 2026-10-02, text: {s["note"]}}}
  - {{date: 2026-10-03, text: "{s["note2"]} & <b>more</b>"}}
  - {{date: 2026-12-02, text: {s["future_note"]}}}
plan:
  message: {_yaml(message)}
  next_steps:
    - {{action: Import the 2025 attendee list, owner: customer, due: 2026-12-01}}
"""
    files = {"csplan.yaml": settings, "model.yaml": docs, "accounts/northwind.yaml": account}
    return files, s


def _yaml(text: str) -> str:
    """``text`` as a double-quoted YAML scalar."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
