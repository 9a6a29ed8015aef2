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


def main():
    problems = []
    check_links(problems)
    check_messages(problems)
    check_design(problems)
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
