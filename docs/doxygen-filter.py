#!/usr/bin/env python3
"""Doxygen INPUT_FILTER for include/portsock.h: lets its plain C comments count as documentation.

portsock.h documents every declaration with an ordinary comment above it (and short trailing
comments on fields and constants), as the rest of the code does. Doxygen reads only its own
comment forms, so this filter rewrites them on the fly, line for line (line numbers stay
right in the warnings), and never touches the header itself:

    /* Does X. ...        ->  /** Does X. ...        (a comment above a declaration)
    int a; /* text */     ->  int a; /**< text */    (a trailing comment documents its line)
    the file's first comment becomes the @file block.

Section banners (a comment line of dashes, and the one-line title under it) stay plain.

    python3 docs/doxygen-filter.py include/portsock.h
"""
import re
import sys

RULE = re.compile(r"^\s*/\*\s*-{8,}\s*\*/\s*$")
LEADING = re.compile(r"^(\s*)/\*(?=\s|$)")
TRAILING = re.compile(r"^(\s*\S.*?)/\*(?=\s)(.*\*/\s*(\\)?\s*)$")


def rewrite(lines):
    out = []
    seen_first = False
    after_rule = False
    in_comment = False
    for line in lines:
        text = line.rstrip("\n")
        is_rule = bool(RULE.match(text))
        if in_comment:
            out.append(text)
            if "*/" in text:
                in_comment = False
        elif is_rule or (after_rule and text.lstrip().startswith("/*")
                         and text.rstrip().endswith("*/")):
            out.append(text)  # a banner: no documentation
        elif LEADING.match(text):
            if not seen_first:
                text = LEADING.sub(r"\1/** @file", text, count=1)
            else:
                text = LEADING.sub(r"\1/**", text, count=1)
            seen_first = True
            out.append(text)
            in_comment = "*/" not in text[3:]
        else:
            m = TRAILING.match(text)
            # A trailing comment after code (not inside a string, not a #include line).
            if m and '"' not in m.group(1) and not text.lstrip().startswith("#include"):
                text = m.group(1) + "/**<" + m.group(2)
            out.append(text)
        after_rule = is_rule
    return out


DECL = re.compile(r"^\s*(PS_API\b|#\s*define\b|typedef\b)")


def group_runs(out):
    """A comment above several declarations (no blank line between them) documents them all:
    wraps comment and declarations in a Doxygen member group, whose first member's text
    DISTRIBUTE_GROUP_DOC gives to the others."""
    i = 0
    while i < len(out):
        if not out[i].lstrip().startswith("/**") or out[i].lstrip().startswith("/**<"):
            i += 1
            continue
        start = i
        while "*/" not in out[i]:
            i += 1
        j = i + 1
        run_end = j
        decls = 0
        while (run_end < len(out) and out[run_end].strip()
               and not out[run_end].lstrip().startswith(("/*", "#if", "#else", "#elif", "#endif"))):
            decls += bool(DECL.match(out[run_end]))
            run_end += 1
        # The group closes on the line after the run (a blank line or a comment), so that it
        # never sits on a #define line, where Doxygen's preprocessor would take it.
        if decls >= 2 and run_end < len(out) and not out[run_end].lstrip().startswith("#"):
            out[start] = out[start].replace("/**", "/**@{*/ /**", 1)
            out[run_end] = "/**@}*/ " + out[run_end]
        i = j
    return out


def main(argv):
    if len(argv) != 1:
        print("usage: doxygen-filter.py FILE", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        lines = f.readlines()
    sys.stdout.write("\n".join(group_runs(rewrite(lines))) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
