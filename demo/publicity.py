"""Publicity (公示): the proposed awards published for objections, two named objections
decided, the round allocated again after the upheld one, and the awards made final."""

from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from . import clock
from .api import OFFICER, REVIEWERS, Api, DemoError, applicant
from .claims import label
from .layout import table, yuan
from .objections import ANONYMOUS, LATE, OBJECTIONS, PERSON, Objection
from .plan import Entry
from .story import say

HEADERS = ("enterprise", "credit code", "achievement", "level", "proposed")
BEIJING = timezone(timedelta(hours=8))  # publicity counts its days on Beijing time


@dataclass
class Publicity:
    first: dict[str, Any]  # the list as first published
    revised: dict[str, Any]  # the list after the upheld objection's second review
    excluded: dict[str, str]  # application id: the reason code its second review gave
    final: bool  # whether the round was finalised (the services follow the demo's clock)


async def publicity(
    api: Api,
    round_id: str,
    entries: dict[str, Entry],
    codes: dict[str, str],
    patience: float,
    moved: ExitStack,
) -> Publicity:
    """The round through publicity to its final awards. The development clock moved past
    the period stays moved until `moved` closes: what follows the final decision (its
    payments) must not be stamped before it."""
    start = time.perf_counter()
    first = await api.published_list(round_id, 1, patience)
    say(f"published for objections (公示): {_summary(first)}", start)
    _show(api, first)
    before = await api.views(list(entries))  # to say later why each gainer had nothing
    targets = [(o, _listed(first, entries, o)) for o in OBJECTIONS]
    lodged = await _object(api, round_id, targets, entries, codes)
    excluded = await _decide(api, targets, lodged)

    start = time.perf_counter()
    revised = await api.published_list(round_id, 2, patience)
    say(f"allocated again without it; list revision 2: {_summary(revised)}", start)
    _show_changes(first, revised, entries, before)
    final = await _finalise(api, round_id, revised, moved)
    return Publicity(first, revised, excluded, final)


def _summary(listed: dict[str, Any]) -> str:
    kind = "final" if listed["stage"] == "final" else "proposed"
    return (
        f"{len(listed['entries'])} {kind} awards, {listed['total_yuan']:,} yuan "
        f"(list revision {listed['revision']}, stage {listed['stage']})"
    )


def _show(api: Api, listed: dict[str, Any]) -> None:
    published = datetime.fromisoformat(listed["published_at"]).astimezone(BEIJING)
    page = f"{api.client.base_url}/v1/public/rounds/{listed['round_id']}/list"
    say(
        f"  period: {listed['days']} {listed['day_kind']} days after publication on "
        f"{published:%Y-%m-%d} (Beijing time), the last {listed['last_day']}: objections "
        f"until its midnight, {listed['ends_at']}"
    )
    say(
        f"  digest: {listed['digest']}, the SHA-256 over the heads of "
        f"{len(listed['heads'])} event streams behind the decisions (the round's and each "
        "application's, in both services) as they stood; whoever keeps it can prove later "
        "that this history was not rewritten"
    )
    say(f"  printable page: {page}.html (the JSON: {page}; no token needed)")
    fields = ("enterprise_name", "credit_code", "achievement", "level")
    lines = [(*(e[f] for f in fields), yuan(e["proposed_amount_yuan"])) for e in listed["entries"]]
    print("\n" + table(HEADERS, lines, {4}) + "\n", flush=True)


def _listed(listed: dict[str, Any], entries: dict[str, Entry], objection: Objection) -> str:
    """The listed application an objection is about."""
    for entry in listed["entries"]:
        planned = entries[entry["application_id"]]
        if (planned.firm.key, entry["category"]) == (objection.firm, objection.category):
            return str(entry["application_id"])
    raise DemoError(f"no {objection.category} of {objection.firm} is in the published list")


async def _object(
    api: Api,
    round_id: str,
    targets: list[tuple[Objection, str]],
    entries: dict[str, Entry],
    codes: dict[str, str],
) -> list[str]:
    """Lodge each objection as anyone would (no token); show one without a name refused.
    Returns the objections' ids."""
    path = f"/v1/public/rounds/{round_id}/objections"
    lodged = []
    for objection, application_id in targets:
        start, who = time.perf_counter(), objection.objector
        created = await api.call("POST", path, None, objection.body(application_id))
        lodged.append(str(created["id"]))
        as_what = (
            f"an organisation, {who['credit_code']}, by {who['authorised_person']}"
            if who["kind"] == "organisation"
            else "a person"
        )
        say(f"objection by {who['name']} ({as_what}) to {_name(entries, application_id)}:", start)
        say(f'  "{objection.grounds}"')
    target = targets[0][1]
    anonymous = {**targets[0][0].body(target), "objector": ANONYMOUS}
    say(f"an anonymous objection is refused: {await api.refusal('POST', path, None, anonymous)}")
    seen = await api.call("GET", f"/v1/rounds/{round_id}/objections", REVIEWERS[0])
    history = await api.call(
        "GET", f"/v1/applications/{target}/history", applicant(codes[entries[target].firm.key])
    )
    hidden = [e["payload"]["objector"] for e in history if e["event_type"] == "ObjectionLodged"]
    say(
        f"  reviewers see {len(seen)} objections with who made them; the applicant's own "
        f"history shows the objector as {hidden[0]!r}"
    )
    return lodged


async def _decide(
    api: Api, targets: list[tuple[Objection, str]], lodged: list[str]
) -> dict[str, str]:
    """The reviewers decide each objection; an upheld one is reviewed a second time."""
    excluded = {}
    for n, ((objection, application_id), objection_id) in enumerate(
        zip(targets, lodged, strict=True)
    ):
        reviewer = REVIEWERS[n % 2]
        body = {"decision": objection.decision, "reasons": objection.reasons}
        await api.call("POST", f"/v1/objections/{objection_id}/decision", reviewer, body)
        view = await api.view(application_id)
        say(
            f"{reviewer.subject} {objection.decision} the objection by "
            f"{objection.objector['name']}: {objection.reasons} "
            f"(the application is now {view['status']})"
        )
        if objection.second_review is None:
            continue
        review = objection.second_review
        path = f"/v1/applications/{application_id}/review"
        await api.call("POST", path, REVIEWERS[(n + 1) % 2], review)
        excluded[application_id] = review["reason_code"]
        say(
            f"second review by {REVIEWERS[(n + 1) % 2].subject}: {review['decision']}, "
            f"{review['reason_code']}: {review['note']}"
        )
    return excluded


def _show_changes(
    first: dict[str, Any],
    revised: dict[str, Any],
    entries: dict[str, Entry],
    before: dict[str, dict[str, Any]],
) -> None:
    """Who lost and who gained, each with why, as the revised list says."""
    was = {e["application_id"]: e["proposed_amount_yuan"] for e in first["entries"]}
    now = {e["application_id"]: e["proposed_amount_yuan"] for e in revised["entries"]}
    for application_id in sorted(was.keys() - now.keys(), key=lambda i: -was[i]):
        say(f"  withdrawn  {-was[application_id]:>+10,}  {_name(entries, application_id)}")
    gained = [i for i in now if now[i] > was.get(i, 0)]
    for application_id in gained:
        why = before[application_id]["reason_code"] or "awarded less"
        change = now[application_id] - was.get(application_id, 0)
        say(f"  gained     {change:>+10,}  {_name(entries, application_id)} (was {why})")
    say(
        f"  the list's total went from {first['total_yuan']:,} to {revised['total_yuan']:,} "
        f"yuan; its period did not move: objections until {revised['ends_at']}"
    )


async def _finalise(api: Api, round_id: str, listed: dict[str, Any], moved: ExitStack) -> bool:
    """Refused while the period runs; then, on the local stack's development clock moved
    past the period's end, finalised. False when the services do not follow that clock."""
    path = f"/v1/rounds/{round_id}/finalise"
    say(f"finalising now is refused: {await api.refusal('POST', path)}")
    ends_at = datetime.fromisoformat(listed["ends_at"])
    days = f"{listed['days']} {listed['day_kind']} days"
    file = clock.clock_file()
    if file is None:
        _later(api, round_id, ends_at, "the services were not started with a development clock")
        return False
    say(
        f"a demo cannot wait {days}: it moves the development clock of the local services "
        f"(deploy/local/services.sh gives them one, never in production) by writing {file}"
    )
    moment, moved_at = ends_at + timedelta(minutes=1), time.perf_counter()
    offset = moved.enter_context(clock.moved_to(file, moment))
    moved.callback(_clock_back, file, offset, moved_at)
    say(f"  moved it {offset:,} s ahead, to {moment.isoformat()}: just past the period")
    # The services read the file at each tick of their clock: no waiting for it.
    if (await api.published_list(round_id, 1, 0))["stage"] != "ended":
        why = f"the services at {api.client.base_url} do not read their clock from {file}"
        _later(api, round_id, ends_at, why)
        return False
    objection = {**PERSON.body(listed["entries"][0]["application_id"]), "objector": LATE}
    objections = f"/v1/public/rounds/{round_id}/objections"
    late = await api.refusal("POST", objections, None, objection)
    say(f"  an objection now is refused: {late}")
    await api.call("POST", path, OFFICER)
    final = await api.published_list(round_id, 1, 0)
    say(f"finalised by {OFFICER.subject}: {_summary(final)}")
    return True


def _clock_back(file: Path, offset: int, moved_at: float) -> None:
    say(
        f"the clock is back {time.perf_counter() - moved_at:.2f} s later ({file} as it was); "
        "the finalisation's and the payments' events, and anything else the services stamped "
        f"meanwhile, carry the moved time, {offset:,} s ahead (time never runs backwards "
        "within the round: nothing is stamped as paid before it was final)"
    )


def _later(api: Api, round_id: str, ends_at: datetime, why: str) -> None:
    base = str(api.client.base_url)
    say(
        f"not finalised: {why}. The round stays in publicity; after {ends_at.isoformat()}, "
        "the program officer finalises it with\n"
        f'  curl -s -X POST {base}/v1/rounds/{round_id}/finalise -H "Authorization: Bearer '
        f'$(.venv/bin/qsfund-token --role {OFFICER.role} --sub {OFFICER.subject})"'
    )


def _name(entries: dict[str, Entry], application_id: str) -> str:
    entry = entries[application_id]
    return f"{entry.firm.short_name}, {label(entry.final_claim)}"
