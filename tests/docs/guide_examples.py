#!/usr/bin/python3
"""The pipelines of docs/user-guide.md, as the tests run them.

In the guide every pipeline is shown twice, each block after a marker
comment that names it:

    <!-- example: NAME -->   a ```sh block: one gst-launch-1.0 command
    <!-- parse: NAME -->     a ```c block: the same pipeline as the string
                             literal(s) an application gives gst_parse_launch()

Usage:
  guide_examples.py GUIDE command NAME   print NAME's sh block (for bash -c)
  guide_examples.py GUIDE check RUNNER... every example has a parse string that
      is the same pipeline (the same words after shell and C unquoting), every
      parse string builds with gst_parse_launch(), and every example is run
      by one of the RUNNER scripts (an `example NAME` line in them)

gst-launch-1.0 does nothing but gst_parse_launchv() on its arguments, so a
parse string with the same words as a gst-launch line that a test runs is
that pipeline too; building it here proves the C form parses as written.
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import os
import re
import shlex
import sys

# A sanitizer build's plugin needs the runtime in this (uninstrumented)
# interpreter too.
if os.environ.get("COMEDIA_ASAN_LIB") and not os.environ.get("LD_PRELOAD"):
    os.execve(sys.executable, [sys.executable] + sys.argv,
              dict(os.environ, LD_PRELOAD=os.environ["COMEDIA_ASAN_LIB"],
                   ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"))

MARKER = re.compile(r"<!--\s*(example|parse):\s*([\w-]+)\s*-->\s*\n```(\w*)\n(.*?)\n```", re.S)


def blocks(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    found = {"example": {}, "parse": {}}
    for kind, name, lang, body in MARKER.findall(text):
        if name in found[kind]:
            sys.exit(f"{path}: two '{kind}: {name}' blocks")
        found[kind][name] = (lang, body)
    return found


def launch_words(body):
    """The pipeline words of a gst-launch-1.0 command, as the shell splits it."""
    words = shlex.split(body.replace("\\\n", " "))
    if not words or words[0] != "gst-launch-1.0":
        raise ValueError("does not start with gst-launch-1.0")
    words = words[1:]
    while words and words[0].startswith("-"):
        words = words[1:]
    return words


def parse_string(body):
    """The C string literals of a ```c block, concatenated and unescaped."""
    lits = re.findall(r'"((?:[^"\\\n]|\\.)*)"', body)
    if not lits:
        raise ValueError("no string literal")
    return "".join(lits).encode().decode("unicode_escape")


def check(path, runners):
    found = blocks(path)
    ran = set()
    for r in runners:
        with open(r, encoding="utf-8") as f:
            ran |= set(re.findall(r"^\s*example\s+([\w-]+)", f.read(), re.M))
    try:
        import gi
    except ImportError:
        # A skip on a developer's machine, a failure in CI (never green untested).
        print("python3-gi is missing (scripts/setup-deps.sh installs it)")
        return 1 if os.environ.get("CI") == "true" else 77
    gi.require_version("Gst", "1.0")
    from gi.repository import Gst
    Gst.init(None)
    errors = []
    if not found["example"]:
        errors.append("no examples found: markers missing?")
    for name, (lang, body) in sorted(found["example"].items()):
        try:
            words = launch_words(body)
        except ValueError as e:
            errors.append(f"example {name}: {e}")
            continue
        if name not in ran:
            errors.append(f"example {name}: no test runs it (add `example {name}` to a runner)")
        if name not in found["parse"]:
            errors.append(f"example {name}: no parse string (<!-- parse: {name} -->)")
            continue
        desc = parse_string(found["parse"][name][1])
        if shlex.split(desc) != words:
            errors.append(f"example {name}: the parse string is not the gst-launch line:\n"
                          f"  launch: {' '.join(words)}\n  parse:  {desc}")
        try:
            Gst.parse_launch(desc)
            print(f"ok: {name}: gst-launch line and parse string agree, and it builds")
        except GLib_error() as e:
            errors.append(f"example {name}: gst_parse_launch fails: {e}")
    for name in found["parse"]:
        if name not in found["example"]:
            errors.append(f"parse {name}: no gst-launch example of that name")
    for name in sorted(ran - set(found["example"])):
        errors.append(f"a runner runs example {name}, which the guide does not have")
    for e in errors:
        print("FAIL:", e)
    return 1 if errors else 0


def GLib_error():
    from gi.repository import GLib
    return GLib.Error


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, cmd = sys.argv[1], sys.argv[2]
    if cmd == "command":
        lang_body = blocks(path)["example"].get(sys.argv[3])
        if not lang_body:
            sys.exit(f"{path}: no example {sys.argv[3]}")
        print(lang_body[1])
        return 0
    if cmd == "check":
        return check(path, sys.argv[3:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
