#!/usr/bin/python3
"""Writes docs/reference.md, the element reference, from the built plugin.

For each element the plugin registers (as gst-inspect-1.0 lists them) it
puts together:
  - the element's doc block from the source (the `SECTION:element-NAME`
    comment in gst/elements/*/*.cpp, turned into Markdown), and the doc comments of its
    signals (`Type::signal-name:`);
  - what `gst-inspect-1.0 NAME` prints for the plugin just built: factory
    details, pads, every property with its blurb, range and default, every
    enum value, the signals.

Usage:
  scripts/gen-reference.py [--build DIR]           write docs/reference.md
  scripts/gen-reference.py [--build DIR] --check   exit 1 (and show the diff)
                                                   if docs/reference.md is stale

DIR is the meson build directory (default: build).  The test `reference`
runs --check, so a property or doc block changed without refreshing the
reference fails the suite.
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import argparse
import difflib
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.path.join(ROOT, "docs", "reference.md")


def refresh_command(build):
    rel = os.path.relpath(build, ROOT) if os.path.isabs(build) else build
    return f"python3 scripts/gen-reference.py --build {rel}"


def inspect(build, *args):
    """gst-inspect-1.0 on the plugin in BUILD/gst only, as a user runs it."""
    env = dict(os.environ)
    plugin_dir = os.path.join(os.path.abspath(build), "gst")
    # The _1_0 variant wins over the plain one: set both.
    env["GST_PLUGIN_PATH"] = env["GST_PLUGIN_PATH_1_0"] = plugin_dir
    env["GST_INSPECT_NO_COLORS"] = "1"
    env["PAGER"] = "cat"
    env["LC_ALL"] = "C"
    # A sanitizer build's plugin needs the runtime in gst-inspect-1.0, which
    # is not instrumented itself (tests/meson.build sets COMEDIA_ASAN_LIB).
    if env.get("COMEDIA_ASAN_LIB"):
        env["LD_PRELOAD"] = env["COMEDIA_ASAN_LIB"]
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    out = subprocess.run(["gst-inspect-1.0", "--no-colors", *args], env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"gst-inspect-1.0 {' '.join(args)} failed "
                 f"(is the plugin built in {build}?):\n{out.stderr}")
    return out.stdout


def elements(plugin_text):
    """The element names gst-inspect-1.0 lists for the plugin."""
    return re.findall(r"^  ([\w-]+): .+$", plugin_text, re.M)


def normalise(text):
    """gst-inspect output without what depends on the build directory."""
    text = re.sub(r"^(  Filename +).*?([^/\s]+)$", r"\1\2", text, flags=re.M)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def without_plugin_details(text):
    """An element's gst-inspect output minus the plugin block (shown once)."""
    return re.sub(r"\nPlugin Details:\n(?:  .*\n)+", "\n", text + "\n", count=1)


def comment_blocks():
    """Every /** ... */ comment in gst/elements/*/*.cpp, as lists of lines."""
    blocks = []
    for path in sorted(glob.glob(os.path.join(ROOT, "gst", "elements", "*", "*.cpp"))):
        with open(path, encoding="utf-8") as f:
            src = f.read()
        for m in re.finditer(r"/\*\*\n(.*?)\*/", src, re.S):
            lines = []
            for line in m.group(1).splitlines():
                line = re.sub(r"^\s*\*( |$)", "", line)
                lines.append(line.rstrip())
            while lines and not lines[-1]:
                lines.pop()
            blocks.append(lines)
    return blocks


def gtkdoc_inline(text):
    """gtk-doc's inline markup as Markdown."""
    text = re.sub(r"#\w+::([\w-]+)", r"`\1`", text)      # #Type::signal
    text = re.sub(r"#\w+:([\w-]+)", r"`\1`", text)       # #Type:property
    text = re.sub(r"#([A-Z][A-Za-z0-9_]+)", r"`\1`", text)  # #GstSDPMessage, #GST_...
    text = re.sub(r"%(TRUE|FALSE|NULL)\b", r"`\1`", text)
    text = re.sub(r"(?<![\w`])@([a-z_]+)", r"`\1`", text)
    return text


def to_markdown(lines, heading_level):
    """A gtk-doc block body as Markdown: |[ ]| become code fences, ##
    headings move under the element's own heading."""
    out, code = [], False
    for line in lines:
        if line.strip() == "|[":
            code = True
            out.append("```sh")
            continue
        if line.strip() == "]|":
            code = False
            out.append("```")
            continue
        if code:
            out.append(line)
            continue
        m = re.match(r"^(#+) (.*)$", line)
        if m:
            out.append("#" * heading_level + " " + m.group(2))
            continue
        out.append(gtkdoc_inline(line))
    return "\n".join(out).strip("\n")


def element_doc(blocks, name):
    """The SECTION:element-NAME block: (see_also, markdown body) or None."""
    for lines in blocks:
        if lines and lines[0].strip() == f"SECTION:element-{name}":
            see, body = "", []
            for line in lines[1:]:
                if line.startswith("@title:"):
                    continue
                if line.startswith("@see_also:"):
                    see = line.split(":", 1)[1].strip()
                    continue
                body.append(line)
            return see, to_markdown(body, 4)
    return None


def signal_docs(blocks, type_name):
    """{signal: markdown} from the `TypeName::signal:` doc comments."""
    docs = {}
    for lines in blocks:
        if not lines:
            continue
        m = re.match(rf"^{re.escape(type_name)}::([\w-]+):$", lines[0].strip())
        if not m:
            continue
        params, body, returns = [], [], ""
        for line in lines[1:]:
            p = re.match(r"^@(\w+): (.*)$", line)
            if p:
                params.append((p.group(1), p.group(2)))
            elif line.startswith("Returns:"):
                returns = line.split(":", 1)[1].strip()
            elif returns and line.strip():
                returns += " " + line.strip()
            else:
                body.append(line)
        text = to_markdown(body, 5)
        if params:
            text += "\n\n" + "\n".join(f"- `{n}`: {gtkdoc_inline(d)}" for n, d in params)
        if returns:
            returns = re.sub(r"^(\([a-z ]+\)\s*)+:?\s*", "", returns)
            text += f"\n- returns: {gtkdoc_inline(returns)}"
        docs[m.group(1)] = text.strip("\n")
    return docs


def type_name(inspect_text):
    """The GType of the element, the last line of its hierarchy."""
    names = re.findall(r"^\s+\+----(\w+)$", inspect_text, re.M)
    if not names:
        sys.exit("cannot find the element's type in gst-inspect output")
    return names[-1]


def signal_names(inspect_text):
    return re.findall(r'^  "([\w-]+)" :', inspect_text, re.M)


def generate(build):
    plugin = normalise(inspect(build, "comedia"))
    names = elements(plugin)
    if not names:
        sys.exit("gst-inspect-1.0 lists no element in the comedia plugin")
    blocks = comment_blocks()
    out = [
        "# comedia element reference",
        "",
        "<!-- Generated by scripts/gen-reference.py from the built plugin and the doc",
        "     blocks in gst/elements/*/*.cpp: do not edit by hand.  Refresh with",
        f"     {refresh_command('build')}",
        "     (the test `reference` fails when this file is out of date). -->",
        "",
        "What `gst-inspect-1.0` says about each element of the plugin, after the",
        "element's documentation from the source. The user guide",
        "([user-guide.md](user-guide.md)) explains the concepts and shows the",
        "pipelines for the common cases.",
        "",
    ]
    out += [f"- [{n}](#{n})" for n in names]
    out += ["", "## The plugin", "", "```", plugin, "```", ""]
    for name in names:
        raw = normalise(inspect(build, name))
        doc = element_doc(blocks, name)
        out += [f"## {name}", ""]
        if doc:
            see, body = doc
            out += [body, ""]
            if see:
                out += [f"See also: {see}.", ""]
        # The element's own signals, as documented in the source; those of
        # GstElement (pad-added...) are GStreamer's.  tests/docs checks that
        # every signal of our types has its doc comment.
        docs = signal_docs(blocks, type_name(raw))
        sigs = [s for s in signal_names(raw) if s in docs]
        if sigs:
            out += ["### Signals", ""]
            for s in sigs:
                out += [f"#### {s}", "", docs[s], ""]
        out += [f"### gst-inspect-1.0 {name}", "", "```",
                without_plugin_details(raw).strip("\n"), "```", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    text = generate(args.build)
    if not args.check:
        with open(REFERENCE, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {os.path.relpath(REFERENCE, os.getcwd())}")
        return 0
    try:
        with open(REFERENCE, encoding="utf-8") as f:
            current = f.read()
    except OSError:
        current = ""
    if current == text:
        print("docs/reference.md is up to date")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        current.splitlines(True), text.splitlines(True),
        "docs/reference.md (committed)", "docs/reference.md (from the build)", n=1))
    print("\ndocs/reference.md is out of date: the plugin or its doc blocks changed.")
    print(f"Refresh it from the source root with:\n  {refresh_command(args.build)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
