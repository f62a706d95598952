"""`make mutation`'s last step: mutmut's results (`mutmut results --all true`, one
`name: status` a line) on stdin, the score and the surviving mutants on stdout."""

import sys
from collections import Counter


def main() -> None:
    statuses = dict(line.strip().rsplit(": ", 1) for line in sys.stdin if ": " in line)
    counts = Counter(statuses.values())
    # A mutant that makes the tests hang is caught, as one that makes them fail.
    caught = counts["killed"] + counts["timeout"]
    total = len(statuses)
    for name, status in sorted(statuses.items()):
        if status not in ("killed", "timeout"):
            print(f"  {status:<10} {name}  (mutmut show {name})")
    print(", ".join(f"{n} {status}" for status, n in counts.most_common()))
    print(
        f"mutation score of shared/rules/: {caught} of {total} mutants caught, {caught / total:.1%}"
    )


if __name__ == "__main__":
    main()
