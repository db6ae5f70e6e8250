"""A small valid workspace for engine tests, with the parts tests vary.

``files(...)`` returns {path: text} for the ``make_workspace`` fixture;
``load(root)`` loads it and fails the test if the workspace has errors, so
every case here is also a valid workspace by SPEC section 3.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from csplan.api import load_workspace
from csplan.model import COMPONENTS, Workspace

SETTINGS = """\
kind: Workspace
name: Engine tests
vendor: Acme
play_window_days: 30
"""

CATALOG = """\
kind: RequiredOutcome
id: grow
statement: More people register for your events
metric: {signal: regs, unit: registrations, direction: increase}
---
kind: RequiredOutcome
id: fewer-bounces
statement: Every address you mail reaches a real inbox
metric: {signal: bounce_pct, unit: "%", direction: decrease}
---
kind: AppropriateExperience
id: ax
name: High touch
elements:
  - {id: named-csm, area: csm, expectation: A named CSM, required: true}
  - {id: phone-24x7, area: support, expectation: 24/7 phone support, required: true}
  - {id: sso, area: product, expectation: Single sign-on}
---
kind: AppropriateExperience
id: ax-self
name: Self serve
elements:
  - {id: api-key, area: product, expectation: A self-serve API key, required: true}
  - {id: chat, area: support, expectation: Community chat}
---
kind: IdealCustomerProfile
id: icp
name: Event teams
fit_threshold: 0.7
criteria:
  - {attribute: industry, in: [events, associations], weight: 3}
  - {attribute: employees, between: [50, 2000], weight: 2}
  - {attribute: has_list, equals: true, weight: 1}
"""

MAP = """\
kind: MilestoneMap
id: route
outcome: grow
milestones:
  - id: list-imported
    name: List imported
    type: functional
    owner: customer
    due_days: 10
    triggers:
      - {type: conversion, play: Offer the annual plan}
  - id: first-send
    name: First invitation sent
    type: functional
    owner: customer
    due_days: 20
    after: [list-imported]
  - id: regs-up
    name: Registrations up 20%
    type: customer
    owner: joint
    due_days: 60
    after: [first-send]
    triggers:
      - {type: expansion, play: Offer the events add-on}
      - {type: advocacy, play: Ask for a case study}
"""

SELF_MAP = """\
kind: MilestoneMap
id: self-route
outcome: grow
milestones:
  - {id: key-created, name: API key created, type: functional, owner: customer, due_days: 3}
  - {id: regs-up, name: Registrations up 20%, type: customer, owner: customer, due_days: 90}
"""

SEGMENTS = """\
kind: Segment
id: teams
name: Event teams
icp: icp
experience: ax
milestone_map: route
engagement: model
---
kind: Segment
id: devs
name: Developers
experience: ax-self
milestone_map: self-route
engagement: model
"""

ACCOUNT = """\
kind: Account
id: acme
name: Acme Events
segment: teams
start: 2026-01-01
stakeholders:
  - {name: Dana Kim, champion: true}
desired_outcomes:
  - {since: 2026-01-01, outcome: grow, baseline: 100, target: 200}
"""

ZERO = "{weight: 0, desired: 0}"


def engagement(**components: str) -> str:
    """An EngagementModel: each given component as flow YAML; the others
    weigh 0 and desire 0, so they never move a figure."""
    lines = ["kind: EngagementModel", "id: model", "components:"]
    lines += [f"  {name}: {components.get(name, ZERO)}" for name in COMPONENTS]
    return "\n".join(lines) + "\n"


def files(
    account: str = "",
    *,
    model: str | None = None,
    milestone_map: str = MAP,
    settings: str = SETTINGS,
    header: str = ACCOUNT,
) -> dict[str, str]:
    """The workspace's files; ``account`` is YAML appended to the account."""
    return {
        "csplan.yaml": settings,
        "catalog.yaml": CATALOG,
        "maps.yaml": milestone_map + "---\n" + SELF_MAP,
        "segments.yaml": SEGMENTS,
        "engagement.yaml": model if model is not None else engagement(),
        "accounts/acme.yaml": header + textwrap.dedent(account),
    }


def load(root: Path) -> Workspace:
    """Load a workspace that must have no errors."""
    result = load_workspace(root)
    errors = [
        f"{f.file}:{f.line}: {f.code} {f.message}" for f in result.findings if f.severity == "error"
    ]
    assert not errors, errors
    return result.workspace
