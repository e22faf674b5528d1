"""Prints scripts/matrix's table from each target's ctest JUnit file.

Arguments: --total-seconds N, then one PRESET|WORKFLOW_EXIT_CODE|SECONDS|JUNIT_PATH per target.
Exit code 1 when anything failed (a test, a build, or a workflow that failed without a failed
test), else 0.

Cells: pass, FAIL, skip (ctest "Not Run": SKIP_RETURN_CODE 77 or disabled), "-" (the test is
not registered on that target). The (build) row is "ok" or FAIL; a failed build also fails
every test of its column, and counts once more itself.
"""
import os
import sys
import xml.etree.ElementTree as ET


def read_junit(path):
    """[(test name, 'pass' | 'fail' | 'skip')] in ctest's order."""
    out = []
    for case in ET.parse(path).getroot().iter("testcase"):
        status = case.get("status", "")
        if case.find("failure") is not None or case.find("error") is not None or status == "fail":
            out.append((case.get("name"), "fail"))
        elif case.find("skipped") is not None or status in ("notrun", "disabled"):
            out.append((case.get("name"), "skip"))
        else:
            out.append((case.get("name"), "pass"))
    return out


def main(argv):
    total = None
    if len(argv) >= 2 and argv[0] == "--total-seconds":
        total = int(argv[1])
        argv = argv[2:]
    targets = []  # (preset, exit code, seconds, {test: result} or None when no junit)
    names = []
    for arg in argv:
        preset, rc, secs, junit = arg.split("|", 3)
        results = None
        if os.path.exists(junit):
            try:
                results = {}
                for name, res in read_junit(junit):
                    results[name] = res
                    if name not in names:
                        names.append(name)
            except ET.ParseError:
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
            res = "fail" if results is None else results.get(name, "-")
            row.append({"pass": "pass", "fail": "FAIL", "skip": "skip"}.get(res, res))
            passed += res == "pass"
            failed += res == "fail"
            skipped += res == "skip"
        rows.append(row)
    # A workflow that failed although its tests ran clean (no tests, ctest error): a failure.
    ctest_row = ["(ctest)"]
    for preset, rc, _, results in targets:
        bad = results is not None and rc != 0 and "fail" not in results.values()
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
    times = ", ".join(f"{p} {s} s" for p, _, s, _ in targets)
    print(f"time: {times}" + (f"; total {total} s" if total is not None else ""))
    for preset, rc, _, results in targets:
        if results is None:
            print(f"{preset}: configure or build failed, see build/logs/{preset}.log")
        elif rc != 0:
            bad = [n for n, r in results.items() if r == "fail"]
            what = "failed: " + ", ".join(bad) if bad else f"workflow exit code {rc}"
            print(f"{preset}: {what} (build/logs/{preset}.log)")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
