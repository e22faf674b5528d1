#!/usr/bin/env python3
"""The test `ci_yaml`: .github/workflows/ci.yml is valid YAML and its jobs cover the hosted matrix.

    python3 tests/check_ci_yaml.py .github/workflows/ci.yml

Each target below must be named by some job (its runs-on, its matrix and its steps read as one
text): Ubuntu with gcc, clang and asan; macOS with clang; Windows with MSVC through the Visual
Studio generator and with MinGW (MSYS2); the Linux cross build with Wine. Every job must run the
tests (ctest, or cmake --workflow), every action must be pinned to a version, and the workflow
must run on pushes and pull requests. Needs PyYAML (Debian: python3-yaml).
"""
import sys

try:
    import yaml
except ImportError:
    print("portsock-test-skip: PyYAML is missing (Debian: apt-get install python3-yaml)")
    sys.exit(77)


def job_text(job):
    """A job as one lower-case text: runs-on, matrix, steps (names, run, uses, with)."""
    return yaml.safe_dump(job, default_flow_style=True, width=100000).lower()


def runs_on(job):
    return str(job.get("runs-on", "")).lower()


def run_text(job):
    """The commands a job runs (its `run` steps), lower-case."""
    return "\n".join(str(st.get("run", "")) for st in job.get("steps", [])
                     if isinstance(st, dict)).lower()


# target -> (what it means, test on (runs-on, the whole job as text, its run commands))
TARGETS = {
    "ubuntu-gcc": ("Ubuntu, gcc", lambda os, t, r: "ubuntu" in os and "linux-gcc" in t),
    "ubuntu-clang": ("Ubuntu, clang", lambda os, t, r: "ubuntu" in os and "linux-clang" in t),
    "ubuntu-asan": ("Ubuntu, AddressSanitizer",
                    lambda os, t, r: "ubuntu" in os
                    and ("linux-asan" in t or "sanitize=address" in t)),
    "ubuntu-valgrind": ("Ubuntu, valgrind memcheck",
                        lambda os, t, r: "ubuntu" in os and "linux-valgrind" in t),
    "macos-clang": ("macOS, clang (kqueue)", lambda os, t, r: "macos" in os and "clang" in t),
    "windows-msvc": ("Windows, MSVC (Visual Studio generator)",
                     lambda os, t, r: "windows" in os and '-g "visual studio' in r),
    "windows-mingw": ("Windows, MinGW (MSYS2)",
                      lambda os, t, r: "windows" in os and "msys2/setup-msys2" in t
                      and "mingw" in t),
    "linux-wine": ("Linux cross build for Windows under Wine",
                   lambda os, t, r: "ubuntu" in os and "wine" in t
                   and ("windows-x64" in t or "mingw-w64-x86_64.cmake" in t)),
}


def main(argv):
    if len(argv) != 1:
        print("usage: check_ci_yaml.py PATH/TO/ci.yml", file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print(f"FAIL: {argv[0]} is not valid YAML: {e}")
        return 1
    problems = []
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), dict) or not doc["jobs"]:
        print(f"FAIL: {argv[0]} has no jobs")
        return 1
    # YAML 1.1 reads the key `on` as true.
    triggers = doc.get("on", doc.get(True))
    trigger_names = triggers if isinstance(triggers, (list, str)) else list(triggers or {})
    for event in ("push", "pull_request"):
        if event not in trigger_names:
            problems.append(f"the workflow does not run on {event}")

    jobs = doc["jobs"]
    for name, job in jobs.items():
        if not isinstance(job, dict) or "runs-on" not in job or not job.get("steps"):
            problems.append(f"job {name}: no runs-on or no steps")
            continue
        text = job_text(job)
        if "ctest" not in text and "--workflow" not in text:
            problems.append(f"job {name}: runs no tests (neither ctest nor cmake --workflow)")
        for step in job["steps"]:
            uses = step.get("uses") if isinstance(step, dict) else None
            if uses and "@" not in uses:
                problems.append(f"job {name}: action {uses} is not pinned to a version")

    width = max(len(t) for t in TARGETS)
    for target, (meaning, test) in TARGETS.items():
        found = [n for n, j in jobs.items()
                 if isinstance(j, dict) and test(runs_on(j), job_text(j), run_text(j))]
        if found:
            print(f"ok   {target.ljust(width)}  {meaning}: job {', '.join(found)}")
        else:
            print(f"FAIL {target.ljust(width)}  {meaning}: no job names it")
            problems.append(f"no job for {target} ({meaning})")
    for p in problems:
        print(f"FAIL: {p}")
    print(f"{argv[0]}: {len(jobs)} jobs, "
          f"{len(TARGETS) - sum('no job for' in p for p in problems)} of {len(TARGETS)} targets")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
