"""Parses and elaborates SystemVerilog files with pyslang; prints every error and exits 1 if
there is one. Usage: check_sva.py FILE.sv..."""
import sys

import pyslang

comp = pyslang.ast.Compilation()
for path in sys.argv[1:]:
    comp.addSyntaxTree(pyslang.syntax.SyntaxTree.fromFile(path))
errors = [d for d in comp.getAllDiagnostics() if d.isError()]
if errors:
    print(pyslang.DiagnosticEngine.reportAll(comp.sourceManager, errors))
    sys.exit(1)
print(f"pyslang: {len(sys.argv) - 1} file(s), no errors")
