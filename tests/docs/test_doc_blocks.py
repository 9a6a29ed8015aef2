#!/usr/bin/python3
"""The documentation in the code, element by element of the registry.

tests/check/elements/test_docs.cpp checks what gst-inspect-1.0 shows (descriptions,
property blurbs, enum values).  This checks what GObject cannot hold and
docs/reference.md takes from the source, for every element the plugin
registers (so elements added later are covered too):

- a doc block (`SECTION:element-NAME` in gst/elements/*/*.cpp) with a long
  description, @see_also, and at least one gst-launch-1.0 example that
  uses the element; every such example builds with gst_parse_launch();
- every signal defined by the element's own type has a doc comment
  (`Type::signal:`) that says what it does in more than its name, and
  documents each of its arguments.

Every problem is listed, then the test fails.
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import importlib.util
import os
import shlex
import sys

# A sanitizer build's plugin needs the runtime in this (uninstrumented)
# interpreter too.
if os.environ.get("COMEDIA_ASAN_LIB") and not os.environ.get("LD_PRELOAD"):
    os.execve(sys.executable, [sys.executable] + sys.argv,
              dict(os.environ, LD_PRELOAD=os.environ["COMEDIA_ASAN_LIB"],
                   ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"))

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location(
    "gen_reference", os.path.join(ROOT, "scripts", "gen-reference.py"))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

MIN_DESCRIPTION_WORDS = 60
MIN_SIGNAL_WORDS = 8


def words(text):
    return len([w for w in text.replace("`", " ").split() if w.isascii()])


def examples(lines):
    """The |[ ... ]| blocks of a doc block that are gst-launch-1.0 lines."""
    out, cur = [], None
    for line in lines:
        if line.strip() == "|[":
            cur = []
        elif line.strip() == "]|":
            if cur and cur[0].lstrip().startswith("gst-launch-1.0"):
                out.append("\n".join(cur))
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


def launch_description(example):
    args = shlex.split(example.replace("\\\n", " "))[1:]
    while args and args[0].startswith("-"):
        args = args[1:]
    return " ".join(shlex.quote(a) if any(c in a for c in " \"'") else a for a in args)


def main():
    try:
        import gi
    except ImportError:
        print("python3-gi is missing (scripts/setup-deps.sh installs it)")
        return 1 if os.environ.get("CI") == "true" else 77
    gi.require_version("Gst", "1.0")
    from gi.repository import GLib, GObject, Gst
    Gst.init(None)

    registry = Gst.Registry.get()
    if registry.find_plugin("comedia") is None:
        print("FAIL: the comedia plugin is not in the registry")
        return 1
    factories = [f for f in registry.get_feature_list_by_plugin("comedia")
                 if isinstance(f, Gst.ElementFactory)]
    blocks = ref.comment_blocks()
    problems = []

    for factory in sorted(factories, key=lambda f: f.get_name()):
        name = factory.get_name()
        block = next((b for b in blocks if b and b[0].strip() == f"SECTION:element-{name}"), None)
        if block is None:
            problems.append(f"{name}: no doc block (/** SECTION:element-{name} ... */ in gst/)")
        else:
            prose, in_code = [], False
            for line in block[1:]:
                if line.strip() in ("|[", "]|"):
                    in_code = line.strip() == "|["
                elif not in_code and not line.startswith("@"):
                    prose.append(line)
            n = words(" ".join(prose))
            if n < MIN_DESCRIPTION_WORDS:
                problems.append(f"{name}: the doc block's description has {n} words; "
                                f"a newcomer needs at least {MIN_DESCRIPTION_WORDS}")
            if not any(line.startswith("@see_also:") for line in block):
                problems.append(f"{name}: the doc block has no @see_also")
            exs = [e for e in examples(block) if name in e]
            if not exs:
                problems.append(f"{name}: the doc block has no gst-launch-1.0 example using it")
            for ex in examples(block):
                desc = launch_description(ex)
                try:
                    Gst.parse_launch(desc)
                except GLib.Error as e:
                    problems.append(f"{name}: a doc block example does not build: {e.message}\n"
                                    f"      {desc}")
            print(f"ok: {name}: doc block with {n} words and {len(exs)} example(s)")

        element = factory.create(None)
        if element is None:
            problems.append(f"{name}: cannot be created")
            continue
        gtype = element.__gtype__
        docs = {}
        for b in blocks:
            if b and b[0].strip().startswith(f"{gtype.name}::"):
                docs[b[0].strip()[len(gtype.name) + 2:].rstrip(":")] = b[1:]
        for sid in GObject.signal_list_ids(gtype):
            q = GObject.signal_query(sid)
            sig = q.signal_name
            body = docs.get(sig)
            if body is None:
                problems.append(f"{name}: signal '{sig}' has no doc comment "
                                f"(/** {gtype.name}::{sig}: ... */)")
                continue
            params = [line.split(":", 1)[0][1:] for line in body if line.startswith("@")]
            text = " ".join(line for line in body
                            if not line.startswith("@") and not line.startswith("Returns:"))
            if words(text) < MIN_SIGNAL_WORDS or text.strip().lower() in (sig, sig.replace("-", " ")):
                problems.append(f"{name}: the doc comment of signal '{sig}' says too little: '{text.strip()}'")
            # The instance, then each argument.
            if len(params) != len(q.param_types) + 1:
                problems.append(f"{name}: signal '{sig}' takes {len(q.param_types)} argument(s) besides "
                                f"the element; its doc comment documents {len(params) - 1}")
            if q.return_type != GObject.TYPE_NONE and not any(
                    line.startswith("Returns:") for line in body):
                problems.append(f"{name}: the doc comment of signal '{sig}' does not say what it returns")
            print(f"ok: {name}: signal {sig} documented")

    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
