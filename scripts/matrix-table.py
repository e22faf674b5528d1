"""Prints scripts/matrix's table from each target's ctest JUnit file.

Arguments: [--total-seconds N] [--skips FILE], then one PRESET|WORKFLOW_EXIT_CODE|SECONDS|JUNIT_PATH
per target. Exit code 1 when anything failed (a test, a build, or a workflow that failed without
a failed test), else 0.

Cells count the cases of each test program, read from its summary line
"# P passed, F failed, S skipped" (tests/ps_test.h) in the output ctest keeps in the JUnit file:
  pass                 every case passed
  pass (k skipped)     the program passed, k of its cases skipped (reasons: --skips FILE)
  skip                 the whole test skipped (ctest "Not Run": exit 77 or a skip line)
  FAIL                 the test failed
  -                    the test is not registered on that target
Tests without a case summary (install, consumers, psnc, docs) count as one case. The (build) row
is "ok" or FAIL; a failed build also fails every test of its column. The closing line counts
cases: "N passed, N failed, N skipped (cases)".

A target may also write its own table rows beside the JUnit file (NAME.cases, the windows-x86
runner): lines "TEST<TAB>CELL<TAB>PASSED<TAB>FAILED<TAB>SKIPPED", which replace that test's cell.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

SUMMARY = re.compile(r"^# (\d+) passed, (\d+) failed, (\d+) skipped\s*$", re.M)
CASE_SKIP = re.compile(r"^# (\S+): skipped at \S+: (.*)$", re.M)
TEST_SKIP = re.compile(r"^portsock-test-skip: (.*)$", re.M)


class Result:
    """One test on one target: status 'pass' | 'fail' | 'skip', case counts, skip reasons."""

    def __init__(self, status, passed, failed, skipped, reasons, cell=None):
        self.status, self.passed, self.failed, self.skipped = status, passed, failed, skipped
        self.reasons, self.cell = reasons, cell

    def text(self):
        if self.cell:
            return self.cell
        if self.status == "fail":
            return "FAIL"
        if self.status == "skip":
            return "skip"
        return f"pass ({self.skipped} skipped)" if self.skipped else "pass"


def read_junit(path):
    """[(test name, Result)] in ctest's order."""
    out = []
    for case in ET.parse(path).getroot().iter("testcase"):
        status = case.get("status", "")
        so = case.find("system-out")
        text = so.text if so is not None and so.text else ""
        if case.find("failure") is not None or case.find("error") is not None or status == "fail":
            st = "fail"
        elif case.find("skipped") is not None or status in ("notrun", "disabled"):
            st = "skip"
        else:
            st = "pass"
        sums = SUMMARY.findall(text)
        reasons = [f"{n}: {why}" for n, why in CASE_SKIP.findall(text)]
        reasons += TEST_SKIP.findall(text)
        if sums:
            p, f, s = (int(x) for x in sums[-1])
        else:  # one case: the test itself
            p, f, s = int(st == "pass"), int(st == "fail"), int(st == "skip")
        if st == "fail" and f == 0:
            f = 1  # failed without a failed case (crash, timeout, leak at exit)
        out.append((case.get("name"), Result(st, p, f, s, reasons)))
    return out


def read_cases(path):
    """Rows a target's own runner wrote (see the module's comment)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5:
                continue
            name, cell, p, f, s = parts[:5]
            st = "fail" if int(f) else ("skip" if int(p) == 0 and int(s) else "pass")
            out.append((name, Result(st, int(p), int(f), int(s), parts[5:], cell)))
    return out


def main(argv):
    total = None
    skips_file = None
    while argv and argv[0].startswith("--"):
        if argv[0] == "--total-seconds":
            total = int(argv[1])
        elif argv[0] == "--skips":
            skips_file = argv[1]
        argv = argv[2:]
    targets = []  # (preset, exit code, seconds, {test: Result} or None when no results)
    names = []
    for arg in argv:
        preset, rc, secs, junit = arg.split("|", 3)
        results = None
        cases = os.path.splitext(junit)[0] + ".cases"
        try:
            rows = read_junit(junit) if os.path.exists(junit) else None
            if os.path.exists(cases):
                rows = (rows or []) + read_cases(cases)
            if rows is not None:
                results = {}
                for name, res in rows:
                    results[name] = res
                    if name not in names:
                        names.append(name)
        except (ET.ParseError, ValueError, OSError):
            results = None
        targets.append((preset, int(rc), int(secs), results))

    passed = failed = skipped = 0
    rows = []
    build_row = ["(build)"]
    for preset, rc, _, results in targets:
        build_row.append("ok" if results is not None else "FAIL")
        if results is None:
            failed += 1
    rows.append(build_row)
    for name in names:
        row = [name]
        for preset, rc, _, results in targets:
            if results is None:
                row.append("FAIL")
                failed += 1
                continue
            res = results.get(name)
            row.append(res.text() if res else "-")
            if res:
                passed += res.passed
                failed += res.failed
                skipped += res.skipped
        rows.append(row)
    # A workflow that failed although its tests ran clean (no tests, ctest error): a failure.
    ctest_row = ["(ctest)"]
    for preset, rc, _, results in targets:
        bad = results is not None and rc != 0 and not any(r.status == "fail"
                                                          for r in results.values())
        ctest_row.append("FAIL" if bad else "ok")
        failed += bad
    if "FAIL" in ctest_row:
        rows.append(ctest_row)

    header = ["test"] + [t[0] for t in targets]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
    print(line(header))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))
    print()

    reasons = []
    for preset, _, _, results in targets:
        for name, res in (results or {}).items():
            for why in res.reasons:
                reasons.append(f"{preset}  {name}  {why}")
    if skips_file:
        with open(skips_file, "w", encoding="utf-8") as fh:
            fh.write("\n".join(reasons) + ("\n" if reasons else ""))
    if reasons:
        print(f"skipped cases and why ({len(reasons)}" +
              (f", also in {skips_file}" if skips_file else "") + "):")
        for r in reasons:
            print("  " + r)
        print()

    times = ", ".join(f"{p} {s} s" for p, _, s, _ in targets)
    print(f"time: {times}" + (f"; total {total} s" if total is not None else ""))
    for preset, rc, _, results in targets:
        if results is None:
            print(f"{preset}: configure or build failed, see build/logs/{preset}.log")
        elif rc != 0:
            bad = [n for n, r in results.items() if r.status == "fail"]
            what = "failed: " + ", ".join(bad) if bad else f"workflow exit code {rc}"
            print(f"{preset}: {what} (build/logs/{preset}.log)")
    print(f"{passed} passed, {failed} failed, {skipped} skipped (cases)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
