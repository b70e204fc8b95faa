//! The self-checking testbench: it resets the design for one cycle, then for every cycle
//! writes the trace line (the format of `scn_hw::trace`) to `trace.txt` in the working
//! directory and compares the traced ports with the interpreter's values from
//! `tb/expected.hex` (and the frame outputs with `tb/expected_outputs.hex`), then prints
//! `SCN-TB PASS` or `SCN-TB FAIL` with the first mismatches.

use crate::ident;
use scn_hw::trace::{Num, Trace, TraceLayout};
use std::fmt::Write as _;

/// Name of the testbench module.
pub const TB_MODULE: &str = "scn_tb";

fn hex(bits: &[bool]) -> String {
    // bits[0] is the most significant.
    let pad = (4 - bits.len() % 4) % 4;
    let all: Vec<bool> = std::iter::repeat_n(false, pad).chain(bits.iter().copied()).collect();
    all.chunks(4)
        .map(|c| {
            let v = c.iter().fold(0u8, |a, &b| (a << 1) | u8::from(b));
            char::from_digit(u32::from(v), 16).unwrap_or('0')
        })
        .collect()
}

fn push_int(bits: &mut Vec<bool>, v: i128, width: u32) {
    for k in (0..width).rev() {
        bits.push((v >> k.min(127)) & 1 == 1);
    }
}

/// The per-cycle expected vectors: `{spike ports…, state ports…}` as the top module packs them.
pub fn expected_hex(layout: &TraceLayout, trace: &Trace) -> String {
    let mut s = String::new();
    for c in &trace.cycles {
        let mut bits = Vec::new();
        for sp in &c.spikes {
            bits.extend(sp.iter().rev());
        }
        for (p, pop) in layout.pops.iter().zip(&c.states) {
            for (st, vals) in p.states.iter().zip(pop) {
                for &v in vals.iter().rev() {
                    push_int(&mut bits, v, st.width);
                }
            }
        }
        let _ = writeln!(s, "{}", if bits.is_empty() { "0".to_string() } else { hex(&bits) });
    }
    s
}

/// The per-frame expected outputs `{out ports…}` (an inexact value is all ones, which no
/// numerator in range equals).
pub fn expected_outputs_hex(layout: &TraceLayout, trace: &Trace) -> String {
    let mut s = String::new();
    for f in &trace.frames {
        let mut bits = Vec::new();
        for (o, vals) in layout.outputs.iter().zip(&f.values) {
            for v in vals {
                match v {
                    Num::Exact(n) => push_int(&mut bits, *n, o.width),
                    Num::Inexact(_) => bits.extend(std::iter::repeat_n(true, o.width as usize)),
                }
            }
        }
        let _ = writeln!(s, "{}", hex(&bits));
    }
    s
}

fn vector_width(layout: &TraceLayout) -> u32 {
    layout.pops.iter().map(|p| p.size as u32 * (1 + p.states.iter().map(|s| s.width).sum::<u32>())).sum()
}

/// The testbench text for `cycles` cycles of the top module `top`.
pub fn testbench(top: &str, layout: &TraceLayout, cycles: u64, frames: usize, header: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{header}");
    let _ = writeln!(s, "// Self-checking testbench: one clock cycle per simulation step.");
    let _ = writeln!(s, "`timescale 1ns/1ps\nmodule {TB_MODULE};");
    let _ = writeln!(s, "    reg clk = 1'b0;\n    reg rst = 1'b1;");
    let mut conns = vec!["        .clk(clk)".to_string(), "        .rst(rst)".to_string()];
    let mut observed = Vec::new();
    let decl = |s: &mut String, name: &str, w: u32| {
        let r = if w == 1 { String::new() } else { format!("[{}:0] ", w - 1) };
        let _ = writeln!(s, "    wire {r}{name};");
    };
    for p in &layout.pops {
        let n = ident::signal(&p.spike_port);
        decl(&mut s, &n, p.size as u32);
        conns.push(format!("        .{n}({n})"));
        observed.push(n);
    }
    for p in &layout.pops {
        for st in &p.states {
            let n = ident::signal(&st.port);
            decl(&mut s, &n, st.width * p.size as u32);
            conns.push(format!("        .{n}({n})"));
            observed.push(n);
        }
    }
    let mut outs = Vec::new();
    for o in &layout.outputs {
        for port in &o.ports {
            let n = ident::signal(port);
            decl(&mut s, &n, o.width);
            conns.push(format!("        .{n}({n})"));
            outs.push(n);
        }
    }
    if let Some(f) = &layout.frame_port {
        let n = ident::signal(f);
        decl(&mut s, &n, 1);
        conns.push(format!("        .{n}({n})"));
    }
    let _ = writeln!(s, "    {} dut (\n{}\n    );", ident::module(top), conns.join(",\n"));
    let vw = vector_width(layout).max(1);
    let ow: u32 = layout.outputs.iter().map(|o| o.width * o.ports.len() as u32).sum::<u32>().max(1);
    let _ = writeln!(s, "    reg [{}:0] expected [0:{}];", vw - 1, cycles.max(1) - 1);
    let _ = writeln!(s, "    reg [{}:0] expected_out [0:{}];", ow - 1, frames.max(1) - 1);
    let _ = writeln!(s, "    integer f;\n    integer cycle;\n    integer frame;\n    integer errors;");
    let obs = if observed.is_empty() { "1'b0".to_string() } else { format!("{{{}}}", observed.join(", ")) };
    let _ = writeln!(s, "    wire [{}:0] observed = {obs};", vw - 1);
    let out_vec = if outs.is_empty() { "1'b0".to_string() } else { format!("{{{}}}", outs.join(", ")) };
    let _ = writeln!(s, "    wire [{}:0] observed_out = {out_vec};", ow - 1);
    let _ = writeln!(s, "    always #5 clk = ~clk;");
    let _ = writeln!(s, "    initial begin");
    let _ = writeln!(s, "        $readmemh(\"tb/expected.hex\", expected);");
    if frames > 0 {
        let _ = writeln!(s, "        $readmemh(\"tb/expected_outputs.hex\", expected_out);");
    }
    let _ = writeln!(s, "        f = $fopen(\"trace.txt\", \"w\");");
    for line in layout.header(cycles).lines() {
        let _ = writeln!(s, "        $fwrite(f, \"{}\\n\");", line.replace('\\', "\\\\").replace('"', "\\\""));
    }
    let _ = writeln!(s, "        errors = 0;\n        frame = 0;");
    let _ = writeln!(s, "        @(posedge clk);\n        #1 rst = 1'b0;");
    let _ = writeln!(s, "        for (cycle = 0; cycle < {cycles}; cycle = cycle + 1) begin");
    // The trace line.
    let mut fmt = String::from("%0d");
    let mut args = vec!["cycle".to_string()];
    for p in &layout.pops {
        fmt.push(' ');
        for i in 0..p.size {
            fmt.push_str("%b");
            args.push(format!("{}[{i}]", ident::signal(&p.spike_port)));
        }
    }
    for p in &layout.pops {
        for st in &p.states {
            for i in 0..p.size as u32 {
                let n = ident::signal(&st.port);
                let sel = if st.width * p.size as u32 == st.width {
                    n.clone()
                } else {
                    format!("{n}[{}:{}]", (i + 1) * st.width - 1, i * st.width)
                };
                fmt.push_str(" %0d");
                args.push(if st.signed { format!("$signed({sel})") } else { sel });
            }
        }
    }
    let _ = writeln!(s, "            $fwrite(f, \"{fmt}\\n\", {});", args.join(", "));
    let _ = writeln!(s, "            if (observed !== expected[cycle]) begin");
    let _ = writeln!(s, "                errors = errors + 1;");
    let _ = writeln!(
        s,
        "                if (errors <= 10) $display(\"SCN-TB MISMATCH cycle %0d: got %h, expected %h\", cycle, observed, expected[cycle]);"
    );
    let _ = writeln!(s, "            end");
    if let Some(fp) = &layout.frame_port {
        let _ = writeln!(s, "            if ({}) begin", ident::signal(fp));
        for o in &layout.outputs {
            let mut fmt = format!("out %0d {}", o.name);
            let mut args = vec!["cycle".to_string()];
            for port in &o.ports {
                fmt.push_str(" %0d");
                args.push(format!("$signed({})", ident::signal(port)));
            }
            let _ = writeln!(s, "                $fwrite(f, \"{fmt}\\n\", {});", args.join(", "));
        }
        let _ = writeln!(s, "                if (observed_out !== expected_out[frame]) begin");
        let _ = writeln!(s, "                    errors = errors + 1;");
        let _ = writeln!(
            s,
            "                    if (errors <= 10) $display(\"SCN-TB MISMATCH outputs of frame %0d: got %h, expected %h\", frame, observed_out, expected_out[frame]);"
        );
        let _ = writeln!(s, "                end\n                frame = frame + 1;\n            end");
    }
    let _ = writeln!(s, "            @(posedge clk);\n            #1;\n        end");
    let _ = writeln!(s, "        $fclose(f);");
    let _ = writeln!(
        s,
        "        if (errors == 0) $display(\"SCN-TB PASS %0d cycles\", {cycles});\n        else $display(\"SCN-TB FAIL %0d mismatches\", errors);"
    );
    let _ = writeln!(s, "        $finish;\n    end\nendmodule");
    s
}
