#!/usr/bin/env python3
"""The benchmark table: reads scripts/bench.sh's results (one JSON line per wrk run or peak-RSS
reading), criterion's estimates and the release bundle; takes each figure's median over the
rounds; prints the table (metric, Gatehouse, peer, ratio, budget, met?) and writes it as
Markdown, followed by the sizing tables (scripts/bench/sizing.sh) when its lines are there.
Usage: report.py RESULTS.jsonl OUT.md key=value...   or, the sizing tables alone:
report.py --sizing RESULTS.jsonl OUT.md, or the Redis limiter's table alone:
report.py --redis RESULTS.jsonl OUT.md.  Standard library only."""
import datetime
import glob
import gzip
import json
import os
import platform
import statistics
import sys

sizing_only = sys.argv[1] == "--sizing"
redis_only = sys.argv[1] == "--redis"
if sizing_only or redis_only:
    del sys.argv[1]
results, out = sys.argv[1], sys.argv[2]
knobs = dict(arg.split("=", 1) for arg in sys.argv[3:])
runs = [json.loads(line) for line in open(results) if line.strip()]


def cpu_model():
    return next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                 if line.startswith("model name")), platform.machine())


def count_label(n):
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k" if n >= 1000 else str(n)


def sizing_tables():
    """scripts/bench/sizing.sh's figures: requests per CPU-second of the server (per vCPU), then
    memory and throughput as the stored sessions grow. One run each, no medians."""
    sized = [r for r in runs if r["scenario"] == "sizing"]
    if not sized:
        return []

    def one(kind, **match):
        return next((r for r in sized if r["kind"] == kind
                     and all(r.get(k) == v for k, v in match.items())), None)

    def per_cpu(run):
        return run["requests"] / run["cpu_s"] if run and run["cpu_s"] else None

    run_info = next((r for r in runs if r["scenario"] == "sizing-run"), {})
    lines = [
        f"Sizing, {datetime.date.today()}, {os.cpu_count()} vCPUs ({cpu_model()}), "
        f"Linux {platform.release()}; SQLite; wrk on the same machine; one run of "
        f"{run_info.get('seconds', '?')} s per figure; the whole sizing run took "
        f"{run_info.get('runtime_s', '?')} s. Load (1 min) before: {run_info.get('load_before', '?')}, "
        f"after: {run_info.get('load_after', '?')}; compiler processes running: "
        f"{run_info.get('compilers_before', '?')} at the start, {run_info.get('compilers_after', '?')} at the end.",
        "",
        "| load | req/s | server CPU (vCPUs busy) | per vCPU: req/s per CPU-second |",
        "|---|---:|---:|---:|",
    ]
    names = {"login": "login: POST /api/login/ (Argon2id), 4 conns",
             "refresh": "refresh: POST /api/token/refresh/, 16 sessions",
             "me": "me: GET /api/user/, 64 conns"}
    per_vcpu = {}
    for load, name in names.items():
        run = one("vcpu", load=load)
        if not run:
            continue
        per_vcpu[load] = per_cpu(run)
        busy = run["cpu_s"] / (run["requests"] / run["per_second"]) if run["requests"] else None
        lines.append(f"| {name} | {fmt(run['per_second'], 1 if load == 'login' else 0)} | "
                     f"{fmt(busy, 2)} | {fmt(per_vcpu[load], 1 if load == 'login' else 0)} |")

    memory = [r for r in sized if r["kind"] == "memory"]
    columns = sorted(((r["sessions"], r["revoked"]) for r in memory), key=lambda c: (c[1] > 0, c[0]))
    if columns:
        heads = [f"{count_label(s)} stored" + (f", {count_label(v)} revoked" if v else "")
                 for s, v in columns]
        lines += ["", f"| stored sessions | {' | '.join(heads)} |",
                  f"|---|{'---:|' * len(columns)}"]

        def cells(metric, pick, digits):
            values = [pick(s, v) for s, v in columns]
            lines.append(f"| {metric} | {' | '.join(fmt(x, digits) for x in values)} |")

        def mem(field):
            return lambda s, v: one("memory", sessions=s, revoked=v)[field] / 1024

        def load_field(load, field):
            def pick(s, v):
                run = one("load", load=load, sessions=s, revoked=v)
                return None if not run else per_cpu(run) if field == "per_cpu" else run[field]
            return pick

        cells("RSS MiB, idle after start", mem("idle_kib"), 1)
        cells("RSS MiB, after the loads", mem("after_kib"), 1)
        cells("peak RSS MiB (VmHWM)", mem("peak_kib"), 1)
        cells("start-up s (exec to /readyz)", lambda s, v: one("memory", sessions=s, revoked=v)["ready_s"], 2)
        cells("refresh: rotations/s (512 sessions spread over the table)", load_field("refresh", "per_second"), 0)
        cells("refresh: p99 ms", load_field("refresh", "p99_ms"), 2)
        cells("refresh: rotations per CPU-second", load_field("refresh", "per_cpu"), 0)
        cells("me: GET /api/user/ req/s (64 conns)", load_field("me", "per_second"), 0)
        cells("me: p99 ms", load_field("me", "p99_ms"), 2)
        cells("me: requests per CPU-second", load_field("me", "per_cpu"), 0)
        cells("GET /metrics ms (counts live sessions)",
              lambda s, v: one("memory", sessions=s, revoked=v)["metrics_ms"], 1)

    summary = []
    if per_vcpu:
        summary.append("1 vCPU per " + ", per ".join(
            f"{fmt(per_vcpu[load], 0)} {what}" for load, what in
            (("login", "password logins/s"), ("refresh", "refreshes/s"), ("me", "GET /api/user/ per second"))
            if per_vcpu.get(load)))
    live = [stored for stored, gone in columns if not gone]
    if live:
        run = one("memory", sessions=max(live), revoked=0)
        summary.append(f"{run['after_kib'] / 1024:,.0f} MiB resident with {count_label(max(live))} stored sessions")
    for stored, gone in columns:
        base = one("memory", sessions=stored, revoked=0)
        if gone and base:
            extra = (one("memory", sessions=stored, revoked=gone)["idle_kib"] - base["idle_kib"]) / 1024
            summary.append(f"{extra:+,.1f} MiB idle RSS for {count_label(gone)} revoked sessions held in memory")
    lines += [
        "",
        "Per vCPU: the load's requests over the CPU-seconds the server process used during it "
        "(utime + stime of all its threads; SQLite runs inside the process, so the database's "
        "work is included, wrk's is not). Stored sessions: live sessions of filler accounts "
        "(four each) written into the table with the server stopped; the revoked column is the "
        "same table with every filler session revoked a minute before start, so the server holds "
        "them in its revocation set. In short: " + "; ".join(summary) + ".",
    ]
    return lines


def fmt(value, digits):
    return "—" if value is None else f"{value:,.{digits}f}"


def redis_table():
    """The rate limits in Redis against the limits off: the same build side by side on SQLite,
    alternating round by round (scripts/bench.sh, redis_limits), medians over the rounds."""
    def figure(scenario, server, field):
        values = [r[field] for r in runs if r["scenario"] == scenario
                  and r["server"] == server and r.get("db") == "redis-limits"]
        return statistics.median(values) if values else None

    if figure("refresh", "gatehouse-redis", "per_second") is None:
        return []
    lines = [
        "| metric | limits in Redis | limits off | Redis vs off | budget | met? |",
        "|---|---:|---:|---:|---|---|",
    ]

    def line(metric, scenario, field, digits, budget="", bound=None):
        redis, off = figure(scenario, "gatehouse-redis", field), figure(scenario, "gatehouse", field)
        cost, met = "", ""
        if redis is not None and off:
            if field == "per_second":
                loss = (1 - redis / off) * 100
                cost = f"{-loss:+.1f} %"
                verdict = bound is not None and loss <= bound
            else:
                extra = redis - off
                cost = f"{extra:+.2f} ms"
                verdict = bound is not None and extra <= bound
            met = "" if bound is None else "yes" if verdict else "**NO**"
        elif bound is not None:
            met = "not measured"
        lines.append(f"| {metric} | {fmt(redis, digits)} | {fmt(off, digits)} | {cost} | {budget} | {met} |")

    line("refresh: rotations/s (64 sessions, flat out)", "refresh", "per_second", 0, "≤ 10 %", 10)
    line("refresh: p99 ms (flat out: mostly the queue)", "refresh", "p99_ms", 2)
    line("refresh paced: p50 ms (64 conns, each every 40 ms)", "paced", "p50_ms", 2)
    line("refresh paced: p99 ms", "paced", "p99_ms", 2, "≤ +1 ms", 1)
    line("login: sign-ins/s (4 conns)", "login", "per_second", 1)
    line("login: p99 ms", "login", "p99_ms", 1)
    fallbacks = sum(r["count"] for r in runs if r["scenario"] == "redis-fallbacks")
    failed = sum(r.get("errors", 0) for r in runs if r.get("db") == "redis-limits")
    lines += [
        "",
        f"Budgets of a million a second (nothing refused), so every limited request runs one "
        f"EVALSHA on the Redis at 127.0.0.1:6379, beside the server on the same cores "
        f"(REDIS_TIMEOUT_MS={knobs.get('redis_timeout_ms', '10')}). Fallbacks to the memory "
        f"during the runs (a check over the timeout: the memory then answers for a second): "
        f"{fallbacks}; failed "
        f"requests: {failed}. The p99 budget applies to the paced load: flat out, a closed loop's "
        f"latency is connections over throughput (Little's law), so its p99 follows the "
        f"throughput's cost.",
    ]
    return lines


if redis_only:
    table = "\n".join(redis_table())
    open(out, "w").write(table + "\n")
    print("\n" + table)
    sys.exit()


if sizing_only:
    table = "\n".join(sizing_tables())
    open(out, "w").write(table + "\n")
    print("\n" + table)
    sys.exit()


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


def bundle_kib(lazy=False):
    """The site's wasm and JS, raw and gzipped (KiB): what every page loads (the main wasm and
    all JS: the split loader is imported by the main module), or with lazy=True the wasm files
    `cargo leptos --split` made for `#[lazy]` functions, loaded only when first needed."""
    files = [f for ext in ("wasm", "js") for f in glob.glob(f"target/site/pkg/*.{ext}")]
    files = [f for f in files if (f.endswith(".wasm") and not f.endswith("/gatehouse.wasm")) == lazy]
    if not files:
        return None, None
    data = [open(f, "rb").read() for f in files]
    return sum(map(len, data)) / 1024, sum(len(gzip.compress(d, 9)) for d in data) / 1024


rows = []  # (metric, gatehouse, peer, ratio, budget, met)


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
for db, name in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
    paced_p99 = median("paced", G, db, "p99_ms")
    row(f"refresh paced: p99 ms ({knobs['refresh_connections']} conns, each every "
        f"{knobs['refresh_pace_ms']} ms, {name})", paced_p99, None, 2, False,
        budget="≤ 10 ms", met=at_most(paced_p99, 10))
    row(f"refresh paced: rotations/s ({name})", median("paced", G, db, "per_second"), None)
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
rows.append(("wasm + JS bundle KiB, raw (what every page loads)", fmt(raw, 0), "—", "", "", ""))
rows.append(("wasm + JS bundle KiB, gzip -9", fmt(zipped, 1), "—", "", "≤ 250 KB",
             "not measured" if zipped is None else "yes" if zipped * 1024 <= 250_000 else "**NO**"))
lazy_raw, lazy_zipped = bundle_kib(lazy=True)
rows.append(("lazy wasm KiB, gzip -9 (split off, loaded when first needed)", fmt(lazy_zipped, 1), "—", "",
             "", ""))
sign, verify = criterion_us("sign_pair"), criterion_us("verify_access")
rows.append(("token sign, a pair µs (criterion)", fmt(sign, 2), "—", "", "", ""))
rows.append(("token verify µs (criterion)", fmt(verify, 2), "—", "", "≤ 5 µs",
             "not measured" if verify is None else "yes" if verify <= 5 else "**NO**"))
for alg, budget in (("eddsa", 50), ("es256", 50), ("rs256", None)):
    sign, verify = criterion_us(f"sign_pair_{alg}"), criterion_us(f"verify_access_{alg}")
    label = {"eddsa": "EdDSA", "es256": "ES256", "rs256": "RS256"}[alg]
    rows.append((f"token sign {label}, a pair µs (criterion)", fmt(sign, 2), "—", "", "", ""))
    met = "" if budget is None else "not measured" if verify is None else \
        "yes" if verify <= budget else "**NO**"
    rows.append((f"token verify {label} µs (criterion)", fmt(verify, 2), "—", "",
                 "" if budget is None else f"≤ {budget} µs", met))
rows.append(("failed requests, all runs", str(errors(G) + errors("gatehouse-redis")), str(errors(P) + errors("peer-argon2")), "", "", ""))

cpu = cpu_model()


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
sizing = sizing_tables()
redis = redis_table()
table = "\n".join(header + [f"| {' | '.join(r)} |" for r in rows] + footer
                  + (["", "### Rate limits in Redis", ""] + redis if redis else [])
                  + (["", "### Sizing", ""] + sizing if sizing else []))
open(out, "w").write(table + "\n")
print("\n" + table)
