"""CIRCT's own check of an SCN MLIR build (tests/build_mlir.rs).

usage: circt_flow.py DESIGN.mlir OUT.sv [GENERIC.mlir]

Parses DESIGN.mlir (the custom form) with the `circt` wheel and verifies it; when GENERIC.mlir
(the same design in MLIR's generic form) is given, parses and verifies it too and requires that
both print the same operations. Then lowers `seq` to `sv` (`lower-seq-to-sv`) and exports
SystemVerilog with CIRCT's ExportVerilog into OUT.sv, property monitors and their concurrent
assertions (from `verif`/`ltl`) included. Then erases the `verif`, `ltl` and `seq.from_clock`
operations and exports again into OUT with `.sim.sv` for `.sv`: the same logic for simulators
that do not parse SVA sequences (Icarus). Exits non-zero with CIRCT's message on any failure.
"""

import sys
from importlib.metadata import version

import circt
from circt.ir import Context, Module
from circt.passmanager import PassManager


def parse(ctx, path):
    with open(path, encoding="utf-8") as f:
        module = Module.parse(f.read(), ctx)
    if not module.operation.verify():
        sys.exit(f"{path}: the CIRCT verifier rejects it")
    return module


def main():
    design, out = sys.argv[1], sys.argv[2]
    with Context() as ctx:
        circt.register_dialects(ctx)
        module = parse(ctx, design)
        if len(sys.argv) > 3:
            generic = parse(ctx, sys.argv[3])
            if str(generic) != str(module):
                sys.exit(f"{sys.argv[3]} and {design} differ after parsing")
        PassManager.parse("builtin.module(lower-seq-to-sv)").run(module.operation)
        with open(out, "w", encoding="utf-8") as f:
            circt.export_verilog(module, f)
        module = parse(ctx, design)
        erased = erase_verification(module)
        PassManager.parse("builtin.module(lower-seq-to-sv)").run(module.operation)
        with open(out.removesuffix(".sv") + ".sim.sv", "w", encoding="utf-8") as f:
            circt.export_verilog(module, f)
    print("circt", version("circt"), "ok;", erased, "verification operations erased for simulation")


VERIFICATION = ("verif.", "ltl.", "seq.from_clock")


def erase_verification(module):
    """Erases the verification operations of every hw.module (users before their operands)."""
    erased = 0
    for hw_module in module.body.operations:
        for block in hw_module.regions[0].blocks:
            for op in reversed(list(block.operations)):
                if op.operation.name.startswith(VERIFICATION):
                    op.operation.erase()
                    erased += 1
    if not module.operation.verify():
        sys.exit("the design without its verification operations fails the CIRCT verifier")
    return erased


if __name__ == "__main__":
    main()
