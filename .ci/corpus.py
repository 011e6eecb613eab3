"""CI's corpus step: ../shared/corpus in recorded mode (no torch), every program judged.

Exit status 0 only when every program passes, except those listed in corpus_known_failures.txt
beside this file (one NN_name per line, with the reason after a '#'): the list is what is still
open, and it shrinks as programs pass. A listed program that passes is reported, so that the line
can be removed; a program that fails and is not listed fails CI.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"


def main() -> int:
    if not (CORPUS / "run_all.py").exists():
        print(f"corpus: {CORPUS} is not beside this checkout; nothing to run")
        return 1
    lines = (HERE / "corpus_known_failures.txt").read_text().splitlines()
    known = {line.split("#")[0].strip() for line in lines}
    known.discard("")
    proc = subprocess.run([sys.executable, str(CORPUS / "run_all.py"), "--recorded", "-j", "2"],
                          capture_output=True, text=True, timeout=1800)
    print(proc.stdout[-20000:])
    if proc.stderr.strip():
        print(proc.stderr[-3000:], file=sys.stderr)
    verdicts = dict((m.group(2), m.group(1)) for m in re.finditer(r"^(PASS|FAIL|DIFF|ORIG-FAIL)\s+(\d\d_\w+)",
                                                                    proc.stdout, re.M))
    if not verdicts:
        print("corpus: no verdicts printed")
        return 1
    bad = sorted(n for n, v in verdicts.items() if v != "PASS" and n not in known)
    fixed = sorted(n for n in known if verdicts.get(n) == "PASS")
    passed = sum(v == "PASS" for v in verdicts.values())
    print(f"corpus: {passed} of {len(verdicts)} pass; {len(known)} listed as known failures")
    if fixed:
        print("corpus: these now pass; remove them from .ci/corpus_known_failures.txt: " + " ".join(fixed))
    if bad:
        print("corpus: new failures (not in .ci/corpus_known_failures.txt): " + " ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
