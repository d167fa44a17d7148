#!/usr/bin/env python3
"""Check the import graph of the `server` and `app` crates (run by `make lint`).

The server is layered (see server/src/lib.rs): cli/startup/config, then http, jobs, auth,
telemetry, store, and clock/allocator at the bottom. The compiler cannot enforce that, since
any module may `use crate::anything`, so this script reads the sources (no cargo, standard
library only) and exits 1 when:
  * files of either crate import each other in a cycle (a file is a module: lib.rs is the
    root, `a.rs` and `a/mod.rs` are `a`, `a/b.rs` is `a::b`);
  * a server module uses a higher layer (clock and allocator use nothing of the crate);
  * server/src/{auth,store,telemetry,jobs} mention axum, tower, leptos, utoipa or `http::`.
References are `use` trees and inline `crate::`/`super::`/`self::` paths outside comments,
strings and test modules (test code is still held to the crate rule). A path lands in its
longest module prefix, then follows that module's imports: `pub use client::Client;` in
auth/mod.rs makes `crate::auth::Client` an edge to auth::client. Private imports are followed
too (child modules can reach them as `super::Name`). Re-exports count as edges of the module
that makes them: a mod.rs re-exporting from a child that uses `super::X` forms a cycle.

Usage: python3 scripts/check-layers.py [--graph]   (--graph also prints every edge)
"""
import argparse
import re
import signal
import sys
from collections import defaultdict
from pathlib import Path

CRATES = ["server/src", "app/src"]
SKIP = {"server/src/main.rs"}  # the binary crate; it only uses `gatehouse::`
LAYERS = {"": 1, "cli": 1, "startup": 1, "config": 1, "http": 2, "jobs": 3, "auth": 4,
          "telemetry": 5, "store": 6, "clock": 7, "allocator": 7}
LEAF = 7  # may use nothing of the crate
NO_HTTP = ("auth", "store", "telemetry", "jobs")
HTTP_CRATES = "axum|tower|tower_http|leptos|leptos_axum|utoipa|utoipa_axum|http"
# Outside `use`s (checked by their expanded paths): `axum::x` or `::axum::x`, not `crate::http::x`.
FORBIDDEN = re.compile(rf"(?<![\w:])(?:::)?({HTTP_CRATES})::")
USE = re.compile(r"^([ \t]*)(?:pub(?:\s*\([^)]*\))?\s+)?use\s+([^;]+);", re.M)
MOD = re.compile(r"^\s*(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+(\w+)\s*;", re.M)
INLINE = re.compile(r"\b(?:crate|super|self)(?:::\w+)+")
TESTS = re.compile(r"^\s*#\[cfg\(test\)\]\s*\n\s*mod\s+tests\s*\{", re.M)
# `#[cfg(test)] #[path = "x_tests.rs"] mod tests;`: that file is test code, not a module.
TEST_FILE = re.compile(r"((?:\s*#\[[^\]]*\])+)\s*mod\s+\w+\s*;")
# What strip() blanks: a // comment, a /* */ comment, a raw string, a string, a char literal.
LITERAL = re.compile(r"//[^\n]*|/\*.*?\*/|" r'b?r(#*)".*?"\1|b?"(?:\\.|[^"\\])*"|'
                     r"b?'(?:\\.[^'\n]*|[^'\\])'", re.S)


def blank(text):
    return re.sub(r"[^\n]", " ", text)  # keeps line numbers


def strip(src):
    """Blank comments, strings and char literals (not lifetimes); nested /* */ is not handled."""
    return LITERAL.sub(lambda m: blank(m.group()), src)


def drop_tests(code):
    """Blank the `#[cfg(test)] mod tests { ... }` block, matching braces."""
    m = TESTS.search(code)
    if not m:
        return code
    depth, j = 1, m.end()
    while j < len(code) and depth:
        depth += {"{": 1, "}": -1}.get(code[j], 0)
        j += 1
    return code[:m.start()] + blank(code[m.start():j]) + code[j:]


def expand(tokens, i, prefix):
    """Expand the use tree at tokens[i]: ([(segments, name it binds)], next index)."""
    segs = []
    while True:
        if tokens[i] == "{":
            out, i = [], i + 1
            while tokens[i] != "}":
                sub, i = expand(tokens, i, prefix + segs)
                out += sub
                i += tokens[i] == ","
            return out, i + 1
        if tokens[i] == "*":
            return [(prefix + segs + ["*"], None)], i + 1
        segs.append(tokens[i])
        i += 1
        if i < len(tokens) and tokens[i] == "::":
            i += 1
            continue  # more segments
        full = prefix + segs[:-1] if segs[-1] == "self" else prefix + segs
        name = full[-1] if full else None
        if i < len(tokens) and tokens[i] == "as":
            name, i = tokens[i + 1], i + 2
        return [(full, name)], i


def uses(code):
    """The `use` declarations: ([(line, indented?, segments, bound name)], code without them)."""
    out = []
    for m in USE.finditer(code):
        tokens = re.findall(r"::|\w+|[{},*]", m.group(2))
        tokens = tokens[1:] if tokens[:1] == ["::"] else tokens  # `use ::axum::Json;`
        line = code.count("\n", 0, m.start()) + 1
        out += [(line, bool(m.group(1)), segs, name) for segs, name in expand(tokens, 0, [])[0]]
    return out, USE.sub(lambda m: blank(m.group()), code)


def absolute(cur, segs, children):
    """The path from the crate root as a tuple; None if external, a glob, or invalid."""
    if not segs or segs[-1] == "*":
        return None
    if segs[0] in ("crate", "self") or segs[0] in children:
        return {"crate": (), "self": cur}.get(segs[0], cur + (segs[0],)) + tuple(segs[1:])
    if segs[0] != "super":
        return None  # an external crate
    while segs and segs[0] == "super":
        if not cur:
            return None
        cur, segs = cur[:-1], segs[1:]
    return cur + tuple(segs)


def scan(root, base):
    """Every module of one crate: {module path tuple: {file, raw, refs, imports}}."""
    files = sorted((root / base).rglob("*.rs"))
    skip = set(SKIP)
    for path in files:
        for m in TEST_FILE.finditer(path.read_text(encoding="utf-8")):
            attr = re.search(r'#\[path\s*=\s*"([^"]+)"\]', m.group(1))
            if attr and "cfg(test)" in m.group(1):
                skip.add((path.parent / attr.group(1)).relative_to(root).as_posix())
    mods = {}
    for path in files:
        rel = path.relative_to(root).as_posix()
        parts = list(path.relative_to(root / base).with_suffix("").parts)
        if rel in skip:
            continue
        if parts[-1] == "mod" or parts == ["lib"]:
            parts.pop()
        raw = strip(path.read_text(encoding="utf-8"))
        mods[tuple(parts)] = {"file": rel, "raw": raw, "code": drop_tests(raw)}
    for mod, info in mods.items():
        code = info["code"]
        children = {c for c in MOD.findall(code) if mod + (c,) in mods}
        refs, imports = [], {}
        decls, code = uses(code)  # blanked, so `use crate::a::{b}` is not also `crate::a`
        for line, indented, segs, name in decls:
            target = absolute(mod, segs, children)
            if target is not None:
                refs.append((line, "::".join(segs), target))
                if name and not indented:  # a module-level import: followable
                    imports[name] = target
        for line, text in enumerate(code.split("\n"), 1):
            for p in INLINE.findall(text):
                target = absolute(mod, p.split("::"), children)
                if target is not None:
                    refs.append((line, p, target))
        info.update(refs=refs, imports=imports)
    return mods


def resolve(mods, path):
    """The module a path lands in: its longest module prefix, then through imports."""
    for _ in range(20):  # bounded, in case imports loop
        k = max(k for k in range(len(path) + 1) if path[:k] in mods)
        mod, rest = path[:k], path[k:]
        if not rest or rest[0] not in mods[mod]["imports"]:
            break
        path = mods[mod]["imports"][rest[0]] + rest[1:]
    return mod


def sccs(graph, nodes):
    """Tarjan's strongly connected components, iteratively."""
    index, low, stack, out = {}, {}, [], []
    for start in nodes:
        if start in index:
            continue
        index[start] = low[start] = len(index)
        stack.append(start)
        work = [(start, iter(sorted(graph[start])))]
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = stack[stack.index(v):]
                    del stack[stack.index(v):]
                    out.append(comp)
            elif w not in index:
                index[w] = low[w] = len(index)
                stack.append(w)
                work.append((w, iter(sorted(graph[w]))))
            elif w in stack:
                low[v] = min(low[v], index[w])
    return out


def name(mod):
    return "::".join(mod) or "crate"  # the root is lib.rs


def check(root, base, problems, graph_out):
    """Append one crate's violations to problems and its edges to graph_out; count modules."""
    mods = scan(root, base)
    edges = defaultdict(list)  # (from, to) -> [(file, line, path as written)]
    for mod, info in mods.items():
        for line, text, target in info["refs"]:
            dest = resolve(mods, target)
            if dest != mod:
                edges[mod, dest].append((info["file"], line, text))
    graph_out += [f"# {base}"] + [f"{name(a)} -> {name(b)}" for a, b in sorted(edges)]
    # Cycles: any strongly connected component of more than one file.
    graph = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    for comp in sccs(graph, sorted(mods)):
        if len(comp) > 1:
            problems.append(f"cycle in {base}: " + ", ".join(sorted(map(name, comp))))
            for a, b in sorted(e for e in edges if e[0] in comp and e[1] in comp):
                problems += [f"  {file}:{n}: {text}  ({name(a)} -> {name(b)})"
                             for file, n, text in edges[a, b]]
    if base != "server/src":
        return len(mods)
    # Layers: same or lower layer only; leaves use nothing outside themselves.
    for (a, b), refs in sorted(edges.items()):
        ta, tb = (a[0] if a else ""), (b[0] if b else "")
        la, lb = LAYERS.get(ta), LAYERS.get(tb)
        if la and lb and ta != tb and (lb < la or la == LEAF):
            problems += [f"{file} -> {text} ({ta or 'lib.rs'} may not use {tb or 'lib.rs'})"
                         for file, n, text in refs]
    for mod, info in mods.items():
        if (mod[0] if mod else "") not in LAYERS:
            problems.append(f"{info['file']}: top-level module `{mod[0]}` is in no layer (LAYERS)")
    # HTTP and UI crates below http, test code included.
    for mod, info in mods.items():
        if mod and mod[0] in NO_HTTP:
            decls, code = uses(info["raw"])
            found = [(n, segs[0]) for n, _, segs, _ in decls
                     if segs and re.fullmatch(HTTP_CRATES, segs[0])]
            for n, text in enumerate(code.split("\n"), 1):
                found += [(n, m.group(1)) for m in FORBIDDEN.finditer(text)]
            problems += [f"{info['file']}:{n}: uses the `{crate}` crate ({mod[0]} must stay free"
                         f" of HTTP and UI crates)" for n, crate in sorted(found)]
    return len(mods)


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    ap = argparse.ArgumentParser(description="Check import cycles and the server's layers.")
    ap.add_argument("--graph", action="store_true", help="also print every module -> module edge")
    repo = Path(__file__).resolve().parent.parent
    ap.add_argument("--root", default=repo, help=argparse.SUPPRESS)  # for tests on a copy
    args = ap.parse_args()
    problems, graph_out = [], []
    counts = [check(Path(args.root), base, problems, graph_out) for base in CRATES]
    if args.graph:
        print("\n".join(graph_out))
    if problems:
        print("\n".join(["check-layers: violations found"] + problems))
        return 1
    print(f"layers ok: {counts[0]} modules in server/src, {counts[1]} in app/src, no cycles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
