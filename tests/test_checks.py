"""Every rule code of ``csplan validate``: one failing and one passing workspace each.

Each case starts from ``tests/cases/base`` (a small workspace using every kind,
with no findings) and breaks one thing. The failing text holds a ``»`` where
the finding must point; the helper strips it and expects exactly that
file, line and column, and no other finding (so a broken document never
cascades into findings elsewhere). The passing variant is a near miss that
must give no finding at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import EXAMPLE_WORKSPACES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csplan.api import load_workspace
from csplan.checks.registry import codes as checked_codes
from csplan.findings import RULES

MARK = "»"
BASE_DIR = Path(__file__).parent / "cases" / "base"
BASE: dict[str, str] = {
    p.relative_to(BASE_DIR).as_posix(): p.read_text(encoding="utf-8")
    for p in sorted(BASE_DIR.rglob("*.yaml"))
}
ACCOUNT = "accounts/northwind.yaml"
README = Path(__file__).resolve().parent.parent / "README.md"

Files = dict[str, "str | bytes"]


def edit(rel: str, *changes: tuple[str, str]) -> Files:
    """The base file ``rel`` with each (old, new) replaced; old must occur once."""
    text = BASE[rel]
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} is not unique in {rel}"
        text = text.replace(old, new)
    return {rel: text}


@dataclass
class Case:
    id: str
    code: str
    failing: Files
    message: str
    hint: str | None
    passing: Files = field(default_factory=dict)
    # Messages of rules owned by the loader are matched by content, the
    # cross-document ones exactly.
    exact: bool = True


def _locate(files: Files) -> tuple[Files, str, int, int]:
    """Strip the marker; return the clean files and where the marker was."""
    clean: Files = {}
    where: list[tuple[str, int, int]] = []
    for rel, content in files.items():
        mark = MARK if isinstance(content, str) else MARK.encode()
        at = content.find(mark)  # type: ignore[arg-type]
        if at >= 0:
            before = content[:at]
            text = before.decode("utf-8", "replace") if isinstance(before, bytes) else before
            line = text.count("\n") + 1
            where.append((rel, line, len(text) - (text.rfind("\n") + 1) + 1))
            content = content.replace(mark, type(mark)())  # type: ignore[arg-type]
        clean[rel] = content
    assert len(where) == 1, "exactly one file must hold the marker"
    return clean, *where[0]


# A second required outcome, for a change of destination the map does not lead to.
NEW_OUTCOME: Files = {
    "no-shows.yaml": "kind: RequiredOutcome\nid: fewer-no-shows\nstatement: Fewer people miss "
    "your events\nmetric: {signal: registrations_per_event, unit: no-shows, direction: decrease}\n"
}


# One override of SPEC section 9 (OVERRIDE opens the list, OVERRIDE_ITEM adds one).
OVERRIDE_ITEM = (
    "  - component: {component}\n    actual: 0.2\n    by: jane.doe@acme.example\n"
    "    reason: Champion left for a competitor\n    since: {since}\n    expires: {expires}\n"
)
OVERRIDE = "overrides:\n" + OVERRIDE_ITEM.replace("{component}", "relationship")


def _load(make_workspace, files: Files):
    root = make_workspace({**BASE, **files})
    return load_workspace(root).findings


CASES = [
    # --- files and YAML ------------------------------------------------------
    Case(
        "CSP001",
        "CSP001",
        {"extra.yaml": "kind: Persona\nid: host\nname: »[Event host\n"},
        "YAML syntax error",
        "check that every [ and { is closed",
        exact=False,
        passing={"extra.yaml": "kind: Persona\nid: host\nname: '[Event host]'\n"},
    ),
    Case(
        "CSP002",
        "CSP002",
        edit(
            "personas.yaml",
            ("name: VP Marketing\n", "name: VP Marketing\n»name: VP of Marketing\n"),
        ),
        "duplicate key 'name'",
        "keep one of the two",
        exact=False,
    ),
    Case(
        "CSP003",
        "CSP003",
        {"extra.yaml": b"kind: Persona\nid: cafe\n\xc2\xbbname: Caf\xe9 owner\n"},
        "not UTF-8 text: byte 0xe9",
        "save the file as UTF-8",
        exact=False,
        passing={"extra.yaml": "\ufeffkind: Persona\nid: cafe\nname: Café owner\n".encode()},
    ),
    Case(
        "CSP004",
        "CSP004",
        {
            "extra.yaml": "kind: Persona\nid: host\nname: »!!python/object/apply:os.system "
            "['true']\n"
        },
        "tag not allowed: !!python/object/apply:os.system",
        "remove the tag",
        exact=False,
        passing={"extra.yaml": "kind: Persona\nid: host\nname: !!str Event host\n"},
    ),
    Case(
        "CSP005",
        "CSP005",
        {
            "extra.yaml": "kind: Persona\nid: host\nname: X\n"
            "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            "b: &b [»*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "".join(
                f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
                for p, n in zip("bcdefg", "cdefgh", strict=True)
            )
        },
        "aliases expand too far",
        "write the values out",
        exact=False,
        passing={"extra.yaml": "kind: Persona\nid: host\nname: &n Event host\nsuccess: *n\n"},
    ),
    Case(
        "CSP006",
        "CSP006",
        {"drafts.yaml": "»# nothing here yet\n"},
        "file holds no YAML documents",
        "add documents or delete the file",
        exact=False,
    ),
    Case(
        "CSP007",
        "CSP007",
        {"extra.yaml": "kind: »Acount\nid: host\nname: X\n"},
        "unknown kind 'Acount'",
        "did you mean 'Account'?",
        exact=False,
    ),
    Case(
        "CSP008",
        "CSP008",
        {"extra.yaml": "kind: »Workspace\nname: Second\nvendor: Acme\n"},
        "a second Workspace document",
        "the workspace settings live once",
        exact=False,
    ),
    # --- one document's shape -----------------------------------------------
    Case(
        "CSP101",
        "CSP101",
        {ACCOUNT: MARK + BASE[ACCOUNT].replace("start: 2026-03-01\n", "")},
        "missing required field 'start' in this Account",
        "add 'start:'",
        exact=False,
    ),
    Case(
        "CSP102",
        "CSP102",
        edit(ACCOUNT, ("stakeholders:", "»stakeholder:")),
        "unknown field 'stakeholder'",
        "did you mean 'stakeholders'?",
        exact=False,
    ),
    Case(
        "CSP103",
        "CSP103",
        {"extra.yaml": "kind: Persona\nid: »2024\nname: X\n"},
        "'id' must be text, not the number 2024",
        'quote it: id: "2024"',
        exact=False,
        passing={"extra.yaml": "kind: Persona\nid: '2024'\nname: X\n"},
    ),
    Case(
        "CSP104",
        "CSP104",
        {"extra.yaml": "kind: Persona\nid: »Event_Host\nname: X\n"},
        "'Event_Host' is not a valid id",
        "ids use lowercase letters, digits and hyphens",
        exact=False,
        passing={"extra.yaml": "kind: Persona\nid: event-host\nname: X\n"},
    ),
    Case(
        "CSP105",
        "CSP105",
        edit("map.yaml", ("type: customer", "type: »outcome")),
        "'type' must be one of 'functional' or 'customer'",
        None,
        exact=False,
    ),
    Case(
        "CSP106",
        "CSP106",
        edit("engagement.yaml", ("  journey:\n", "  journey:\n    desired: »1.2\n")),
        "'desired' input should be less than or equal to 1",
        None,
        exact=False,
        passing=edit("engagement.yaml", ("  journey:\n", "  journey:\n    desired: 1\n")),
    ),
    # Renewals and overrides (SPEC 9): their ranges are the model's, so CSP106.
    Case(
        "CSP106-renewal-arr-before",
        "CSP106",
        {
            ACCOUNT: BASE[ACCOUNT]
            + "renewals:\n  - {date: 2026-03-01, arr_before: »0, arr_after: 48000}\n"
        },
        "'arr_before' input should be greater than 0, not 0",
        None,
        exact=False,
        passing={
            ACCOUNT: BASE[ACCOUNT]
            + "renewals:\n  - {date: 2026-03-01, arr_before: 0.5, arr_after: 48000}\n"
        },
    ),
    Case(
        "CSP106-renewal-arr-after",
        "CSP106",
        {
            ACCOUNT: BASE[ACCOUNT]
            + "renewals:\n  - {date: 2026-03-01, arr_before: 48000, arr_after: »-1}\n"
        },
        "'arr_after' input should be greater than or equal to 0, not -1",
        None,
        exact=False,
        # arr_after 0 is a churned renewal, not an error.
        passing={
            ACCOUNT: BASE[ACCOUNT]
            + "renewals:\n  - {date: 2026-03-01, arr_before: 48000, arr_after: 0}\n"
        },
    ),
    Case(
        "CSP106-override-actual",
        "CSP106",
        {
            ACCOUNT: BASE[ACCOUNT]
            + OVERRIDE.format(since="2026-10-02", expires="2026-12-31").replace(
                "actual: 0.2", "actual: »1.2"
            )
        },
        "'actual' input should be less than or equal to 1, not 1.2",
        None,
        exact=False,
        passing={
            ACCOUNT: BASE[ACCOUNT]
            + OVERRIDE.format(since="2026-10-02", expires="2026-12-31").replace(
                "actual: 0.2", "actual: 1"
            )
        },
    ),
    Case(
        "CSP107",
        "CSP107",
        edit(ACCOUNT, ("start: 2026-03-01", "start: »2026-02-30")),
        "'start': '2026-02-30' is not a real calendar date",
        "write dates as YYYY-MM-DD",
        exact=False,
    ),
    Case(
        "CSP108",
        "CSP108",
        edit(
            "icp.yaml", ("{attribute: employees, between: [50, 2000]}", "»{attribute: employees}")
        ),
        "a criterion needs exactly one of in, equals, between, at_least, at_most",
        None,
        exact=False,
    ),
    # --- references ---------------------------------------------------------
    Case(
        "CSP201-account-milestone",
        "CSP201",
        edit(ACCOUNT, ("{id: first-campaign", "{id: »first-campain")),
        "account 'northwind-events' lists milestone 'first-campain', which is not in map "
        "'events-enterprise'",
        "did you mean 'first-campaign'?",
    ),
    Case(
        "CSP201-account-segment",
        "CSP201",
        edit(ACCOUNT, ("segment: enterprise", "segment: »enterprize")),
        "account 'northwind-events' is in segment 'enterprize', which does not exist",
        "did you mean 'enterprise'?",
    ),
    Case(
        "CSP201-account-segment-history",
        "CSP201",
        edit(ACCOUNT, ("segment: enterprise", "segment:\n  - {since: 2026-03-01, segment: »smb}")),
        "account 'northwind-events' is in segment 'smb', which does not exist",
        "known segments: enterprise",
        passing=edit(
            ACCOUNT,
            ("segment: enterprise", "segment:\n  - {since: 2026-03-01, segment: enterprise}"),
        ),
    ),
    Case(
        "CSP201-stakeholder-persona",
        "CSP201",
        edit(ACCOUNT, ("persona: vp-marketing", "persona: »vp-marketting")),
        "stakeholder 'Dana Kim' of account 'northwind-events' has persona 'vp-marketting', which "
        "does not exist",
        "did you mean 'vp-marketing'?",
    ),
    Case(
        "CSP201-desired-outcome",
        "CSP201",
        edit(ACCOUNT, ("outcome: grow-registrations", "outcome: »grow-registration")),
        "account 'northwind-events' has a desired outcome for required outcome "
        "'grow-registration', "
        "which does not exist",
        "did you mean 'grow-registrations'?",
    ),
    Case(
        "CSP201-experience-id",
        "CSP201",
        edit(ACCOUNT, ("  - named-ae", "  - »named-a")),
        "account 'northwind-events' has experience element 'named-a' in place, "
        "which no appropriate experience defines",
        "did you mean 'named-ae'?",
    ),
    Case(
        "CSP201-experience-entry",
        "CSP201",
        edit(ACCOUNT, ("{element: formal-training", "{element: »24x7-phone")),
        "account 'northwind-events' has experience element '24x7-phone' in place, "
        "which no appropriate experience defines",
        "known experience elements: formal-training, named-ae",
    ),
    Case(
        "CSP201-question",
        "CSP201",
        edit(
            ACCOUNT,
            ("{question: knows-intent, answer: yes", "{question: »knows-intnet, answer: yes"),
        ),
        "account 'northwind-events' answers question 'knows-intnet', which no engagement model "
        "asks",
        "did you mean 'knows-intent'?",
    ),
    Case(
        "CSP201-segment-icp",
        "CSP201",
        edit("segments.yaml", ("icp: mid-market-events", "icp: »mid-market")),
        "segment 'enterprise' names ICP 'mid-market', which does not exist",
        "did you mean 'mid-market-events'?",
    ),
    Case(
        "CSP201-segment-persona",
        "CSP201",
        edit("segments.yaml", ("marketing-ops]", "»marketing-operations]")),
        "segment 'enterprise' lists persona 'marketing-operations', which does not exist",
        "did you mean 'marketing-ops'?",
    ),
    Case(
        "CSP201-segment-experience",
        "CSP201",
        edit("segments.yaml", ("experience: enterprise-high-touch", "experience: »self-serve")),
        "segment 'enterprise' names appropriate experience 'self-serve', which does not exist",
        "known appropriate experiences: enterprise-high-touch",
    ),
    Case(
        "CSP201-segment-map",
        "CSP201",
        edit(
            "segments.yaml",
            ("milestone_map: events-enterprise", "milestone_map: »events-enterprize"),
        ),
        "segment 'enterprise' names milestone map 'events-enterprize', which does not exist",
        "did you mean 'events-enterprise'?",
    ),
    Case(
        "CSP201-segment-engagement",
        "CSP201",
        edit("segments.yaml", ("engagement: enterprise-dsce", "engagement: »enterprise-dcse")),
        "segment 'enterprise' names engagement model 'enterprise-dcse', which does not exist",
        "did you mean 'enterprise-dsce'?",
    ),
    Case(
        "CSP201-map-outcome",
        "CSP201",
        edit("map.yaml", ("outcome: grow-registrations", "outcome: »more-events")),
        "milestone map 'events-enterprise' leads to required outcome 'more-events', which does "
        "not exist",
        "known required outcomes: grow-registrations",
    ),
    Case(
        "CSP201-map-after",
        "CSP201",
        edit("map.yaml", ("after: [list-imported]", "after: [»list-import]")),
        "milestone 'first-campaign' comes after 'list-import', which is not in map "
        "'events-enterprise'",
        "did you mean 'list-imported'?",
    ),
    Case(
        "CSP201-map-vehicle",
        "CSP201",
        edit("map.yaml", ("vehicles: [onboarding-webinar]", "vehicles: [»onboarding-webinars]")),
        "milestone 'list-imported' uses success vehicle 'onboarding-webinars', which does not "
        "exist",
        "did you mean 'onboarding-webinar'?",
    ),
    Case(
        "CSP201-outcome-persona",
        "CSP201",
        edit("outcomes.yaml", ("  vp-marketing:", "  »vp-marketting:")),
        "required outcome 'grow-registrations' says how it matters to persona 'vp-marketting', "
        "which does not exist",
        "did you mean 'vp-marketing'?",
    ),
    # --- duplicates and cycles ------------------------------------------------
    Case(
        "CSP202-document",
        "CSP202",
        {"team/vp.yaml": "kind: Persona\nid: »vp-marketing\nname: Head of marketing\n"},
        "duplicate Persona id 'vp-marketing'",
        "the first is in personas.yaml; rename one of them",
        exact=False,
    ),
    Case(
        "CSP202-milestone",
        "CSP202",
        {
            "map.yaml": BASE["map.yaml"]
            + "  - id: »list-imported\n    name: Second attendee list imported\n"
            "    type: functional\n    owner: customer\n    due_days: 60\n"
        },
        "map 'events-enterprise' has two milestones with id 'list-imported'",
        "the first is milestone 1 of the route; milestone ids are unique within their map, rename "
        "one",
    ),
    Case(
        "CSP202-element",
        "CSP202",
        {
            "experiences.yaml": BASE["experiences.yaml"]
            + "  - {id: »named-ae, area: csm, expectation: A named customer success manager}\n"
        },
        "appropriate experience 'enterprise-high-touch' has two elements with id 'named-ae'",
        "the first is element 1; element ids are unique within their experience, rename one",
    ),
    Case(
        "CSP202-reached-twice",
        "CSP202",
        edit(
            ACCOUNT,
            (
                "  - {id: first-campaign, reached: [2026-04-01, 2026-05-01]}",
                "  - {id: first-campaign, reached: 2026-04-01}\n  - {id: »first-campaign, "
                "reached: 2026-05-01}",
            ),
        ),
        "account 'northwind-events' lists milestone 'first-campaign' twice",
        "list it once with all its dates: {id: first-campaign, reached: [DATE, DATE]}",
    ),
    Case(
        "CSP203",
        "CSP203",
        edit(
            "map.yaml",
            ("due_days: 14\n", "due_days: 14\n    after: [registrations-up-20]\n"),
            ("after: [list-imported]", "after: [»list-imported]"),
        ),
        "milestones of map 'events-enterprise' wait for each other in a circle: "
        "list-imported -> registrations-up-20 -> first-campaign -> list-imported",
        "'a -> b' reads 'a comes after b'; remove one of these 'after' entries so that the route "
        "has a start",
        passing=edit("map.yaml", ("due_days: 14\n", "due_days: 14\n    after: []\n")),
    ),
    # --- semantics ------------------------------------------------------------
    Case(
        "CSP204",
        "CSP204",
        edit("engagement.yaml", ("good: 0.6, bad: 0.1", "good: 0.5, bad: »0.5")),
        "engagement model 'enterprise-dsce': the 'weekly_active_ratio' measure of product_adoption "
        "has good and bad both 0.5, so it cannot score",
        "set 'good' to the value you want to see and 'bad' to the one that worries you",
        passing=edit("engagement.yaml", ("good: 0.6, bad: 0.1", "good: 0.1, bad: 0.6")),
    ),
    Case(
        "CSP205",
        "CSP205",
        edit(ACCOUNT, ("baseline: 320, target: 500", "baseline: 320, target: »320")),
        "account 'northwind-events': the desired outcome since 2026-03-01 has baseline and target "
        "both 320, "
        "so progress cannot be measured",
        "the target is point B, where the customer wants to get to: set it apart from the baseline",
        passing=edit(ACCOUNT, ("baseline: 320, target: 500", "baseline: 320, target: 200")),
    ),
    Case(
        "CSP206-observations",
        "CSP206",
        edit(ACCOUNT, ("{as_of: 2026-11-01, value: 0.55}", "{as_of: »2026-09-01, value: 0.55}")),
        "account 'northwind-events': observation of 'weekly_active_ratio' on 2026-09-01 "
        "is listed after 2026-10-01",
        "dated lists go oldest first: move this entry up",
    ),
    Case(
        "CSP206-same-date",
        "CSP206",
        edit(ACCOUNT, ("{as_of: 2026-11-01, value: 0.55}", "{as_of: »2026-10-01, value: 0.55}")),
        "account 'northwind-events': observation of 'weekly_active_ratio' on 2026-10-01 appears "
        "twice",
        "keep one entry per date: merge the two or fix one date",
    ),
    Case(
        "CSP206-desired-outcomes",
        "CSP206",
        edit(
            ACCOUNT,
            (
                "target: 500}\n",
                "target: 500}\n  - {since: »2026-02-01, outcome: grow-registrations, "
                "baseline: 320, target: 800}\n",
            ),
        ),
        "account 'northwind-events': desired outcome since 2026-02-01 is listed after 2026-03-01",
        "dated lists go oldest first: move this entry up",
        passing=edit(
            ACCOUNT,
            (
                "target: 500}\n",
                "target: 500}\n  - {since: 2026-07-15, outcome: "
                "grow-registrations, baseline: 320, target: 800}\n",
            ),
        ),
    ),
    Case(
        "CSP206-segments",
        "CSP206",
        edit(
            ACCOUNT,
            (
                "segment: enterprise",
                "segment:\n  - {since: 2026-03-01, segment: enterprise}\n"
                "  - {since: »2026-03-01, segment: enterprise}",
            ),
        ),
        "account 'northwind-events': segment since 2026-03-01 appears twice",
        "keep one entry per date: merge the two or fix one date",
        passing=edit(
            ACCOUNT,
            (
                "segment: enterprise",
                "segment:\n  - {since: 2026-03-01, segment: enterprise}\n"
                "  - {since: 2026-06-01, segment: enterprise}",
            ),
        ),
    ),
    Case(
        "CSP206-reached",
        "CSP206",
        edit(ACCOUNT, ("[2026-04-01, 2026-05-01]", "[2026-05-01, »2026-04-01]")),
        "account 'northwind-events': milestone 'first-campaign' reached 2026-04-01 is listed "
        "after 2026-05-01",
        "dated lists go oldest first: move this entry up",
    ),
    Case(
        "CSP206-renewals",
        "CSP206",
        {
            ACCOUNT: BASE[ACCOUNT] + "renewals:\n"
            "  - {date: 2026-03-01, arr_before: 40000, arr_after: 48000}\n"
            "  - {date: »2025-03-01, arr_before: 36000, arr_after: 40000}\n"
        },
        "account 'northwind-events': renewal on 2025-03-01 is listed after 2026-03-01",
        "dated lists go oldest first: move this entry up",
        passing={
            ACCOUNT: BASE[ACCOUNT] + "renewal: 2027-03-01\nrenewals:\n"
            "  - {date: 2025-03-01, arr_before: 36000, arr_after: 40000}\n"
            "  - {date: 2026-03-01, arr_before: 40000, arr_after: 0}\n"
        },
    ),
    Case(
        "CSP206-renewals-same-date",
        "CSP206",
        {
            ACCOUNT: BASE[ACCOUNT] + "renewals:\n"
            "  - {date: 2026-03-01, arr_before: 40000, arr_after: 48000}\n"
            "  - {date: »2026-03-01, arr_before: 48000, arr_after: 48000}\n"
        },
        "account 'northwind-events': renewal on 2026-03-01 appears twice",
        "keep one entry per date: merge the two or fix one date",
    ),
    Case(
        "CSP206-reschedule",
        "CSP206",
        edit(
            ACCOUNT,
            (
                "  - {id: list-imported, reached: 2026-03-09}\n",
                "  - {id: list-imported, reached: 2026-03-09}\n"
                "  - id: registrations-up-20\n    reschedule:\n"
                "      - {on: 2026-10-01, due: 2027-01-15}\n"
                "      - {on: »2026-09-15, due: 2026-12-01}\n",
            ),
        ),
        "account 'northwind-events': milestone 'registrations-up-20' rescheduled on 2026-09-15 "
        "is listed after 2026-10-01",
        "dated lists go oldest first: move this entry up",
        passing=edit(
            ACCOUNT,
            (
                "  - {id: list-imported, reached: 2026-03-09}\n",
                "  - {id: list-imported, reached: 2026-03-09}\n"
                "  - id: registrations-up-20\n    reached: []\n    reschedule:\n"
                "      - {on: 2026-09-15, due: 2026-12-01, reason: Waiting for the CRM migration}\n"
                "      - {on: 2026-10-01, due: 2027-01-15}\n",
            ),
        ),
    ),
    Case(
        "CSP207",
        "CSP207",
        edit(ACCOUNT, ("answer: no, as_of: 2026-03-01", "answer: no, as_of: »2026-03-15")),
        "account 'northwind-events' answers question 'knows-intent' twice on 2026-03-15",
        "keep one answer per question and date; with two, which one counts would be a guess",
    ),
    Case(
        "CSP208",
        "CSP208",
        edit("csplan.yaml", ("bands:", "»bands:"), ("at-risk, min: 0", "at-risk, min: 25")),
        "no health band starts at 0: an attainment below 25 would have no band",
        "give the lowest band 'min: 0', e.g. {name: at-risk, min: 0}",
        passing=edit(
            "csplan.yaml",
            ("  - {name: healthy, min: 75}\n", ""),
            ("at-risk, min: 0", "at-risk, min: 0.0"),
        ),
    ),
    Case(
        "CSP208-empty",
        "CSP208",
        edit(
            "csplan.yaml",
            ("bands:", "»bands: []"),
            (
                "  - {name: healthy, min: 75}\n  - {name: watch, min: 50}\n  - {name: at-risk, "
                "min: 0}\n",
                "",
            ),
        ),
        "no health bands: every attainment needs a band",
        "give the lowest band 'min: 0', e.g. {name: at-risk, min: 0}",
    ),
    Case(
        "CSP209-name",
        "CSP209",
        edit("csplan.yaml", ("{name: watch, min: 50}", "{name: »healthy, min: 50}")),
        "two health bands are named 'healthy'",
        "give each band its own name",
    ),
    Case(
        "CSP209-min",
        "CSP209",
        edit("csplan.yaml", ("{name: watch, min: 50}", "{name: watch, min: »75}")),
        "two health bands start at 75",
        "give each band its own 'min', or merge the two",
    ),
    Case(
        "CSP210",
        "CSP210",
        edit(
            ACCOUNT, ("baseline: 320, target: 500}", "baseline: 320, target: 500, by: »2026-02-01}")
        ),
        "account 'northwind-events': the desired outcome since 2026-03-01 is due by 2026-02-01, "
        "before it starts",
        "'by' is the date the customer wants to be at point B: set it after 'since'",
        passing=edit(
            ACCOUNT, ("baseline: 320, target: 500}", "baseline: 320, target: 500, by: 2026-03-02}")
        ),
    ),
    Case(
        "CSP210-same-day",
        "CSP210",
        edit(
            ACCOUNT, ("baseline: 320, target: 500}", "baseline: 320, target: 500, by: »2026-03-01}")
        ),
        "account 'northwind-events': the desired outcome since 2026-03-01 is due by 2026-03-01, "
        "the day it starts",
        "'by' is the date the customer wants to be at point B: set it after 'since'",
    ),
    Case(
        "CSP211",
        "CSP211",
        {ACCOUNT: BASE[ACCOUNT] + OVERRIDE.format(since="2026-10-02", expires="»2026-09-30")},
        "account 'northwind-events': the override of relationship since 2026-10-02 expires "
        "2026-09-30, before it starts",
        "'expires' is the last day the judgement holds: set it after 'since'",
        passing={
            ACCOUNT: BASE[ACCOUNT] + OVERRIDE.format(since="2026-10-02", expires="2026-10-03")
        },
    ),
    Case(
        "CSP211-same-day",
        "CSP211",
        {ACCOUNT: BASE[ACCOUNT] + OVERRIDE.format(since="2026-10-02", expires="»2026-10-02")},
        "account 'northwind-events': the override of relationship since 2026-10-02 expires "
        "2026-10-02, the day it starts",
        "'expires' is the last day the judgement holds: set it after 'since'",
    ),
    Case(
        "CSP212",
        "CSP212",
        {
            ACCOUNT: BASE[ACCOUNT]
            + OVERRIDE.format(since="2026-10-01", expires="2026-12-31")
            + OVERRIDE_ITEM.format(since="2026-10-01", expires="2026-12-31", component="intent")
            + OVERRIDE_ITEM.format(
                since="»2026-11-15", expires="2027-01-31", component="relationship"
            )
        },
        "account 'northwind-events' has two overrides of relationship in force from 2026-11-15 to "
        "2026-12-31: 2026-10-01 to 2026-12-31 and 2026-11-15 to 2027-01-31",
        "the other one is on line 26: let it expire the day before this one starts, or merge "
        "the two",
        # Back to back (one ends the day before the other starts), and another component.
        passing={
            ACCOUNT: BASE[ACCOUNT]
            + OVERRIDE.format(since="2027-01-01", expires="2027-03-31")
            + OVERRIDE_ITEM.format(
                since="2026-10-01", expires="2026-12-31", component="relationship"
            )
            + OVERRIDE_ITEM.format(since="2026-10-01", expires="2026-12-31", component="intent")
        },
    ),
    Case(
        "CSP213",
        "CSP213",
        edit(
            ACCOUNT,
            (
                "  - {id: list-imported, reached: 2026-03-09}\n",
                "  - {id: list-imported, reached: 2026-03-09}\n"
                "  - id: registrations-up-20\n    reschedule:\n"
                "      - {on: 2026-09-15, due: »2026-09-01, reason: Waiting for the CRM}\n",
            ),
        ),
        "account 'northwind-events': milestone 'registrations-up-20' rescheduled on 2026-09-15 is "
        "due 2026-09-01, before it was agreed",
        "'due' is the new date agreed with the customer: set it after 'on'",
        passing=edit(
            ACCOUNT,
            (
                "  - {id: list-imported, reached: 2026-03-09}\n",
                "  - {id: list-imported, reached: 2026-03-09}\n"
                "  - id: registrations-up-20\n    reschedule:\n"
                "      - {on: 2026-09-15, due: 2026-09-16}\n",
            ),
        ),
    ),
    # --- warnings ---------------------------------------------------------------
    Case(
        "CSP301",
        "CSP301",
        edit("map.yaml", ("milestones:", "»milestones:"), ("type: customer", "type: functional")),
        "milestone map 'events-enterprise' has no customer milestone: it measures product use, "
        "never the customer's outcome",
        "add a milestone of type: customer, a result the customer cares about (e.g. "
        "'registrations up 20%')",
    ),
    Case(
        "CSP302",
        "CSP302",
        edit(
            "engagement.yaml",
            ("  journey:\n    measures:\n      - {milestones: all}\n", "  »journey: {}\n"),
        ),
        "engagement model 'enterprise-dsce': component 'journey' has no measures, "
        "so it always scores 0 and shows as a gap",
        "add a measure (a signal, a question or milestones), or set its weight to 0",
        passing=edit(
            "engagement.yaml",
            ("  journey:\n    measures:\n      - {milestones: all}\n", "  journey: {weight: 0}\n"),
        ),
    ),
    Case(
        "CSP303",
        "CSP303",
        edit(
            "outcomes.yaml", ("signal: registrations_per_event", "signal: »registrations_per_evnt")
        ),
        "no account reports signal 'registrations_per_evnt', used by the metric of required "
        "outcome "
        "'grow-registrations'",
        "did you mean 'registrations_per_event'?",
    ),
    Case(
        "CSP303-criterion",
        "CSP303",
        edit("map.yaml", ("signal: contacts_imported", "signal: »contacts_synced")),
        "no account reports signal 'contacts_synced', used by milestone 'list-imported' of map "
        "'events-enterprise'",
        "did you mean 'contacts_imported'?",
    ),
    Case(
        "CSP303-measure",
        "CSP303",
        edit("engagement.yaml", ("{signal: weekly_active_ratio", "{signal: »nps")),
        "no account reports signal 'nps', used by a measure of product_adoption in engagement "
        "model "
        "'enterprise-dsce'",
        "known signals: contacts_imported, registrations_per_event, weekly_active_ratio",
    ),
    Case(
        "CSP304",
        "CSP304",
        edit(
            ACCOUNT,
            (
                "{id: list-imported, reached: 2026-03-09}",
                "{id: list-imported, reached: »2026-02-20}",
            ),
        ),
        "account 'northwind-events' reached milestone 'list-imported' on 2026-02-20, before its "
        "start on 2026-03-01",
        "check the date, or move 'start' back to when the journey began",
        passing=edit(
            ACCOUNT,
            (
                "{id: list-imported, reached: 2026-03-09}",
                "{id: list-imported, reached: 2026-03-01}",
            ),
        ),
    ),
    Case(
        "CSP305",
        "CSP305",
        edit(ACCOUNT, ("stakeholders:", "»stakeholders:"), ("champion: true", "champion: false")),
        "account 'northwind-events' has no champion",
        "mark the stakeholder who carries the plan at the customer with 'champion: true'",
    ),
    Case(
        "CSP306",
        "CSP306",
        {
            "more-personas.yaml": "".join(
                f"---\nkind: Persona\nid: {p}\nname: {p.title()}\n"
                for p in ("event-director", "sponsorship-lead", "finance", "it-admin")
            ),
            **edit(
                "segments.yaml",
                (
                    "[vp-marketing, marketing-ops]",
                    "[vp-marketing, marketing-ops, event-director, sponsorship-lead, finance, "
                    "»it-admin]",
                ),
            ),
        },
        "segment 'enterprise' has 6 personas; up to five usually cover most of the revenue",
        "merge personas that share a definition of success, or split the segment",
        passing={
            "more-personas.yaml": "".join(
                f"---\nkind: Persona\nid: {p}\nname: {p.title()}\n"
                for p in ("event-director", "sponsorship-lead", "finance")
            ),
            **edit(
                "segments.yaml",
                (
                    "[vp-marketing, marketing-ops]",
                    "[vp-marketing, marketing-ops, event-director, sponsorship-lead, finance]",
                ),
            ),
        },
    ),
    Case(
        "CSP307",
        "CSP307",
        {
            **edit(
                ACCOUNT,
                (
                    "target: 500}\n",
                    "target: 500}\n  - {since: 2026-09-01, outcome: »fewer-no-shows, "
                    "baseline: 40, target: 20, reason: no-shows cost more than registrations}\n",
                ),
            ),
            **NEW_OUTCOME,
        },
        "account 'northwind-events' now wants 'fewer-no-shows', but its milestone map "
        "'events-enterprise' leads to 'grow-registrations': the route measures another destination",
        "give segment 'enterprise' a milestone map whose outcome is 'fewer-no-shows', or move "
        "the account to a segment that has one",
        passing={
            **edit(
                ACCOUNT,
                (
                    "target: 500}\n",
                    "target: 500}\n  - {since: 2026-09-01, outcome: grow-registrations, "
                    "baseline: 320, target: 600}\n",
                ),
            ),
            **NEW_OUTCOME,
        },
    ),
    Case(
        "CSP308",
        "CSP308",
        {ACCOUNT: BASE[ACCOUNT] + "plan:\n  message: »Let's make this priority #1 for Q1\n"},
        "the text of 'message' stops before '#1 for Q1': YAML reads ' #' as the start of a "
        "comment, so the customer would read a cut sentence",
        'quote the text (message: "Let\'s make this priority #1 for Q1") or write it as a block '
        "(message: |); if it really is a comment, put it on a line of its own",
        passing={
            ACCOUNT: BASE[ACCOUNT]
            + 'plan:\n  message: "Let\'s make this priority #1 for Q1"  # agreed with Dana\n'
            "  next_steps:\n    - action: |\n        Book the kickoff #1\n      owner: vendor\n"
            "    - {action: 'Share the #events plan', owner: joint}\n"
        },
    ),
    Case(
        "CSP309",
        "CSP309",
        {ACCOUNT: BASE[ACCOUNT] + OVERRIDE.format(since="2026-01-01", expires="»2026-07-01")},
        "account 'northwind-events': the override of relationship by jane.doe@acme.example holds "
        "for 181 days (2026-01-01 to 2026-07-01); a judgement that old goes stale",
        "let it expire within 180 days of 'since' and look again then; write a new override if "
        "the judgement still holds",
        passing={
            ACCOUNT: BASE[ACCOUNT] + OVERRIDE.format(since="2026-01-01", expires="2026-06-30")
        },
    ),
    Case(
        "CSP308-flow",
        "CSP308",
        edit("map.yaml", ("name: First campaign sent", "name: »First campaign sent  # maybe")),
        "the text of 'name' stops before '# maybe'",
        'quote the text (name: "First campaign sent # maybe")',
        exact=False,
    ),
]


def test_base_workspace_has_no_findings():
    result = load_workspace(BASE_DIR)
    assert result.findings == []
    assert (result.summary.files, result.summary.documents) == (10, 11)


# Rules of the signals CSV: (failing row, passing row), on the base workspace.
CSV_CASES = {
    "CSP401": (
        "northwind-events,weekly_active_ratio,2026-11-31,0.5",
        "northwind-events,weekly_active_ratio,2026-11-30,0.5",
    ),
    "CSP402": (
        "northwind-events,weekly_actve_ratio,2026-11-30,0.5",
        "northwind-events,weekly_active_ratio,2026-11-30,0.5",
    ),
}


# Rules of data sources (SPEC section 8): (failing files, passing files) on
# the base workspace, with rows in CSV files DuckDB reads from the workspace
# root. ``${CSPLAN_CASE_DB}`` is an SQLite file of the same usage rows (the
# one engine: sql that needs no server).
USAGE_CSV = "account,signal,as_of,value\nnorthwind-events,weekly_active_ratio,2026-11-15,0.6\n"


def _source(id_: str, provides: str, query: str, extra: str = "") -> str:
    return f"kind: DataSource\nid: {id_}\nprovides: {provides}\n{extra}query: {query}\n"


USAGE = _source("product-usage", "signals", "select * from read_csv('data/usage.csv')")
SOURCE_CASES: dict[str, tuple[Files, Files]] = {
    "CSP501": (
        {
            "sources.yaml": _source("product-usage", "signals", "select * from 'data/usage2.csv'"),
            "data/usage.csv": USAGE_CSV,
        },
        {
            "sources.yaml": _source("product-usage", "signals", "select * from 'data/usage.csv'"),
            "data/usage.csv": USAGE_CSV,
        },
    ),
    "CSP502": (
        {
            "sources.yaml": _source(
                "warehouse",
                "signals",
                "select * from usage",
                "engine: sql\nurl: sqlite:///${CSPLAN_CASE_DB}?password=hunter2\n",
            )
        },
        {
            "sources.yaml": _source(
                "warehouse",
                "signals",
                "select * from usage",
                "engine: sql\nurl: sqlite:///${CSPLAN_CASE_DB}\n",
            )
        },
    ),
    "CSP503": (
        {
            "sources.yaml": _source(
                "product-usage", "signals", "copy (select * from 'data/usage.csv') to 'out.csv'"
            ),
            "data/usage.csv": USAGE_CSV,
        },
        {"sources.yaml": USAGE, "data/usage.csv": USAGE_CSV},
    ),
    "CSP504": (
        {
            "sources.yaml": USAGE.replace("select *", "select account, signal, value"),
            "data/usage.csv": USAGE_CSV,
        },
        {
            "sources.yaml": USAGE.replace("select *", "select account, signal, as_of, value"),
            "data/usage.csv": USAGE_CSV,
        },
    ),
    "CSP505": (
        {
            "sources.yaml": _source("crm", "accounts", "select * from read_csv('data/crm.csv')"),
            "data/crm.csv": "id,name,segment,start\nnorthwind-events,Northwind Events,,\n",
        },
        {
            "sources.yaml": _source("crm", "accounts", "select * from read_csv('data/crm.csv')"),
            "data/crm.csv": "id,name,segment,start\nnorthwind-events,Northwind Events,,\n",
            **edit(ACCOUNT, ("name: Northwind Events\n", "")),
        },
    ),
    "CSP506": (
        {
            "sources.yaml": USAGE,
            "data/usage.csv": USAGE_CSV + "southwind-events,weekly_active_ratio,2026-11-15,0.6\n",
        },
        {"sources.yaml": USAGE, "data/usage.csv": USAGE_CSV},
    ),
}


def test_every_rule_has_a_case():
    """A new rule code without a failing and a passing case fails CI."""
    assert {case.code for case in CASES} | set(CSV_CASES) | set(SOURCE_CASES) == set(RULES)


@pytest.mark.parametrize("code", sorted(SOURCE_CASES))
def test_data_source_rules(code, tmp_path, monkeypatch):
    import sqlite3

    database = tmp_path / "usage.db"
    with sqlite3.connect(database) as con:
        con.execute("create table usage (account text, signal text, as_of text, value real)")
        con.execute(
            "insert into usage values ('northwind-events', 'weekly_active_ratio',"
            " '2026-11-15', 0.6)"
        )
    con.close()
    monkeypatch.setenv("CSPLAN_CASE_DB", str(database))
    failing, passing = SOURCE_CASES[code]
    for name, files in (("failing", failing), ("passing", passing)):
        root = tmp_path / name
        for rel, content in {**BASE, **files}.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(content, encoding="utf-8")  # type: ignore[arg-type]
        findings = load_workspace(root).findings
        got = [(f.code, f.file, f.line, f.message) for f in findings]
        if name == "passing":
            assert got == []
            continue
        [finding] = findings
        assert not (root / "out.csv").exists()
        # At the DataSource's query (or url); a field given twice at the YAML.
        where = {"CSP502": 5, "CSP505": 3}.get(code, 4)
        file = ACCOUNT if code == "CSP505" else "sources.yaml"
        assert (finding.code, finding.file, finding.line) == (code, file, where), got
        assert finding.severity == RULES[code].severity
        # Every data-source finding names its source.
        assert re.search(r"'product-usage'|'warehouse'|crm row 1", finding.message), got


@pytest.mark.parametrize("code", sorted(CSV_CASES))
def test_signals_csv_rules(code, tmp_path):
    from csplan.api import read_signals

    ws = load_workspace(BASE_DIR).workspace
    failing, passing = CSV_CASES[code]
    header = "account,signal,as_of,value\n"
    (tmp_path / "bad.csv").write_text(header + failing + "\n", encoding="utf-8")
    (tmp_path / "good.csv").write_text(header + passing + "\n", encoding="utf-8")
    [finding] = read_signals(tmp_path / "bad.csv", ws).problems
    assert (finding.code, finding.line, finding.column) == (code, 2, 1)
    assert finding.severity == RULES[code].severity
    assert read_signals(tmp_path / "good.csv", ws).problems == []


def test_every_cross_document_rule_has_a_check():
    cross = {code for code in RULES if code.startswith(("CSP2", "CSP3"))}
    # CSP202 between documents lives in the loader; the registry also has its
    # within-document checks, so every CSP2xx/3xx code is registered here.
    assert checked_codes() == cross


def test_case_ids_are_unique():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_failing(case: Case, make_workspace):
    files, file, line, column = _locate(case.failing)
    findings = _load(make_workspace, files)
    assert [(f.code, f.file, f.line, f.column) for f in findings] == [
        (case.code, file, line, column)
    ], [(f.code, f.file, f.line, f.column, f.message) for f in findings]
    [finding] = findings
    assert finding.severity == RULES[case.code].severity
    if case.exact:
        assert finding.message == case.message
        assert finding.hint == case.hint
    else:
        assert case.message in finding.message
        assert (finding.hint is None) if case.hint is None else (case.hint in (finding.hint or ""))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_passing(case: Case, make_workspace):
    findings = _load(make_workspace, case.passing)
    assert [(f.code, f.file, f.line, f.message) for f in findings] == []


@pytest.mark.parametrize("case", [c for c in CASES if c.code != "CSP003"], ids=lambda c: c.id)
def test_failing_through_the_cli(case: Case, make_workspace, cli):
    """Errors exit 1, warnings exit 0 (1 with --strict); the text names file:line:col."""
    files, _file, line, column = _locate(case.failing)
    root = make_workspace({**BASE, **files})
    result = cli("validate", "-w", root)
    error = RULES[case.code].severity == "error"
    assert result.exit_code == (1 if error else 0), result.output
    assert f"{line}:{column}" in result.output
    assert case.code in result.output
    if not error:
        assert cli("validate", "-w", root, "--strict").exit_code == 1


# --- behaviour beyond one case per rule ---------------------------------------


def test_findings_are_sorted_and_all_reported(make_workspace):
    files = {
        **edit(
            ACCOUNT,
            ("segment: enterprise", "segment: enterprize"),
            ("persona: vp-marketing", "persona: vp-marketting"),
        ),
        **edit("map.yaml", ("vehicles: [onboarding-webinar]", "vehicles: [webinar]")),
    }
    findings = _load(make_workspace, files)
    assert [(f.file, f.line, f.code) for f in findings] == [
        (ACCOUNT, 4, "CSP201"),
        (ACCOUNT, 7, "CSP201"),
        ("map.yaml", 12, "CSP201"),
    ]


def test_two_cycles_are_each_reported_once(make_workspace):
    text = "kind: MilestoneMap\nid: loops\noutcome: grow-registrations\nmilestones:\n" + "".join(
        f"  - {{id: {m}, name: {m}, type: customer, owner: joint, due_days: 1, after: {after}}}\n"
        for m, after in [("a", "[b]"), ("b", "[a]"), ("c", "[c]"), ("d", "[a, c]")]
    )
    findings = _load(make_workspace, {"loops.yaml": text})
    assert [(f.code, f.line, f.message.split(": ", 1)[1]) for f in findings] == [
        ("CSP203", 6, "a -> b -> a"),
        ("CSP203", 7, "c -> c"),
    ]
    assert findings[0].message.startswith(
        "milestones of map 'loops' wait for each other in a circle"
    )


def test_milestone_in_the_map_of_an_earlier_segment_is_valid(make_workspace):
    """An account's milestone may come from the map of any of its segments."""
    files = {
        "smb.yaml": BASE["map.yaml"]
        .replace("id: events-enterprise", "id: events-smb")
        .replace("first-campaign", "first-send")
        + "---\n"
        + BASE["segments.yaml"]
        .replace("id: enterprise", "id: smb")
        .replace("milestone_map: events-enterprise", "milestone_map: events-smb"),
        **edit(
            ACCOUNT,
            (
                "segment: enterprise",
                "segment:\n  - {since: 2026-03-01, segment: smb}\n"
                "  - {since: 2026-06-01, segment: enterprise}",
            ),
            ("{id: list-imported, reached: 2026-03-09}", "{id: first-send, reached: 2026-03-09}"),
        ),
    }
    assert _load(make_workspace, files) == []
    files[ACCOUNT] = files[ACCOUNT].replace("first-send", "first-sent")
    [finding] = _load(make_workspace, files)
    assert finding.message == (
        "account 'northwind-events' lists milestone 'first-sent', which is not in any of its maps "
        "'events-smb', 'events-enterprise'"
    )
    assert finding.hint == "did you mean 'first-send'?"


def test_experience_element_of_another_segment_is_not_an_error(make_workspace):
    """Outside the segment's own AX is a mismatch for `score`, not a finding."""
    other = (
        "kind: AppropriateExperience\nid: self-serve\nname: Self-serve\nelements:\n"
        "  - {id: api-key, area: product, expectation: A self-serve API key}\n"
    )
    files = {"other-ax.yaml": other, **edit(ACCOUNT, ("  - named-ae", "  - named-ae\n  - api-key"))}
    assert _load(make_workspace, files) == []


@pytest.mark.parametrize(
    ("rel", "old", "new", "codes"),
    [
        # The segment is invalid: the account's reference to it and its
        # milestones (whose map is unknown) are not reported again.
        ("segments.yaml", "name: Enterprise business teams", "name: [Enterprise]", ["CSP103"]),
        # The map is invalid: accounts listing its milestones are not reported.
        ("map.yaml", "due_days: 14", "due_days: soon", ["CSP103"]),
        # The engagement model is invalid: its questions and signals still count.
        ("engagement.yaml", "good: 0.6, bad: 0.1", "good: high, bad: 0.1", ["CSP103"]),
        # The experience is invalid: its element ids still count.
        ("experiences.yaml", "area: sales", "area: sale", ["CSP105"]),
        # The persona and the outcome are invalid: references to them are not reported.
        ("personas.yaml", "name: VP Marketing", "nmae: VP Marketing", ["CSP101", "CSP102"]),
        ("outcomes.yaml", "unit: registrations", "unit: [registrations]", ["CSP103"]),
        # An invalid account still reports its signals.
        (ACCOUNT, "start: 2026-03-01", "start: 1 March 2026", ["CSP107"]),
    ],
)
def test_an_invalid_document_does_not_cascade(make_workspace, rel, old, new, codes):
    findings = _load(make_workspace, edit(rel, (old, new)))
    assert [(f.code, f.file) for f in findings] == [(code, rel) for code in codes]


def test_a_second_invalid_account_keeps_signal_names(make_workspace):
    """Signals reported only by an invalid account still count as reported."""
    files = {
        "accounts/other.yaml": "kind: Account\nid: other\nname: Other\nsegment: enterprise\n"
        "start: soon\ndesired_outcomes: []\n"
        "signals:\n  nps: {as_of: 2026-01-01, value: 40}\n",
        **edit(
            "engagement.yaml",
            (
                "{signal: weekly_active_ratio, good: 0.6, bad: 0.1}",
                "{signal: nps, good: 50, bad: 0}",
            ),
        ),
    }
    # Its other fields are still checked (SPEC v1.2, all at once): it has no champion.
    assert [f.code for f in _load(make_workspace, files)] == ["CSP305", "CSP107", "CSP101"]


def test_question_hint_when_no_model_asks_questions(make_workspace):
    files = edit(
        "engagement.yaml",
        *[
            (f"{{question: {q}, text: {t}}}", "{milestones: all}")
            for q, t in [
                ("knows-intent", "We know why the customer started working with us"),
                ("content-ready", "Content is ready before they ask"),
                ("feels-supported", "They feel supported and believe they will get there"),
                ("acts-on-messages", "They act on what we send them"),
            ]
        ],
    )
    hints = {f.hint for f in _load(make_workspace, files)}
    assert hints == {"no engagement model asks a question yet: add a {question, text} measure"}


SIGNALS = """signals:
  contacts_imported: {as_of: 2026-03-09, value: 1200}
  weekly_active_ratio:
    - {as_of: 2026-10-01, value: 0.41}
    - {as_of: 2026-11-01, value: 0.55}
  registrations_per_event: {as_of: 2026-10-20, value: 450}
"""


def test_signal_hint_when_no_account_reports_signals(make_workspace):
    findings = _load(make_workspace, edit(ACCOUNT, (SIGNALS, "")))
    assert [(f.code, f.file, f.line) for f in findings] == [
        ("CSP303", "engagement.yaml", 12),
        ("CSP303", "map.yaml", 11),
        ("CSP303", "outcomes.yaml", 4),
    ]
    assert {f.hint for f in findings} == {
        "no account reports any signal yet: add observations under an account's 'signals:', "
        "or pass them to score with --signals"
    }


def test_no_champion_and_no_stakeholders_points_at_the_id(make_workspace):
    files = edit(
        ACCOUNT,
        (
            "stakeholders:\n  - {name: Dana Kim, role: VP Marketing, persona: vp-marketing, "
            "champion: true}\n",
            "",
        ),
    )
    [finding] = _load(make_workspace, files)
    assert (finding.code, finding.line, finding.column) == ("CSP305", 2, 5)
    assert (
        finding.hint
        == "add stakeholders, and mark the one who carries the plan with 'champion: true'"
    )


def test_reached_list_before_start_points_at_the_date(make_workspace):
    files = edit(ACCOUNT, ("[2026-04-01, 2026-05-01]", "[2026-02-01, 2026-05-01]"))
    [finding] = _load(make_workspace, files)
    assert (finding.code, finding.line, finding.column) == ("CSP304", 15, 36)


def test_dated_list_reports_once_per_problem(make_workspace):
    """A list written newest-first gives one finding, not one per entry."""
    files = edit(
        ACCOUNT,
        (
            "    - {as_of: 2026-10-01, value: 0.41}\n    - {as_of: 2026-11-01, value: 0.55}\n",
            "".join(f"    - {{as_of: 2026-{m:02d}-01, value: 0.5}}\n" for m in range(12, 0, -1)),
        ),
    )
    assert [(f.code, f.line) for f in _load(make_workspace, files)] == [("CSP206", 20)]


def test_a_milestone_only_rescheduled_is_not_reached(make_workspace):
    """An entry with only ``id`` and ``reschedule`` (or ``reached: []``) has
    no reached date: no check about reached dates looks at it, even with a
    start after every date of the reschedule."""
    files = edit(
        ACCOUNT,
        ("start: 2026-03-01", "start: 2026-09-20"),
        ("  - {id: list-imported, reached: 2026-03-09}\n", ""),
        (
            "  - {id: first-campaign, reached: [2026-04-01, 2026-05-01]}\n",
            "  - {id: first-campaign, reached: [],\n"
            "     reschedule: [{on: 2026-09-01, due: 2026-10-01}]}\n"
            "  - id: registrations-up-20\n    reschedule:\n"
            "      - {on: 2026-09-15, due: 2026-12-01, reason: Waiting for the CRM migration}\n",
        ),
        ("as_of: 2026-03-09", "as_of: 2026-09-20"),
        ("as_of: 2026-03-15", "as_of: 2026-09-21"),
        ("as_of: 2026-03-01}", "as_of: 2026-09-20}"),
        ("since: 2026-03-01", "since: 2026-09-20"),
        ("since: 2026-04-02", "since: 2026-09-20"),
    )
    assert _load(make_workspace, files) == []
    ws = load_workspace(make_workspace({**BASE, **files})).workspace
    [first, later] = ws.accounts["northwind-events"].milestones
    assert (first.dates, later.dates) == ([], [])


def test_overlapping_overrides_are_reported_at_the_one_that_starts_later(make_workspace):
    """Later by ``since``, not by position: the hint names the earlier one's line."""
    files = {
        ACCOUNT: BASE[ACCOUNT]
        + OVERRIDE.format(since="2026-11-15", expires="2027-01-31")
        + OVERRIDE_ITEM.format(since="2026-10-01", expires="2026-11-15", component="relationship")
    }
    [finding] = _load(make_workspace, files)
    assert (finding.code, finding.line, finding.column) == ("CSP212", 30, 12)
    assert finding.message == (
        "account 'northwind-events' has two overrides of relationship in force from 2026-11-15 "
        "to 2026-11-15: 2026-10-01 to 2026-11-15 and 2026-11-15 to 2027-01-31"
    )
    assert finding.hint is not None and finding.hint.startswith("the other one is on line 32:")


def test_three_overlapping_overrides_give_one_finding_each_later_one(make_workspace):
    files = {
        ACCOUNT: BASE[ACCOUNT]
        + OVERRIDE.format(since="2026-10-01", expires="2026-12-31")
        + OVERRIDE_ITEM.format(since="2026-11-01", expires="2027-01-31", component="relationship")
        + OVERRIDE_ITEM.format(since="2026-12-01", expires="2027-02-28", component="relationship")
    }
    findings = _load(make_workspace, files)
    assert [(f.code, f.line, f.hint.split(":")[0]) for f in findings] == [
        ("CSP212", 36, "the other one is on line 26"),
        ("CSP212", 42, "the other one is on line 26"),
    ]


def test_an_override_without_a_range_is_not_also_an_overlap(make_workspace):
    """Expiring before it starts is CSP211 alone, not CSP212 as well."""
    files = {
        ACCOUNT: BASE[ACCOUNT]
        + OVERRIDE.format(since="2026-10-01", expires="2026-12-31")
        + OVERRIDE_ITEM.format(since="2026-11-01", expires="2026-10-15", component="relationship")
    }
    assert [f.code for f in _load(make_workspace, files)] == ["CSP211"]


def test_a_swapped_override_is_not_also_stale(make_workspace):
    """Only a range longer than 180 days is CSP309; a negative one is CSP211."""
    files = {ACCOUNT: BASE[ACCOUNT] + OVERRIDE.format(since="2027-12-31", expires="2026-01-01")}
    assert [f.code for f in _load(make_workspace, files)] == ["CSP211"]


def test_reading_alone_runs_no_cross_document_check(make_workspace):
    from csplan.workspace.load import read_workspace

    root = make_workspace({**BASE, **edit(ACCOUNT, ("segment: enterprise", "segment: enterprize"))})
    assert read_workspace(root).findings == []
    assert [f.code for f in load_workspace(root).findings] == ["CSP201"]


# --- the example workspaces ---------------------------------------------------


def test_there_are_example_workspaces():
    assert len(EXAMPLE_WORKSPACES) >= 2


@pytest.mark.parametrize("root", EXAMPLE_WORKSPACES, ids=lambda p: p.name)
def test_example_workspace_is_valid(root: Path, cli):
    result = load_workspace(root)
    assert [
        (f.code, f.file, f.line, f.message) for f in result.findings if f.severity == "error"
    ] == []
    assert cli("validate", "-w", root).exit_code == 0


# --- the README's rules table ------------------------------------------------


def test_readme_lists_every_rule():
    text = README.read_text(encoding="utf-8")
    assert "## Rules" in text, "README.md lost its '## Rules' section"
    section = text.split("## Rules", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `?(CSP\d{3})`? \|", section, flags=re.MULTILINE))
    assert listed == set(RULES)


# --- property: a mutated workspace only ever gives findings --------------------

POOL = [
    "enterprise",
    "list-imported",
    "first-campaign",
    "registrations-up-20",
    "vp-marketing",
    "knows-intent",
    "named-ae",
    "grow-registrations",
    "weekly_active_ratio",
    "x",
    0,
    1,
    0.5,
    -1,
    True,
    None,
    [],
    {},
    "2026-03-01",
    "2026-02-01",
]


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


def _mutate(doc, path, op, value):
    if not path:
        return
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if op == "replace":
        parent[last] = value
    elif op == "delete":
        del parent[last]
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(last, parent[last])
    elif op == "reverse" and isinstance(parent[last], list):
        parent[last].reverse()


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_workspace_gives_only_findings(data, tmp_path_factory):
    import yaml

    root = tmp_path_factory.mktemp("mutated")
    docs = {rel: list(yaml.safe_load_all(text)) for rel, text in BASE.items()}
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        rel = data.draw(st.sampled_from(sorted(docs)), label="file")
        doc = data.draw(st.sampled_from(docs[rel]), label="document")
        path = data.draw(st.sampled_from(list(_paths(doc))), label="path")
        op = data.draw(st.sampled_from(["replace", "delete", "duplicate", "reverse"]), label="op")
        _mutate(doc, path, op, data.draw(st.sampled_from(POOL), label="value"))
    for rel, file_docs in docs.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(yaml.safe_dump_all(file_docs, sort_keys=False), encoding="utf-8")
    result = load_workspace(root)
    for f in result.findings:
        assert f.code in RULES
        assert f.line >= 1
        assert f.column >= 1
        assert f.file in docs


def test_names_with_braces_do_not_break_messages(make_workspace):
    old = "{name: Dana Kim, role: VP Marketing, persona: vp-marketing"
    new = "{name: 'Dana {Kim}', role: VP Marketing, persona: vp-marketting"
    files = edit(ACCOUNT, (old, new))
    [finding] = _load(make_workspace, files)
    assert finding.message == (
        "stakeholder 'Dana {Kim}' of account 'northwind-events' has persona 'vp-marketting', "
        "which does not exist"
    )
