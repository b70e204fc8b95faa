"""SC-NeuroCore's plasticity rules on given spike trains, for tests/compare_sc_neurocore.rs.

Usage: sc_neurocore_synapses.py CASE.json OUT.json

CASE.json: {"rule": "triplet", "steps": N, "dt_ms": dt, "pre": [steps], "post": [steps],
"params": {constructor keyword arguments}}. OUT.json: {"w": [the weight after each step]}.
SC-NeuroCore is used as a reference only (AGPL); nothing here is copied into SCN.
"""

import json
import sys

from sc_neurocore.synapses.triplet_stdp import TripletSTDP


def main() -> None:
    case = json.load(open(sys.argv[1]))
    if case["rule"] != "triplet":
        raise SystemExit(f"unknown rule {case['rule']}")
    syn = TripletSTDP(**case["params"])
    pre, post = set(case["pre"]), set(case["post"])
    w = [syn.step(s in pre, s in post, dt=case["dt_ms"]) for s in range(case["steps"])]
    json.dump({"w": w}, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
