"""The performance targets, judged on one run's results, and the table printed at the end."""

from bench import forecast as bench_forecast
from bench import matching as bench_matching

FLAT_MEMORY_MIB = 32  # growth of a worker during an export; a non-streamed export grows by hundreds


def _ratio(a, b):
    return round(a / b, 2) if a is not None and b else None


SIGNALS_PER_HOUSEHOLDS = 2  # the signals page may take at most twice the households list (issue 18)


def _signals_targets(lists, alternating):
    """The signals page against the households list, as seen again (figures cached where a page
    caches them) and on the first view after a data change: from the signals section (the two
    requested in turn) when it ran, else from the lists section (each page measured on its own)."""
    out = []
    for label, state in [("", "steady"), (" — first view after a data change", "after_change")]:
        pair = alternating.get(state, {})
        how = "in turn"
        if "error" in pair or not pair:
            entries = [lists.get("signals"), lists.get("households")]
            if not all(entries) or any("error" in entry for entry in entries):
                continue
            pair = {
                "signals": entries[0] if state == "steady" else entries[0].get("after_change", {}),
                "households": entries[1] if state == "steady" else entries[1].get("after_change", {}),
            }
            how = "one after the other"
        mine, theirs = pair["signals"].get("total_ms_median"), pair["households"].get("total_ms_median")
        ratio = _ratio(mine, theirs)
        if ratio is None:
            continue
        out.append(
            {
                "target": f"signals page ≤ {SIGNALS_PER_HOUSEHOLDS}× the households list{label}",
                "value": f"{ratio}× ({mine} vs {theirs} ms, {how})",
                "met": ratio <= SIGNALS_PER_HOUSEHOLDS,
            }
        )
    return out


def targets(results):
    out = []
    dashboard, lists = results.get("dashboard", {}), results.get("lists", {})
    exports, throughput = results.get("exports", {}), results.get("throughput", {})
    broken = [e["path"] for section in (dashboard, lists, exports) for e in section.values() if "error" in e]
    broken += [e["admin"]["path"] for e in lists.values() if "error" in e.get("admin", {})]
    if broken:
        out.append({"target": "every page answers 200", "value": ", ".join(broken), "met": False})
    dashboard = {k: v for k, v in dashboard.items() if "error" not in v}
    lists = {k: v for k, v in lists.items() if "error" not in v}
    exports = {k: v for k, v in exports.items() if "error" not in v}

    if dashboard or lists:
        differing = []
        # The region view adds one fixed query (its members); the same view for 1 and 342
        # municipalities must run the same number.
        scopes = {
            name: _usual(dashboard[name])
            for name in ("one municipality", "all municipalities")
            if name in dashboard
        }
        if len(set(scopes.values())) > 1:
            differing.append(f"dashboard {scopes}")
        differing += _staff_dashboard_queries(dashboard)
        for name, entry in lists.items():
            one, every = entry.get("queries_one_municipality"), entry.get("queries_all_municipalities")
            if one != every:
                differing.append(f"{name} {one}→{every}")
        out.append(
            {
                "target": "query counts constant in data size (1 vs 342 municipalities)",
                "value": "; ".join(differing) or "equal on every page",
                "met": not differing,
            }
        )
    if "all municipalities" in dashboard:
        entry = dashboard["all municipalities"]
        ratio = _ratio(entry["total_ms_median"], entry["sql_ms_median"])
        out.append(
            {
                "target": "dashboard (all) computed ≤ 1.5× its own SQL time",
                "value": f"{ratio}× ({entry['total_ms_median']} ms total, {entry['sql_ms_median']} ms SQL)",
                "met": ratio is not None and ratio <= 1.5,
            }
        )
        if "one region" in dashboard:
            region = dashboard["one region"]["total_ms_median"]
            out.append(
                {
                    "target": "region dashboard computed ≤ the all-municipality one",
                    "value": f"{region} vs {entry['total_ms_median']} ms",
                    "met": region is not None and region <= entry["total_ms_median"],
                }
            )
    for label, pick in [
        ("", lambda entry: entry),
        (" — first view after a data change", lambda entry: entry.get("after_change", {})),
    ]:
        compared = {
            name: _ratio(pick(entry).get("total_ms_median"), entry["admin"]["total_ms_median"])
            for name, entry in lists.items()
            if "admin" in entry and "error" not in entry["admin"] and pick(entry).get("total_ms_median")
        }
        if compared:
            worst = max(compared, key=compared.get)
            out.append(
                {
                    "target": f"list pages no slower than the admin changelist{label}",
                    "value": f"worst {worst} {compared[worst]}×",
                    "met": all(r <= 1.0 for r in compared.values()),
                }
            )
    out.extend(_signals_targets(lists, results.get("signals", {})))
    api = {
        k: v
        for k, v in results.get("api", {}).items()
        if "error" not in v and "error" not in v.get("page", {})
    }
    broken_api = [e["path"] for e in results.get("api", {}).values() if "error" in e]
    if broken_api:
        out.append({"target": "every API list answers 200", "value": ", ".join(broken_api), "met": False})
    if api:
        compared = {
            name: _ratio(e["total_ms_median"], e["page"]["total_ms_median"]) for name, e in api.items()
        }
        worst = max(compared, key=compared.get)
        out.append(
            {
                "target": "API lists no slower than the matching HTML list pages",
                "value": f"worst {worst} {compared[worst]}×",
                "met": all(r <= 1.0 for r in compared.values()),
            }
        )
    copies = {
        name: _ratio(e["wall_ms_median"], e["copy"]["wall_ms_median"])
        for name, e in exports.items()
        if "copy" in e
    }
    if copies:
        out.append(
            {
                "target": "CSV export within 3× of COPY",
                "value": ", ".join(f"{name} {r}×" for name, r in copies.items()),
                "met": all(r <= 3 for r in copies.values()),
            }
        )
    if exports:
        growth = {name: e["memory"]["growth_mib"] for name, e in exports.items()}
        worst = max(growth, key=growth.get)
        out.append(
            {
                "target": f"flat export memory (worker grows < {FLAT_MEMORY_MIB} MiB)",
                "value": f"worst {worst} +{growth[worst]} MiB",
                "met": growth[worst] < FLAT_MEMORY_MIB,
            }
        )
    forecast_target = bench_forecast.target(results)
    if forecast_target:
        out.append(forecast_target)
    out.extend(bench_matching.targets(results))
    if "healthz" in throughput and "municipal dashboard" in throughput:
        ratio = _ratio(throughput["municipal dashboard"]["rps"], throughput["healthz"]["rps"])
        errors = throughput["municipal dashboard"]["errors"] + throughput["healthz"]["errors"]
        out.append(
            {
                "target": "municipal dashboard ≥ 40% of /healthz requests/s, zero errors",
                "value": f"{ratio} ({throughput['municipal dashboard']['rps']} / "
                f"{throughput['healthz']['rps']} rps, {errors} errors, "
                f"{throughput['municipal dashboard'].get('data_changes', 0)} data changes during the run)",
                "met": ratio is not None and ratio >= 0.40 and errors == 0,
            }
        )
    return out


def _usual(entry):
    """The query count most of an entry's requests ran (see client.usual_queries)."""
    return entry.get("queries_usual", entry.get("queries"))


def _staff_dashboard_queries(dashboard):
    """Municipal staff with one municipality and with all 342: the same number of queries."""
    staff = {
        name: _usual(dashboard[name])
        for name in ("municipal staff (own scope)", "municipal staff (all 342)")
        if name in dashboard
    }
    return [f"staff dashboard {staff}"] if len(set(staff.values())) > 1 else []


def _fmt(value, suffix=""):
    return "–" if value is None else f"{value}{suffix}"


def _share(entry):
    ratio = _ratio(entry.get("sql_ms_median"), entry.get("total_ms_median"))
    return "–" if ratio is None else f"{round(ratio * 100)}%"


def table(results):
    header = f"{'page':<44}{'median ms':>10}{'p95 ms':>9}{'queries':>8}{'SQL':>6}  comparison"
    lines = [header, "-" * len(header)]

    def row(name, entry, comparison=""):
        if "error" in entry:
            lines.append(f"{name:<44}{'ERROR':>10}  {entry['error']}")
            return
        lines.append(
            f"{name:<44}{_fmt(entry.get('total_ms_median')):>10}{_fmt(entry.get('total_ms_p95')):>9}"
            f"{_fmt(entry.get('queries')):>8}{_share(entry):>6}  {comparison}"
        )

    for name, entry in results.get("dashboard", {}).items():
        comparison = entry["path"]
        cached = entry.get("cached", {})
        if "total_ms_median" in cached:
            comparison += f"; cached {cached['total_ms_median']} ms (p95 {cached['total_ms_p95']})"
            comparison += f", {cached['queries']} q"
        row(f"dashboard: {name}", entry, comparison)
    for entry in results.get("lists", {}).values():
        comparison = f"{entry.get('rows', '?')} rows"
        if "error" in entry.get("admin", {}):
            comparison += f"; admin ERROR {entry['admin']['error']}"
        elif "admin" in entry:
            admin = entry["admin"]
            comparison += (
                f"; admin {admin['total_ms_median']} ms, {admin['queries']} q, {admin.get('rows', '?')} rows"
                f" → {_ratio(entry['total_ms_median'], admin['total_ms_median'])}×"
            )
        after = entry.get("after_change", {})
        if "total_ms_median" in after and "total_ms_median" in entry.get("admin", {}):
            ratio = _ratio(after["total_ms_median"], entry["admin"]["total_ms_median"])
            comparison += f"; after a data change {after['total_ms_median']} ms → {ratio}×"
        comparison += f"; queries 1/342 municipalities: {entry['queries_one_municipality']}/"
        comparison += f"{entry['queries_all_municipalities']}"
        row(f"list {entry['path']}", entry, comparison)
    for entry in results.get("api", {}).values():
        page = entry.get("page", {})
        comparison = f"page {page.get('path')}"
        if "total_ms_median" in page and "total_ms_median" in entry:
            ratio = _ratio(entry["total_ms_median"], page["total_ms_median"])
            comparison += f" {page['total_ms_median']} ms, {page.get('queries')} q → {ratio}×"
        row(f"api {entry['path']}", entry, comparison)
    for _name, entry in results.get("exports", {}).items():
        if "error" in entry:
            row(f"export {entry['path']}", entry)
            continue
        comparison = f"{round(entry.get('bytes', 0) / 1e6, 1)} MB; wall {entry['wall_ms_median']} ms"
        if "copy" in entry:
            copy = entry["copy"]
            ratio = _ratio(entry["wall_ms_median"], copy["wall_ms_median"])
            comparison += f"; COPY {copy['wall_ms_median']} ms → {ratio}×"
        memory = entry["memory"]
        comparison += f"; worker +{memory['growth_mib']} MiB (peak {memory['peak_rss_mib']} MiB)"
        row(f"export {entry['path']}", entry, comparison)
    lines.extend(bench_forecast.table_rows(results))
    lines.extend(bench_matching.table_rows(results))
    for name, entry in results.get("throughput", {}).items():
        lines.append(
            f"throughput {name:<33}{entry['rps']:>10} requests/s, {entry['errors']} errors ({entry['tool']})"
        )
    data = results.get("data", {})
    lines.append("")
    if data.get("generated"):
        lines.append(f"national data generated in {data['generation_seconds']} s: {data['counts']}")
    else:
        lines.append(f"national data (cached): {data.get('counts')}")
    lines.append(f"machine: {results.get('machine')}; commit {results.get('commit')}")
    lines.append("")
    lines.append("targets:")
    for target in results.get("targets", []):
        verdict = {True: "MET", False: "MISSED", None: "n/a"}[target["met"]]
        lines.append(f"  [{verdict:^6}] {target['target']}: {target['value']}")
    return "\n".join(lines)
