#!/usr/bin/python3
"""The source tree keeps the shape docs/design.md ("Layout") gives it.

- No include loop under gst/.  A file's module is its name without the
  extension (x.h and x.cpp are one module); module A depends on module B
  when a file of A includes "B.h", resolved by the header's basename against
  gst/** (headers that are not there, config.h and the system's, are left
  out).  A loop is a cycle of such dependencies, however long: x.h including
  y.h while y.cpp includes x.h is one.
- The layers point down only: nothing in gst/core includes a header of
  gst/runtime or gst/elements, nothing in gst/runtime one of gst/elements.
- No source file under gst/ is over 900 lines, no file under bench/ over 800.
- tests/check mirrors gst/: it has core/, runtime/ and elements/ (common/ for
  the helpers they share, nothing else), and each test file tests the layer
  of its folder.  A test tests the elements when it names one of the
  plugin's element factories (in a string of C++, anywhere in a script's
  code; comments aside), looks the plugin up by name, or includes an
  elements header; otherwise it tests the highest layer whose headers it
  includes.

Prints each problem, then fails.  SPDX-License-Identifier: LGPL-2.1-or-later
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GST = os.path.join(ROOT, "gst")
LAYERS = ("core", "runtime", "elements")  # bottom to top
SOURCE_EXT = (".c", ".cpp", ".h", ".hpp")
MAX_GST_LINES = 900
MAX_BENCH_LINES = 800


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def rel(path):
    return os.path.relpath(path, ROOT)


def files_under(top, ext=None):
    found = []
    for dirpath, _, names in os.walk(top):
        for name in names:
            if ext is None or name.endswith(ext):
                found.append(os.path.join(dirpath, name))
    return sorted(found)


def quoted_includes(path):
    return re.findall(r'^\s*#\s*include\s+"([^"]+)"', read(path), re.M)


def layer_of(path):
    """core, runtime or elements for a file under gst/; None for plugin.cpp."""
    parts = os.path.relpath(path, GST).split(os.sep)
    return parts[0] if len(parts) > 1 and parts[0] in LAYERS else None


def gst_headers():
    """basename -> the header files of gst/ with that basename."""
    headers = {}
    for p in files_under(GST, (".h", ".hpp")):
        headers.setdefault(os.path.basename(p), []).append(p)
    return headers


def check_loops(problems, sources, headers):
    module = lambda p: os.path.splitext(rel(p))[0]
    deps = {}
    for src in sources:
        for inc in quoted_includes(src):
            for target in headers.get(os.path.basename(inc), []):
                if module(target) != module(src):
                    deps.setdefault(module(src), set()).add(module(target))
    # Tarjan's strongly connected components: every component of more than
    # one module is a loop.
    index, low, stack, on_stack, loops = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(deps.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for v in sorted(deps):
        if v not in index:
            visit(v)
    for loop in loops:
        members = set(loop)
        edges = [f"{a} -> {b}" for a in loop for b in sorted(deps.get(a, ())) if b in members]
        problems.append(f"include loop between {', '.join(loop)} ({'; '.join(edges)})")
    print(f"ok: include loops looked for among {len(deps)} modules")


def check_layers(problems, sources, headers):
    n = 0
    for src in sources:
        own = layer_of(src)
        if own is None:
            continue
        for inc in quoted_includes(src):
            for target in headers.get(os.path.basename(inc), []):
                n += 1
                other = layer_of(target)
                if other in LAYERS and LAYERS.index(other) > LAYERS.index(own):
                    problems.append(f"{rel(src)} ({own}) includes {rel(target)} ({other}): "
                                    f"gst/{own} may not reach up into gst/{other}")
    print(f"ok: {n} includes checked against the layers")


def check_lengths(problems):
    limits = [(p, MAX_GST_LINES) for p in files_under(GST, SOURCE_EXT)]
    limits += [(p, MAX_BENCH_LINES) for p in files_under(os.path.join(ROOT, "bench"))]
    for path, limit in limits:
        with open(path, "rb") as f:
            lines = sum(1 for _ in f)
        if lines > limit:
            problems.append(f"{rel(path)} has {lines} lines, over the {limit} allowed there")
    print(f"ok: {len(limits)} file lengths checked")


def element_factories():
    """The plugin's element names, from each GST_ELEMENT_REGISTER_DEFINE."""
    names = set()
    for src in files_under(os.path.join(GST, "elements"), ".cpp"):
        names.update(re.findall(r'GST_ELEMENT_REGISTER_DEFINE\w*\s*\(\s*\w+\s*,\s*"([\w-]+)"', read(src)))
    return names


def code_text(path):
    """What a test file does, its comments left out: the string literals of
    C and C++ (elements are named in strings there), the whole code of a
    script (gst-launch lines name them as words)."""
    text = read(path)
    if not path.endswith((".c", ".cpp", ".h")):
        return re.sub(r"^\s*#.*$", " ", text, flags=re.M)
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"(^|\s)//.*$", " ", text, flags=re.M)
    return "\n".join(re.findall(r'"((?:[^"\\\n]|\\.)*)"', text))


def uses_elements(path, factories):
    """Whether a test makes one of the plugin's elements (names its factory,
    itself or through a helper of tests/check/common/ it includes) or looks
    the plugin's elements up in the registry by the plugin's name."""
    text = code_text(path)
    common = os.path.join(ROOT, "tests", "check", "common")
    for inc in re.findall(r'#include\s+"([\w.]+)"', read(path)):
        if os.path.isfile(os.path.join(common, inc)):
            text += code_text(os.path.join(common, inc))
    if any(re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", text) for f in factories):
        return True
    return bool(re.search(r'(find_plugin|by_plugin)\s*\([^;]*"comedia"', read(path)))


def check_tests(problems, headers):
    check = os.path.join(ROOT, "tests", "check")
    factories = element_factories()
    if len(factories) < 3:
        problems.append(f"found only {len(factories)} element factories in gst/elements: is the pattern out of date?")
    for layer in LAYERS:
        if not os.path.isdir(os.path.join(check, layer)):
            problems.append(f"tests/check has no {layer}/ folder (tests/check mirrors gst/)")
    n = 0
    for path in files_under(check):
        top = os.path.relpath(path, check).split(os.sep)
        if len(top) == 1 or top[0] == "common":
            continue
        if top[0] not in LAYERS:
            problems.append(f"{rel(path)}: tests/check/{top[0]}/ is not a layer of gst/ "
                            f"({', '.join(LAYERS)}, and common/ for shared helpers)")
            continue
        if not re.match(r"(test_|test-).*\.(cpp|c|py|sh)$|.*\.sh$", top[-1]):
            continue
        n += 1
        included = {layer_of(h) for inc in quoted_includes(path) for h in headers.get(os.path.basename(inc), [])}
        if uses_elements(path, factories) or "elements" in included:
            tested = "elements"
        else:
            tested = max((l for l in included if l in LAYERS), key=LAYERS.index, default=None)
        if tested != top[0]:
            what = f"the {tested} layer" if tested else "no layer of gst/ (no header of it, no element)"
            problems.append(f"{rel(path)} is in tests/check/{top[0]}/ but tests {what}")
    print(f"ok: {n} test files checked against their folders")


def main():
    problems = []
    sources = files_under(GST, SOURCE_EXT)
    headers = gst_headers()
    for name, paths in sorted(headers.items()):
        if len(paths) > 1:
            problems.append(f"two headers named {name} ({', '.join(rel(p) for p in paths)}): "
                            "includes resolve by basename (one include directory per folder)")
    check_loops(problems, sources, headers)
    check_layers(problems, sources, headers)
    check_lengths(problems)
    check_tests(problems, headers)
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
