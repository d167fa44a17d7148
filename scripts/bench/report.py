#!/usr/bin/env python3
"""The benchmark table: reads scripts/bench.sh's results (one JSON line per wrk run or peak-RSS
reading), criterion's estimates and the release bundle; takes each figure's median over the
rounds; prints the table (metric, Gatehouse, peer, ratio, budget, met?) and writes it as
Markdown. Usage: report.py RESULTS.jsonl OUT.md key=value...  Standard library only."""
import datetime
import glob
import gzip
import json
import os
import platform
import statistics
import sys

results, out = sys.argv[1], sys.argv[2]
knobs = dict(arg.split("=", 1) for arg in sys.argv[3:])
runs = [json.loads(line) for line in open(results) if line.strip()]


def median(scenario, server, db, field):
    values = [r[field] for r in runs
              if r["scenario"] == scenario and r["server"] == server and r.get("db") == db]
    return statistics.median(values) if values else None


def errors(server):
    return sum(r.get("errors", 0) for r in runs if r["server"] == server)


def peak_rss_mib(prefix):
    values = [r["kib"] for r in runs if r["scenario"] == "rss" and r["server"].startswith(prefix)]
    return max(values) / 1024 if values else None


def criterion_us(name):
    try:
        estimates = json.load(open(f"target/criterion/{name}/new/estimates.json"))
        return estimates["mean"]["point_estimate"] / 1000
    except FileNotFoundError:
        return None


def bundle_kib():
    files = [f for ext in ("wasm", "js") for f in glob.glob(f"target/site/pkg/*.{ext}")]
    if not files:
        return None, None
    data = [open(f, "rb").read() for f in files]
    return sum(map(len, data)) / 1024, sum(len(gzip.compress(d, 9)) for d in data) / 1024


rows = []  # (metric, gatehouse, peer, ratio, budget, met)


def fmt(value, digits):
    return "—" if value is None else f"{value:,.{digits}f}"


def row(metric, ours, theirs, digits=0, higher_is_better=True, budget="", met=None):
    ratio = ""
    if ours and theirs:
        ratio = f"{ours / theirs if higher_is_better else theirs / ours:,.1f}×"
    verdict = "" if met is None else ("yes" if met else "**NO**")
    if budget and met is not None and (ours is None or (theirs is None and "peer" in budget)):
        verdict = "not measured"
    rows.append((metric, fmt(ours, digits), fmt(theirs, digits), ratio, budget, verdict))


def at_least(value, bound):
    return value is not None and value >= bound


def at_most(value, bound):
    return value is not None and value <= bound


def ratio_of(ours, theirs):
    return ours / theirs if ours and theirs else None


G, P = "gatehouse", "peer"
me = (median("me", G, "sqlite", "per_second"), median("me", P, "sqlite", "per_second"))
row(f"me: GET /api/user/ req/s ({knobs['me_connections']} conns, SQLite)", *me,
    budget="≥ 30× peer", met=at_least(ratio_of(*me), 30))
row("me: p50 ms", median("me", G, "sqlite", "p50_ms"), median("me", P, "sqlite", "p50_ms"), 2, False)
me_p99 = median("me", G, "sqlite", "p99_ms")
row("me: p99 ms", me_p99, median("me", P, "sqlite", "p99_ms"), 2, False,
    budget="≤ 2 ms", met=at_most(me_p99, 2))
refresh = (median("refresh", G, "sqlite", "per_second"), median("refresh", P, "sqlite", "per_second"))
row(f"refresh: rotations/s ({knobs['refresh_connections']} sessions, SQLite)", *refresh,
    budget="≥ 10× peer", met=at_least(ratio_of(*refresh), 10))
row("refresh: p99 ms (SQLite)", median("refresh", G, "sqlite", "p99_ms"),
    median("refresh", P, "sqlite", "p99_ms"), 2, False)
row("refresh: rotations/s (PostgreSQL)", median("refresh", G, "postgres", "per_second"),
    median("refresh", P, "postgres", "per_second"), budget="reported")
row("refresh: p99 ms (PostgreSQL)", median("refresh", G, "postgres", "p99_ms"),
    median("refresh", P, "postgres", "p99_ms"), 2, False)
row("me: req/s (PostgreSQL)", median("me", G, "postgres", "per_second"),
    median("me", P, "postgres", "per_second"))
row(f"login: sign-ins/s ({knobs['login_connections']} conns)", median("login", G, "sqlite", "per_second"),
    median("login", P, "sqlite", "per_second"), 1)
row("login: p50 ms", median("login", G, "sqlite", "p50_ms"), median("login", P, "sqlite", "p50_ms"), 1, False)
row("login: sign-ins/s, peer on Argon2", median("login", G, "sqlite", "per_second"),
    median("login", "peer-argon2", "sqlite", "per_second"), 1)
row("login: p50 ms, peer on Argon2", median("login", G, "sqlite", "p50_ms"),
    median("login", "peer-argon2", "sqlite", "p50_ms"), 1, False)
mixed_p99 = median("mixed", G, "sqlite", "p99_ms")
row("mixed: GET /api/user/ p99 ms during a login storm", mixed_p99,
    median("mixed", P, "sqlite", "p99_ms"), 2, False, budget="≤ 10 ms", met=at_most(mixed_p99, 10))
row("mixed: sign-ins/s of the storm", median("storm", G, "sqlite", "per_second"),
    median("storm", P, "sqlite", "per_second"), 1)
rss = peak_rss_mib(G)
row("peak RSS MiB (whole run; peer: master + workers)", rss, peak_rss_mib("peer-sqlite"), 1, False,
    budget="≤ 64 MB", met=at_most(rss, 64))
raw, zipped = bundle_kib()
rows.append(("wasm + JS bundle KiB, raw", fmt(raw, 0), "—", "", "", ""))
rows.append(("wasm + JS bundle KiB, gzip -9", fmt(zipped, 1), "—", "", "≤ 250 KB",
             "not measured" if zipped is None else "yes" if zipped * 1024 <= 250_000 else "**NO**"))
sign, verify = criterion_us("sign_pair"), criterion_us("verify_access")
rows.append(("token sign, a pair µs (criterion)", fmt(sign, 2), "—", "", "", ""))
rows.append(("token verify µs (criterion)", fmt(verify, 2), "—", "", "≤ 5 µs",
             "not measured" if verify is None else "yes" if verify <= 5 else "**NO**"))
rows.append(("failed requests, all runs", str(errors(G)), str(errors(P) + errors("peer-argon2")), "", "", ""))

cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
            if line.startswith("model name")), platform.machine())


def note(name):
    path = f"target/bench/{name}"
    return open(path).read().strip() if os.path.exists(path) else "?"


header = [
    f"Gatehouse vs Django + DRF + simplejwt, {datetime.date.today()}, {os.cpu_count()} cores ({cpu}), "
    f"Linux {platform.release()}; both on loopback in the same run, wrk driving them alternately, "
    f"{knobs['rounds']} rounds of {knobs['seconds']} s per scenario, medians shown. "
    f"Load before: {note('load-before').split('load average:')[-1].strip()}, "
    f"after: {note('load-after').split('load average:')[-1].strip()}; "
    f"compiler processes running: {note('compilers-before')} at the start, {note('compilers-after')} at the end.",
    "",
    "| metric | Gatehouse | peer | ratio | budget | met? |",
    "|---|---:|---:|---:|---|---|",
]
footer = [
    "",
    "Ratios are always \"how many times better Gatehouse is\" (throughput over throughput, latency "
    "over latency inverted). Password hashing: Gatehouse Argon2id m=19 MiB, t=2, p=1 (OWASP); the peer "
    f"PBKDF2-SHA256 with {knobs['pbkdf2_iterations']} iterations (Django's default), and with "
    "PEER_ARGON2=1 Django's Argon2 hasher (argon2-cffi: m=100 MiB, t=2, p=8). Mixed: a storm of "
    f"{knobs['storm_connections']} connections signing in back to back while {knobs['probe_connections']} "
    f"connections read GET /api/user/ every {knobs['probe_delay_ms']} ms. The load generator shares "
    "the machine's cores with the server under test, as it does for the peer.",
]
table = "\n".join(header + [f"| {' | '.join(r)} |" for r in rows] + footer)
open(out, "w").write(table + "\n")
print("\n" + table)
