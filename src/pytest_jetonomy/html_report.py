"""``--conformance-html FILE.html``: one self-contained page (no script, no external asset).

It shows the verdict, a bar per area, a matrix of endpoints x check kinds coloured by
result, and every failure with its evidence (masked).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from .masking import mask_text
from .results import AREAS

COLOURS = {
    "passed": "#2e7d32",
    "failed": "#c62828",
    "error": "#c62828",
    "blocked": "#7b1fa2",
    "skipped": "#9e9e9e",
    "baselined": "#ef6c00",
    "not-run": "#e0e0e0",
}
VERDICT_COLOURS = {
    "CONFORMANT": "#2e7d32",
    "CONFORMANT WITH WARNINGS": "#ef6c00",
    "NOT CONFORMANT": "#c62828",
    "NOT CERTIFIED": "#6d4c41",
}

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#212121;background:#fafafa}
header{padding:20px 28px;color:#fff}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:2px 0;opacity:.92}
main{padding:8px 28px 40px}
h2{font-size:17px;margin:26px 0 10px}
.meta td{padding:2px 12px 2px 0;color:#424242}
.bars{display:grid;grid-template-columns:120px 1fr 170px;gap:6px 12px;align-items:center;max-width:980px}
.bar{display:flex;height:18px;border-radius:3px;overflow:hidden;background:#eee}
.bar span{display:block;height:100%}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:4px;vertical-align:-1px}
table.matrix{border-collapse:collapse;font-size:12px}
table.matrix th{font-weight:600;text-align:left;padding:3px 6px;white-space:nowrap}
table.matrix th.kind{writing-mode:vertical-rl;transform:rotate(180deg);height:270px;vertical-align:bottom;font-weight:500}
table.matrix td{width:18px;height:18px;border:1px solid #fff;padding:0}
table.matrix td.ep{width:auto;padding:0 8px 0 0;white-space:nowrap;font-family:ui-monospace,monospace}
.failure{background:#fff;border:1px solid #e0e0e0;border-left:4px solid #c62828;border-radius:4px;padding:10px 14px;margin:10px 0;max-width:1100px}
.failure.should{border-left-color:#ef6c00}
.failure h3{margin:0 0 6px;font-size:14px}
pre{white-space:pre-wrap;word-break:break-word;background:#f5f5f5;padding:8px;border-radius:3px;font-size:12px;margin:6px 0}
.muted{color:#757575}
.spell th{text-align:left;padding:2px 12px 2px 0}
.spell td{vertical-align:top;padding:3px 12px 3px 0}
.alarm{background:#c62828;color:#fff;padding:8px 14px;border-radius:4px;max-width:1100px}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _bar(counts: dict[str, int]) -> str:
    total = sum(counts.values()) or 1
    parts = []
    for status in ("passed", "failed", "baselined", "blocked", "skipped", "not-run"):
        n = counts.get(status, 0)
        if n:
            parts.append(
                f'<span title="{n} {status}" style="width:{100 * n / total:.2f}%;'
                f'background:{COLOURS[status]}"></span>'
            )
    return '<div class="bar">' + "".join(parts) + "</div>"


def _matrix(document: dict[str, Any], endpoints: list[str]) -> str:
    cells: dict[tuple[str, str], str] = {}
    kinds: list[str] = []
    rank = {
        "passed": 0,
        "not-run": 0,
        "skipped": 1,
        "blocked": 2,
        "baselined": 3,
        "failed": 4,
        "error": 4,
    }
    for requirement in document["requirements"]:
        for test in requirement["tests"]:
            nodeid = test["nodeid"]
            if "[" not in nodeid:
                continue
            function = nodeid.split("::")[-1].split("[")[0]
            param = nodeid.split("[", 1)[1].rstrip("]")
            label = next((e for e in endpoints if param == e or param.startswith(e + "-")), None)
            if label is None:
                continue
            kind = function.removeprefix("test_").replace("_", " ")
            if kind not in kinds:
                kinds.append(kind)
            previous = cells.get((label, kind))
            if previous is None or rank[test["outcome"]] > rank[previous]:
                cells[(label, kind)] = test["outcome"]
    if not kinds:
        return '<p class="muted">No endpoint-parametrised checks ran.</p>'
    head = "<tr><th></th>" + "".join(f'<th class="kind">{_e(k)}</th>' for k in kinds) + "</tr>"
    rows = []
    for label in endpoints:
        tds = []
        for kind in kinds:
            outcome = cells.get((label, kind))
            if outcome is None:
                tds.append("<td></td>")
            else:
                tds.append(
                    f'<td title="{_e(label)}: {_e(kind)}: {outcome}" '
                    f'style="background:{COLOURS.get(outcome, "#e0e0e0")}"></td>'
                )
        rows.append(f'<tr><td class="ep">{_e(label)}</td>{"".join(tds)}</tr>')
    return f'<table class="matrix">{head}{"".join(rows)}</table>'


def _failures(document: dict[str, Any]) -> str:
    blocks = []
    for requirement in document["requirements"]:
        if requirement["status"] not in ("failed", "baselined"):
            continue
        for test in requirement["tests"]:
            if test["outcome"] not in ("failed", "error", "baselined"):
                continue
            evidence = "".join(
                f"<pre>{_e(_exchange_text(item))}</pre>" for item in test.get("evidence") or []
            )
            if not evidence and test.get("message"):
                evidence = f"<pre>{_e(test['message'][-2500:])}</pre>"
            known = (
                f'<p class="muted">Known failure (baseline): {_e(requirement["baseline_reason"])}</p>'
                if requirement["status"] == "baselined"
                else ""
            )
            level_class = "should" if requirement["level"] == "SHOULD" else ""
            blocks.append(
                f'<div class="failure {level_class}"><h3>{_e(requirement["id"])} '
                f"{_e(requirement['level'])} ({_e(requirement.get('basis', 'stated'))}): {_e(requirement['title'])}</h3>"
                f'<p class="muted">reference: {_e(requirement["section"])} &middot; check: '
                f"<code>{_e(test['nodeid'])}</code></p>{known}{evidence}</div>"
            )
    return "".join(blocks) or "<p>No failures.</p>"


def _spellings(document: dict[str, Any]) -> str:
    """The section "how this server spells the promises": what the checks learned."""
    entries = document.get("spellings") or []
    if not entries:
        return '<p class="muted">No check learned a spelling in this run.</p>'
    rows = []
    for entry in entries:
        found = entry["spellings"]
        cells = "<br>".join(
            f"<code>{_e(s['spelling'])}</code> <span class='muted'>({s['checks']} check(s))</span>"
            for s in found
        )
        note = (
            '<br><span class="muted">several spellings: one server spelling a fact two ways '
            "is worth a look</span>"
            if len(found) > 1 and entry["fact"] not in MANY_SPELLINGS
            else ""
        )
        rows.append(f"<tr><td>{_e(entry['what'])}</td><td>{cells}{note}</td></tr>")
    return (
        '<table class="meta spell"><tr><th>promise</th><th>how this server spells it</th></tr>'
        + "".join(rows)
        + "</table>"
    )


MANY_SPELLINGS = frozenset({"body"})
"""Facts with one spelling per endpoint (several rows are expected)."""


def _exchange_text(item: dict[str, Any]) -> str:
    exchange = item.get("exchange") or {}
    known = ""
    if "baseline" in item:  # the run had a baseline: known, or a new failure
        known = (
            f"baseline: known ({item['baseline']})\n"
            if item["baseline"]
            else "baseline: NEW FAILURE (not in the baseline)\n"
        )
    return (
        (f"signature: {item['signature']}\n" if item.get("signature") else "")
        + known
        + f"expected: {item.get('expected')}\n"
        + (f"problem:  {item['problem']}\n" if item.get("problem") else "")
        + (
            f"sent:     {exchange.get('method')} {exchange.get('url')} as {exchange.get('identity')}\n"
            f"body:     {json.dumps(exchange.get('request_body'))[:500]}\n"
            f"got:      {exchange.get('status')} {exchange.get('response_excerpt')}"
            if exchange
            else ""
        )
    )


def _divergences(document: dict[str, Any]) -> str:
    """One row per cause (what a server team would fix), most MUST requirements first."""
    entries = document.get("divergences") or []
    if not entries:
        return "<p>No divergence.</p>"
    rows = []
    for n, entry in enumerate(entries, start=1):
        rows.append(
            f"<tr><td>{n}</td><td><b>{_e(entry['cause'])}</b>"
            f"<pre>{_e(_exchange_text(entry['evidence']))}</pre></td>"
            f"<td>{entry['must']}</td><td>{_e(', '.join(entry['requirements']))}</td>"
            f"<td>{entry['checks']}</td></tr>"
        )
    return (
        '<table class="meta spell"><tr><th>#</th><th>cause, with one failing exchange</th>'
        "<th>MUST</th><th>requirements</th><th>checks</th></tr>" + "".join(rows) + "</table>"
    )


def _blocked(document: dict[str, Any]) -> str:
    entries = document.get("blocked") or []
    if not entries:
        return ""
    items = "".join(
        f"<li><b>{_e(e['by'])}</b>: {len(e['requirements'])} requirement(s) not verified "
        f"({_e(', '.join(e['requirements']))})</li>"
        for e in entries
    )
    return (
        "<h2>Blocked</h2><p class='muted'>Requirements no check could reach, because a "
        "precondition failed; that failure counts once, in the check whose subject it is."
        f"</p><ul>{items}</ul>"
    )


def _adaptations(document: dict[str, Any]) -> str:
    """Helper requests the suite adapted to what the server said it wants (adaptations.py)."""
    entries = document.get("adaptations") or []
    if not entries:
        return ""
    items = "".join(
        f"<li><b>adapted:</b> {_e(e['adaptation'])} <span class='muted'>(said by "
        f"{_e(e['source'])}; {e['checks']} test(s) needed it)</span></li>"
        for e in entries
    )
    return (
        "<h2>Adaptations</h2><p class='muted'>Setup and helper requests the server refused "
        "as documented, sent again as it said it wants them, so that the rest of the run "
        "could go on. The documented request itself is judged, once, by the check whose "
        f"subject it is.</p><ul>{items}</ul>"
    )


def _warnings(document: dict[str, Any]) -> str:
    warnings = document["verdict"].get("warnings") or []
    if not warnings:
        return ""
    items = "".join(
        f"<li><b>{_e(w['id'])}</b> {_e(w['level'])} ({_e(w['basis'])}): {_e(w['title'])}</li>"
        for w in warnings
    )
    return (
        "<h2>Warnings</h2><p class='muted'>Failed SHOULD requirements, with their basis: "
        "<i>stated</i> (the reference says it), <i>convention</i> (a WordPress or HTTP "
        "convention), <i>reading</i> (the suite's reading where the reference is silent). "
        f"None makes a server not conformant.</p><ul>{items}</ul>"
    )


def _diff_rows(breaches: list[dict[str, Any]], label: str) -> str:
    return "".join(
        f"<tr><td>{_e(label)}</td><td>{_e(b.get('requirement') or '(no requirement)')}</td>"
        f"<td>{_e(b.get('kind'))}</td><td>{_e(b.get('subject'))}</td></tr>"
        for b in breaches
    )


def _release_diff(document: dict[str, Any]) -> str:
    """The release diff (``jetonomy-report diff``, ``--compare-report``), when given one."""
    diff = document.get("diff")
    if not diff:
        return ""
    old, new = diff["old"], diff["new"]
    sig, req = diff["signatures"], diff["requirements"]
    sides = "".join(
        f"<tr><td>{_e(name)}</td><td><b>{_e(side.get('verdict'))}</b> "
        f"<span class='muted'>{_e(side.get('target'))}, {_e(side.get('finished_at'))}, "
        f"suite {_e(side.get('suite'))}</span><br>{_e(side.get('line'))}</td></tr>"
        for name, side in (("before", old), ("after", new))
    )
    rows = _diff_rows(sig["new"], "NEW") + _diff_rows(sig["fixed"], "fixed")
    table = (
        '<table class="meta spell"><tr><th></th><th>requirement</th><th>kind</th>'
        f"<th>subject</th></tr>{rows}</table>"
        if rows
        else "<p>No failure is new or fixed.</p>"
    )
    by_requirement = "".join(
        f"<li>{_e(what)}: {_e(', '.join(req[key]) or 'none')}</li>"
        for what, key in (
            ("newly failing", "new_failures"),
            ("failing in new ways", "failing_in_new_ways"),
            ("fixed", "fixed"),
            ("still failing", "still_failing"),
            ("no longer verified", "no_longer_verified"),
        )
    )
    changed = "".join(
        f"<tr><td>{_e(rid)}</td><td>{_e(entry.get('level') or '')}</td>"
        f"<td>{_e(entry['old'] or 'not in the report')}"
        + (f" (as {_e(entry['old_id'])})" if entry.get("old_id") else "")
        + f"</td><td>{_e(entry['new'] or 'not in the report')}</td></tr>"
        for rid, entry in (req.get("statuses") or {}).items()
        if entry["old"] != entry["new"]
    )
    statuses = (
        '<table class="meta spell"><tr><th>requirement</th><th>level</th><th>before</th>'
        f"<th>after</th></tr>{changed}</table>"
        if changed
        else ""
    )
    colour = "#c62828" if sig["new"] else "#2e7d32"
    return (
        "<h2>Release diff</h2><p class='muted'>Failures compared by signature (requirement, "
        "subject, kind) with an earlier report: a new way of failing is new, even for a "
        "requirement that failed before.</p>"
        f'<table class="meta">{sides}</table>'
        f'<p style="color:{colour}"><b>{len(sig["new"])} new</b>, {len(sig["fixed"])} fixed, '
        f"{len(sig['unchanged'])} unchanged"
        + (
            f", {len(sig['not_verified'])} not verified in the new run"
            if sig.get("not_verified")
            else ""
        )
        + f"</p>{table}<ul>{by_requirement}</ul>{statuses}"
    )


BASELINE_FORMS = {
    "signatures": "by signature",
    "requirements": "by requirement ID (the older form)",
    "both": "by signature, and by requirement ID (the older form)",
}


def _baseline(document: dict[str, Any]) -> str:
    """What the baseline (``--baseline``) said of the run: its warnings (the older form can
    hide new failures), the new failures it does not accept, the entries no longer needed."""
    gated = document.get("baseline")
    if not gated:
        return ""
    warnings = "".join(
        f'<li style="color:#ef6c00">{_e(text)}</li>' for text in gated.get("warnings") or []
    )
    rows = "".join(
        f"<tr><td>{_e(entry.get('requirement') or '(no requirement)')}</td>"
        f"<td>{_e(entry.get('level') or '')}</td><td>{_e(entry.get('kind'))}</td>"
        f"<td>{_e(entry.get('subject'))}</td>"
        f"<td>{'a new way of failing a listed requirement' if entry.get('listed') else ''}</td></tr>"
        for entry in gated.get("new_failures") or []
    )
    new = (
        '<table class="meta spell"><tr><th>new failure of</th><th>level</th><th>kind</th>'
        f"<th>subject</th><th></th></tr>{rows}</table>"
        if rows
        else "<p>No new failure: the baseline accepts every failure of the run.</p>"
    )
    stale = "".join(f"<li><code>{_e(entry)}</code></li>" for entry in gated.get("stale") or [])
    return (
        f"<h2>Baseline</h2><p class='muted'>{_e(gated.get('path'))}: accepts failures "
        f"{_e(BASELINE_FORMS.get(gated.get('form'), gated.get('form')))}</p>"
        + (f"<ul>{warnings}</ul>" if warnings else "")
        + new
        + (f"<p>Entries no longer needed:</p><ul>{stale}</ul>" if stale else "")
    )


def _cleanup_alarm(document: dict[str, Any]) -> str:
    """The target left unclean, or a cleanup that could not be verified: said at the top."""
    cleanup = document.get("cleanup")
    alarm = cleanup.get("alarm") if isinstance(cleanup, dict) else None
    return f"<p class='alarm'><b>{_e(alarm)}</b></p>" if alarm else ""


def _cleanup(document: dict[str, Any]) -> str:
    """What the run created on the target, what it deleted and read back, what is left."""
    cleanup = document.get("cleanup")
    if not isinstance(cleanup, dict):
        return ""
    lines = "".join(f"<li>{_e(line)}</li>" for line in cleanup.get("summary") or [])
    rows = "".join(
        f"<tr><td>{_e(e['kind'])}</td><td>{_e(e['id'])}</td><td>{_e(e.get('name') or '')}</td>"
        f"<td>{_e(e['answer'])}</td></tr>"
        for e in cleanup.get("leftovers") or []
    )
    table = (
        "<table><tr><th>kind</th><th>id</th><th>name</th><th>what the target answered</th></tr>"
        f"{rows}</table>"
        if rows
        else ""
    )
    maybe = "".join(
        f"<tr><td>{_e(e['kind'])}</td><td>{_e(e['id'])}</td><td>{_e(e.get('name') or '')}</td>"
        f"<td>{_e(e.get('state') or '')}</td></tr>"
        for e in cleanup.get("may_be_left_objects") or []
    )
    if maybe:  # the cleanup could not be verified: what the ledger holds, not read back gone
        table += (
            "<p>May be left (the cleanup could not be verified; not read back gone):</p>"
            "<table><tr><th>kind</th><th>id</th><th>name</th><th>state</th></tr>"
            f"{maybe}</table>"
        )
    verdict = "verified clean" if cleanup.get("verified_clean") else "NOT verified clean"
    return (
        f"<h2>Cleanup: {_e(verdict)}</h2><p class='muted'>What the run created on the target "
        "(recorded when created), what it deleted and read back, and what the listings "
        f"still show carrying the run prefix.</p><ul>{lines}</ul>{table}"
    )


def render(document: dict[str, Any], endpoints: list[str]) -> str:
    verdict = document["verdict"]
    colour = VERDICT_COLOURS.get(verdict["label"], "#424242")
    by_area = document["summary"]["by_area"]
    bars = []
    for area in AREAS:
        counts = by_area.get(area) or {}
        if not counts:
            continue
        text = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if n)
        bars.append(f"<div>{_e(area)}</div>{_bar(counts)}<div class='muted'>{_e(text)}</div>")
    legend = "".join(
        f'<span><i style="background:{c}"></i>{_e(s)}</span>'
        for s, c in COLOURS.items()
        if s != "error"
    )
    target = document["target"]
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Jetonomy conformance: {_e(verdict["label"])}</title>
<style>{CSS}</style></head>
<body>
<header style="background:{colour}">
<h1>{_e(verdict["label"])}</h1>
<p>{_e(verdict["line"])}</p>
</header>
<main>
<table class="meta">
<tr><td>target</td><td>{_e(target["url"])} ({_e("embedded reference server" if target["embedded_reference_server"] else target["source"])})</td></tr>
<tr><td>suite</td><td>{_e(document["suite"]["name"])} {_e(document["suite"]["version"])}</td></tr>
<tr><td>contract</td><td>{_e(document["contract"]["title"])} {_e(document["contract"]["version"])}</td></tr>
<tr><td>run</td><td>{_e(document["started_at"])} to {_e(document["finished_at"])} ({_e(document["duration_seconds"])} s), {_e(target["workers"])} worker(s), selection: {_e(target["selection"])}</td></tr>
</table>
{_cleanup_alarm(document)}
{_release_diff(document)}
{_baseline(document)}
<h2>Requirements by area</h2>
<p class="legend">{legend}</p>
<div class="bars">{"".join(bars)}</div>
<h2>Endpoints &times; checks</h2>
{_matrix(document, endpoints)}
<h2>Divergences by cause</h2>
<p class="muted">The failures grouped by what one fix would mend, most MUST requirements first.</p>
{_divergences(document)}
{_blocked(document)}
{_adaptations(document)}
{_warnings(document)}
{_cleanup(document)}
<h2>Failures</h2>
{_failures(document)}
<h2>How this server spells the promises</h2>
<p class="muted">Facts the reference promises without naming a field, as the checks found
them on this server by value or by behaviour.</p>
{_spellings(document)}
</main></body></html>
"""
    return mask_text(page)


def write_html(path: str, document: dict[str, Any], endpoints: list[str]) -> None:
    Path(path).write_text(render(document, endpoints), encoding="utf-8")
