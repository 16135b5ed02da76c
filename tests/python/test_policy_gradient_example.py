"""The numpy policy-gradient example learns: on held-out programs it beats random search at equal steps."""

import re
import subprocess
import sys

from conftest import REPO

EXAMPLE = REPO / "src" / "python" / "examples" / "policy_gradient.py"


def test_the_policy_beats_random_search_on_programs_it_never_saw(address):
    run = subprocess.run([sys.executable, str(EXAMPLE), address, "--held-out", "crc32", "dijkstra", "qsort"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    mean = re.search(r"^mean\s+(\S+)\s+(\S+)$", run.stdout, re.M)
    assert mean, run.stdout
    policy, random = float(mean.group(1)), float(mean.group(2))
    assert policy > random, run.stdout
