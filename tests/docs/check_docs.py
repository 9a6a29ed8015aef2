#!/usr/bin/python3
"""The Markdown documentation agrees with itself and with the code.

- Every relative link in README.md and docs/*.md (and examples/*.md) leads
  to a file that exists, and every #anchor to a heading of that file.
- docs/troubleshooting.md names every bus message the elements post (the
  names given to gst_structure_new, component_message, post_description in
  gst/**/*.cpp) and every field they, the stats structures and the error
  details carry.
- docs/design.md names only files and functions that exist in the code:
  every gst/... file, and every identifier in `backticks` that has an
  underscore or :: in it and is not GLib's or GStreamer's.
- The table of docs/design.md "The pieces" holds: each row's files exist
  under gst/ (`core/net/peeraddress.*`, a path under gst/ with * for the
  extension), every identifier in `backticks` in a row appears somewhere
  under gst/, and no row says "not called yet", "not used yet" or "unused"
  of a row's subject (its first identifier, or one named before the words
  in that sentence) that a file of gst/ other than the row's own uses
  (under gst/elements/ for "not used by the elements yet", and so on).

Prints each problem, then fails.  SPDX-License-Identifier: LGPL-2.1-or-later
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def slug(heading):
    """The anchor a code-hosting site (GitHub) gives a heading."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    text = re.sub(r"```.*?```", "", read(path), flags=re.S)
    return {slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}


def check_links(problems):
    docs = [os.path.join(ROOT, "README.md")] + sorted(
        glob.glob(os.path.join(ROOT, "docs", "*.md")) + glob.glob(os.path.join(ROOT, "examples", "*.md")))
    n = 0
    for doc in docs:
        text = re.sub(r"```.*?```", "", read(doc), flags=re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^[a-z]+:", target):
                continue
            n += 1
            path, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(doc), path)) if path else doc
            where = os.path.relpath(doc, ROOT)
            if not os.path.exists(dest):
                problems.append(f"{where}: link to {target}: no such file")
            elif anchor and dest.endswith(".md") and anchor not in anchors(dest):
                problems.append(f"{where}: link to {target}: no heading with that anchor")
    print(f"ok: {n} relative links checked")


def check_messages(problems):
    sources = "".join(read(p) for p in sorted(glob.glob(os.path.join(ROOT, "gst", "**", "*.cpp"), recursive=True)))
    guide = read(os.path.join(ROOT, "docs", "troubleshooting.md"))
    documented = set(re.findall(r"`([\w-]+)`", guide))
    names = set(re.findall(
        r'(?:gst_structure_new|component_message|post_description)\s*\(\s*(?:self,\s*)?"([a-z][a-z-]+)"',
        sources))
    messages = {m for m in names if not m.endswith("-stats")}
    if len(messages) < 8:
        problems.append(f"found only {len(messages)} bus messages in gst/: is the pattern out of date?")
    fields = set(re.findall(r'"([a-z][a-z-]*)",\s*(?:G_TYPE_(?!FROM_)|GST_TYPE_)', sources))
    for m in sorted(messages):
        if m not in documented:
            problems.append(f"docs/troubleshooting.md does not describe the bus message `{m}`")
    for f in sorted(fields):
        if f not in documented:
            problems.append(f"docs/troubleshooting.md does not explain the field `{f}`")
    print(f"ok: {len(messages)} bus messages and {len(fields)} fields looked up")


def check_design(problems):
    design = read(os.path.join(ROOT, "docs", "design.md"))
    code = ""
    for p in glob.glob(os.path.join(ROOT, "gst", "**", "*"), recursive=True) + glob.glob(os.path.join(ROOT, "tests", "**", "*"), recursive=True):
        if os.path.isfile(p) and p.endswith((".cpp", ".h", ".sh", ".py")):
            code += read(p)
    for f in sorted(set(re.findall(r"\b([a-z]+\.(?:cpp|h))\b", design))):
        if not glob.glob(os.path.join(ROOT, "gst", "**", f), recursive=True):
            problems.append(f"docs/design.md names gst/{f}, which does not exist")
    for path in sorted(set(re.findall(r"`((?:tests|gst)/[\w/.-]+)`", design))):
        if not os.path.exists(os.path.join(ROOT, path)):
            problems.append(f"docs/design.md names {path}, which does not exist")
    n = 0
    for ident in sorted(set(re.findall(r"`([A-Za-z_][\w:]*)[ (`]", design))):
        if "_" not in ident and "::" not in ident:
            continue
        if re.match(r"^(gst_|g_|GST_|G_)", ident):
            continue
        n += 1
        last = ident.split("::")[-1]
        if not re.search(rf"\b{re.escape(last)}\b", code):
            problems.append(f"docs/design.md names `{ident}`, which is not in the code")
    print(f"ok: design.md: {n} identifiers looked up")


IDENT = r"[A-Za-z_]\w*(?:::~?[A-Za-z_]\w*)*"
NOT_USED = re.compile(r"\b(?:not\s+(?:called|used)\b[^.;]*?\byet|unused)\b", re.I)


def gst_files():
    return sorted(p for p in glob.glob(os.path.join(ROOT, "gst", "**", "*"), recursive=True)
                  if os.path.isfile(p) and p.endswith((".c", ".cpp", ".h")))


def module(path):
    return os.path.splitext(os.path.relpath(path, os.path.join(ROOT, "gst")))[0]


def pieces_rows(design):
    """(line number, cells) of each row of the tables in "The pieces"."""
    lines = design.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("## The pieces"))
    rows, header = [], None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.startswith("## "):
            break
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if header is None:
            header = cells
        elif not re.match(r"^-+$", cells[0]) and header[0].startswith("file"):
            rows.append((i + 1, cells))
    return rows


def row_files(cell):
    """The gst/ files a row's first cell names: by path under gst/ when it
    has a folder, by basename anywhere under gst/ otherwise."""
    named, found = re.findall(r"`([^`]+)`", cell), {}
    for name in named:
        pattern = os.path.join(ROOT, "gst", name) if "/" in name else os.path.join(ROOT, "gst", "**", name)
        found[name] = [p for p in glob.glob(pattern, recursive=True) if os.path.isfile(p)]
    return found


def check_design_table(problems):
    design = read(os.path.join(ROOT, "docs", "design.md"))
    files = gst_files()
    texts = {p: read(p) for p in files}
    rows = pieces_rows(design)
    if len(rows) < 20:
        problems.append(f"docs/design.md: found only {len(rows)} rows in \"The pieces\": is the table's shape out of date?")
    used_in = {}

    def users(ident):
        """The gst/ files that name identifier @ident (its last part)."""
        last = ident.split("::")[-1]
        if last not in used_in:
            word = re.compile(rf"(?<![\w]){re.escape(last)}(?![\w])")
            used_in[last] = [p for p in files if word.search(texts[p])]
        return used_in[last]

    n = 0
    for line, cells in rows:
        where = f"docs/design.md:{line}"
        own = set()
        for name, paths in row_files(cells[0]).items():
            if not paths:
                problems.append(f"{where}: the row names gst/{name}, which does not exist")
            own.update(module(p) for p in paths)
        for cell in cells[1:]:
            for ident in re.findall(rf"`({IDENT})(?:\s*\(\))?`", cell):
                n += 1
                if not users(ident):
                    problems.append(f"{where}: the row names `{ident}`, which is nowhere under gst/")
            subject = re.findall(rf"`({IDENT})(?:\s*\(\))?`", cell)[:1]
            for sentence in re.split(r"(?<=[.;])\s+", cell):
                for m in NOT_USED.finditer(sentence):
                    named = re.findall(rf"`({IDENT})(?:\s*\(\))?`", sentence[:m.start()])
                    # "not used by the elements yet": a use there, else anywhere
                    layer = re.search(r"\bby the (core|runtime|elements)\b", m.group(0))
                    for ident in dict.fromkeys(subject + named):
                        elsewhere = sorted(u for u in {module(p) for p in users(ident)} - own
                                           if not layer or u.startswith(layer.group(1) + "/"))
                        if elsewhere:
                            problems.append(f"{where}: the row says `{ident}` is \"{m.group(0)}\", "
                                            f"but gst/{elsewhere[0]}.* uses it")
    print(f"ok: design.md \"The pieces\": {len(rows)} rows, {n} identifiers looked up")


def check_walks(problems):
    """Each step of design.md's "Two walks" names a file under gst/ and a
    function in it: both must still be there."""
    design = read(os.path.join(ROOT, "docs", "design.md"))
    start = design.find("## Two walks")
    end = design.find("\n## ", start + 1)
    if start < 0:
        problems.append("docs/design.md has no \"Two walks\" section")
        return
    n = 0
    for line in design[start:end].split("\n"):
        m = re.match(r"^\d+\. `([\w/.]+\.(?:cpp|h))`: `(" + IDENT + r")`", line)
        if not m:
            if re.match(r"^\d+\. ", line):
                problems.append(f"docs/design.md: a walk step that names no file and function: {line[:60]}")
            continue
        path, func = m.groups()
        n += 1
        full = os.path.join(ROOT, "gst", path)
        if not os.path.isfile(full):
            problems.append(f"docs/design.md walk names gst/{path}, which does not exist")
        elif not re.search(rf"\b{re.escape(func.split('::')[-1])}\b", read(full)):
            problems.append(f"docs/design.md walk names `{func}` in gst/{path}, which is not there")
    if n < 10:
        problems.append(f"docs/design.md \"Two walks\": only {n} steps found")
    print(f"ok: design.md \"Two walks\": {n} steps looked up")


def main():
    problems = []
    check_links(problems)
    check_messages(problems)
    check_design(problems)
    check_design_table(problems)
    check_walks(problems)
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
