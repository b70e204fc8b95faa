//! `scn run --plot` and `--vcd`: a well-formed, deterministic SVG; a VCD whose spikes and
//! states are exactly those of `spikes.csv` and `states.csv`; bad paths refused before the run;
//! nothing written when anything fails.

mod common;

use common::{scn_run as run, write_net as write};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The leaky integrate-and-fire neuron of `tests/fixtures/lif_neuron.scn` and a small network.
const NET: &str = concat!(
    include_str!("fixtures/lif_neuron.scn"),
    "
network Small {
    dt = 0.1 ms
    duration = 50 ms
    seed = 7
    pop exc = Lif[40] { v = uniform(-65 mV, -55 mV) }
    pop inh = Lif[10] { v = uniform(-65 mV, -55 mV) }
    connect exc -> inh.syn { p = 0.2, weight = 0.5 mV, delay = 1 ms }
    connect inh -> exc.syn { p = 0.2, weight = -0.5 mV, delay = 1 ms }
    stimulus poisson(rate = 400 Hz, n = 40) -> exc.syn { one_to_one, weight = 4 mV }
    stimulus poisson(rate = 400 Hz, n = 10) -> inh.syn { one_to_one, weight = 4 mV }
    monitor spikes(exc, inh)
    monitor state(exc[0..3].v)
    monitor state(inh[2..4].v, every = 0.5 ms)
}
"
);

fn dir(tag: &str) -> PathBuf {
    common::fresh_dir("outputs", tag)
}

fn ok(out: &std::process::Output) {
    assert!(out.status.success(), "{}", common::text(out).1);
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every entry under `d`, recursively, as paths relative to it.
fn tree(d: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![d.to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap() {
            let e = e.unwrap().path();
            out.insert(e.strip_prefix(d).unwrap().to_path_buf());
            if e.is_dir() {
                stack.push(e);
            }
        }
    }
    out
}

/// `(step, population, neuron)` of every line of `spikes.csv`.
fn csv_spikes(text: &str) -> BTreeSet<(u64, String, u64)> {
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].parse().unwrap(), f[2].to_string(), f[3].parse().unwrap())
        })
        .collect()
}

/// Checks that `doc` is well-formed XML (balanced tags, quoted attributes, entities only) and
/// returns the number of each element name.
fn xml_elements(doc: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = doc;
    let check_text = |t: &str| {
        assert!(!t.contains('>'), "stray `>` in {t:?}");
        for (i, _) in t.match_indices('&') {
            let entity = &t[i..t[i..].find(';').map_or(t.len(), |e| i + e + 1)];
            assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity), "bad entity {entity:?}");
        }
    };
    while let Some(i) = rest.find('<') {
        check_text(&rest[..i]);
        rest = &rest[i..];
        let end = if rest.starts_with("<?") {
            rest.find("?>").expect("closed declaration") + 2
        } else if let Some(body) = rest.strip_prefix("<!--") {
            let e = body.find("-->").expect("closed comment");
            assert!(!body[..e].contains("--"), "`--` inside a comment");
            e + 7
        } else {
            let e = rest.find('>').expect("closed tag");
            let tag = &rest[1..e];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            } else {
                let closed = tag.ends_with('/');
                let tag = tag.trim_end_matches('/');
                let name = tag.split_whitespace().next().expect("element name");
                // Attributes: name="value" pairs without `<`.
                let mut attrs = tag[name.len()..].trim();
                while !attrs.is_empty() {
                    let eq = attrs.find("=\"").unwrap_or_else(|| panic!("attribute without a quoted value: {attrs}"));
                    assert!(!attrs[..eq].contains(char::is_whitespace), "bad attribute name in {tag}");
                    let close = attrs[eq + 2..].find('"').expect("closing quote") + eq + 2;
                    let value = &attrs[eq + 2..close];
                    assert!(!value.contains('<'), "`<` in attribute {value}");
                    check_text(value);
                    attrs = attrs[close + 1..].trim_start();
                }
                *counts.entry(name.to_string()).or_insert(0) += 1;
                if !closed {
                    stack.push(name.to_string());
                }
            }
            e + 1
        };
        rest = &rest[end..];
    }
    assert!(rest.trim().is_empty(), "text after the root: {rest:?}");
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    counts
}

/// The value of attribute `name` in the start tag `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// Start tags of the spike paths.
fn spike_paths(svg: &str) -> Vec<&str> {
    svg.lines().filter(|l| l.starts_with("<path class=\"spikes\"")).collect()
}

#[test]
fn plot_is_well_formed_deterministic_and_draws_every_spike() {
    let d = dir("plot");
    let f = write(&d, NET);
    let (p1, p2) = (d.join("one.svg"), d.join("two.svg"));
    ok(&run(&f, &d.join("o1"), &["--plot", s(&p1)]));
    ok(&run(&f, &d.join("o2"), &["--plot", s(&p2)]));
    let svg = std::fs::read_to_string(&p1).unwrap();
    assert_eq!(svg.as_bytes(), std::fs::read(&p2).unwrap(), "the same run gives the same bytes");
    let counts = xml_elements(&svg);
    assert_eq!(counts["svg"], 1);
    assert!(svg.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""));
    // One tick (`M x y v h`) per spike of spikes.csv, in one path per population.
    let spikes = csv_spikes(&std::fs::read_to_string(d.join("o1/spikes.csv")).unwrap());
    assert!(spikes.len() > 20, "the network should fire");
    let paths = spike_paths(&svg);
    assert_eq!(paths.len(), 2);
    for (path, pop) in paths.iter().zip(["exc", "inh"]) {
        assert_eq!(attr(path, "data-population"), Some(pop));
        let want = spikes.iter().filter(|(_, p, _)| p == pop).count();
        assert_eq!(attr(path, "data-spikes").unwrap().parse::<usize>().unwrap(), want, "{pop}");
        assert_eq!(attr(path, "d").unwrap().matches('M').count(), want, "{pop}");
    }
    // Title, axes and labels; one trace panel per monitored variable, a line per element.
    for label in [
        "Small — 50 ms, seed 7",
        ">time (ms)<",
        ">neuron<",
        ">exc<",
        ">inh<",
        ">40 neurons<",
        ">exc.v (mV)<",
        ">inh.v (mV)<",
        ">#2<",
        ">50<",
    ] {
        assert!(svg.contains(label), "missing {label}");
    }
    assert_eq!(svg.matches("<path class=\"trace\"").count(), 3 + 2);
    assert!(!svg.contains("thinned"));
}

#[test]
fn large_rasters_are_thinned_and_say_so() {
    // 1000 neurons under a strong current fire every ~3.6 ms: about 280 000 spikes in 1 s.
    let src = NET
        .replace("duration = 50 ms", "duration = 1 s")
        .replace("pop exc = Lif[40] { v = uniform(-65 mV, -55 mV) }", "pop exc = Lif[1000]")
        .replace(
            "stimulus poisson(rate = 400 Hz, n = 40) -> exc.syn { one_to_one, weight = 4 mV }",
            "stimulus current(amplitude = 2 nA) -> exc.i_ext",
        );
    let d = dir("thin");
    let f = write(&d, &src);
    let plot = d.join("raster.svg");
    ok(&run(&f, &d.join("o"), &["--plot", s(&plot)]));
    let total = std::fs::read_to_string(d.join("o/spikes.csv")).unwrap().lines().count() - 1;
    assert!(total > 200_000, "{total} spikes");
    let svg = std::fs::read_to_string(&plot).unwrap();
    xml_elements(&svg);
    let drawn: usize =
        spike_paths(&svg).iter().map(|p| attr(p, "data-spikes").unwrap().parse::<usize>().unwrap()).sum();
    assert!(drawn <= 200_000 && drawn * 2 >= 200_000, "{drawn} of {total} drawn");
    assert!(svg.contains(&format!("of {total})")), "the plot says it is thinned");
}

/// A parsed VCD: declared variables and every value change.
struct Vcd {
    timescale: String,
    /// Identifier code → (scope path, name, kind).
    vars: HashMap<String, (String, String, String)>,
    /// Per identifier, `(time, value)` in time order.
    changes: HashMap<String, Vec<(u64, String)>>,
    end: u64,
}

/// Reads a VCD, checking its structure: header sections closed by `$end`, scopes balanced,
/// identifiers declared once and before use, timestamps strictly increasing, values of the
/// right kind for their variable.
fn parse_vcd(text: &str) -> Vcd {
    let mut tokens = text.split_whitespace().peekable();
    let mut vcd = Vcd { timescale: String::new(), vars: HashMap::new(), changes: HashMap::new(), end: 0 };
    let mut scopes: Vec<String> = Vec::new();
    let mut sections = Vec::new();
    loop {
        let t = tokens.next().expect("$enddefinitions");
        assert!(t.starts_with('$'), "header token {t}");
        let body: Vec<&str> = tokens.by_ref().take_while(|t| *t != "$end").collect();
        sections.push(t.to_string());
        match t {
            "$timescale" => vcd.timescale = body.join(" "),
            "$scope" => {
                assert_eq!(body.len(), 2, "{body:?}");
                assert_eq!(body[0], "module");
                scopes.push(body[1].to_string());
            }
            "$upscope" => {
                scopes.pop().expect("balanced scopes");
            }
            "$var" => {
                assert_eq!(body.len(), 4, "{body:?}");
                let (kind, size, id, name) = (body[0], body[1], body[2], body[3]);
                assert!(matches!((kind, size), ("wire", "1") | ("real", "64")), "{kind} {size}");
                let old = vcd.vars.insert(id.to_string(), (scopes.join("."), name.to_string(), kind.to_string()));
                assert!(old.is_none(), "identifier {id} declared twice");
            }
            "$enddefinitions" => break,
            "$comment" | "$version" | "$date" => {}
            other => panic!("unknown section {other}"),
        }
    }
    assert!(scopes.is_empty(), "unbalanced scopes");
    assert!(sections.contains(&"$timescale".to_string()));
    assert!(!sections.contains(&"$date".to_string()), "no $date: the bytes are deterministic");
    let mut time: Option<u64> = None;
    let mut in_dumpvars = false;
    while let Some(t) = tokens.next() {
        if let Some(n) = t.strip_prefix('#') {
            let n: u64 = n.parse().unwrap();
            assert!(time.is_none_or(|p| n > p), "time #{n} after #{time:?}");
            time = Some(n);
            continue;
        }
        match t {
            "$dumpvars" => {
                assert_eq!(time, Some(0));
                in_dumpvars = true;
                continue;
            }
            "$end" => {
                assert!(in_dumpvars);
                in_dumpvars = false;
                continue;
            }
            _ => {}
        }
        let now = time.expect("a timestamp before the first change");
        let (id, value) = if let Some(v) = t.strip_prefix('r') {
            let id = tokens.next().expect("identifier");
            v.parse::<f64>().unwrap_or_else(|_| panic!("real value {v}"));
            (id.to_string(), v.to_string())
        } else {
            let (v, id) = t.split_at(1);
            assert!(v == "0" || v == "1", "scalar value {t}");
            (id.to_string(), v.to_string())
        };
        let (_, _, kind) = vcd.vars.get(&id).unwrap_or_else(|| panic!("undeclared identifier {id}"));
        assert_eq!(kind == "real", t.starts_with('r'), "{t} for a {kind}");
        let list = vcd.changes.entry(id).or_default();
        assert!(list.last().is_none_or(|(p, _)| *p < now), "two changes at #{now}");
        list.push((now, value));
    }
    assert!(!in_dumpvars);
    vcd.end = time.unwrap();
    vcd
}

#[test]
fn vcd_is_well_formed_and_matches_the_csv_files() {
    let d = dir("vcd");
    let f = write(&d, NET);
    let (v1, v2) = (d.join("one.vcd"), d.join("two.vcd"));
    ok(&run(&f, &d.join("o1"), &["--vcd", s(&v1)]));
    ok(&run(&f, &d.join("o2"), &["--vcd", s(&v2)]));
    let text = std::fs::read_to_string(&v1).unwrap();
    assert_eq!(text.as_bytes(), std::fs::read(&v2).unwrap(), "the same run gives the same bytes");
    let vcd = parse_vcd(&text);
    assert_eq!(vcd.timescale, "100 us", "one tick per 0.1 ms step");
    assert_eq!(vcd.end, 500, "the dump lasts the whole run");
    let wires = vcd.vars.values().filter(|(_, _, k)| k == "wire").count();
    assert_eq!(wires, 50, "a wire per neuron of the monitored populations");

    // The wire read during each step is the spike train.
    let mut from_vcd = BTreeSet::new();
    for (id, (scope, name, kind)) in &vcd.vars {
        if kind != "wire" {
            continue;
        }
        let (pop, what) = scope.strip_prefix("Small.").unwrap().split_once('.').unwrap();
        assert_eq!(what, "spike");
        let neuron: u64 = name.strip_prefix('n').unwrap().parse().unwrap();
        let changes = &vcd.changes[id];
        assert_eq!(changes[0].0, 0, "every wire starts in $dumpvars");
        for (k, (t, v)) in changes.iter().enumerate() {
            if v == "1" {
                let until = changes.get(k + 1).map_or(vcd.end, |c| c.0);
                from_vcd.extend((*t..until).map(|step| (step, pop.to_string(), neuron)));
            }
        }
    }
    let csv = csv_spikes(&std::fs::read_to_string(d.join("o1/spikes.csv")).unwrap());
    assert!(csv.len() > 20);
    assert_eq!(from_vcd, csv);

    // Each real holds the value of states.csv at every sampled step.
    let by_name: HashMap<(String, String), &String> =
        vcd.vars.iter().map(|(id, (scope, name, _))| ((scope.clone(), name.clone()), id)).collect();
    let states = std::fs::read_to_string(d.join("o1/states.csv")).unwrap();
    let mut checked = BTreeMap::new();
    for line in states.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (step, pop, neuron, var, value): (u64, _, _, _, f64) =
            (f[0].parse().unwrap(), f[2], f[3], f[4], f[5].parse().unwrap());
        let id = by_name[&(format!("Small.{pop}.{var}"), format!("n{neuron}"))];
        let changes = &vcd.changes[id];
        let at = changes.partition_point(|(t, _)| *t <= step);
        assert!(at > 0, "{line}: no value yet");
        assert_eq!(changes[at - 1].1.parse::<f64>().unwrap(), value, "{line}");
        *checked.entry(format!("{pop}.{neuron}")).or_insert(0) += 1;
    }
    assert_eq!(checked.len(), 5, "{checked:?}");
    assert_eq!(checked["inh.2"], 100, "every 5 steps");
}

#[test]
fn bad_paths_fail_before_the_run_and_write_nothing() {
    let d = dir("badpath");
    let f = write(&d, NET);
    let out = d.join("o");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--plot".into(), s(&d.join("raster.png")).into()], "must name a `.svg` file"),
        (vec!["--plot".into(), s(&d.join("missing/raster.svg")).into()], "does not exist"),
        (vec!["--vcd".into(), s(&d.join("run.txt")).into()], "must name a `.vcd` file"),
        (vec!["--vcd".into(), s(&d.join("missing/run.vcd")).into()], "does not exist"),
        (
            vec!["--plot".into(), s(&d.join("ok.svg")).into(), "--vcd".into(), s(&d.join("nope/run.vcd")).into()],
            "does not exist",
        ),
    ];
    let before = tree(&d);
    for (k, (extra, want)) in cases.iter().enumerate() {
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let o = run(&f, &out, &extra);
        let (_, err) = common::text(&o);
        assert_eq!(o.status.code(), Some(1), "case {k}: {err}");
        assert!(err.contains(want) && err.contains("nothing was run"), "case {k} wants {want}: {err}");
        assert!(!err.contains("population"), "case {k}: no rate table, so no run: {err}");
        assert_eq!(tree(&d), before, "case {k} wrote something");
    }
}

#[test]
fn failures_leave_no_plot_no_dump_and_no_directory() {
    let d = dir("fail");
    let (plot, vcd) = (d.join("raster.svg"), d.join("run.vcd"));
    // The run stops on an invariant.
    let f =
        write(&d, &NET.replace("    on syn(w) { v += w }\n", "    on syn(w) { v += w }\n    invariant v < -60 mV\n"));
    let before = tree(&d);
    let o = run(&f, &d.join("o"), &["--plot", s(&plot), "--vcd", s(&vcd)]);
    let (_, err) = common::text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("E0705"), "{err}");
    assert_eq!(tree(&d), before);
    // The output directory cannot be made: the plot and the dump are not written either.
    let f = write(&d, NET);
    std::fs::write(d.join("file"), "x").unwrap();
    let before = tree(&d);
    let o = run(&f, &d.join("file/sub"), &["--plot", s(&plot), "--vcd", s(&vcd)]);
    let (_, err) = common::text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write"), "{err}");
    assert_eq!(tree(&d), before, "no temporary file is left");
}

#[test]
fn plot_and_dump_can_go_inside_the_output_directory() {
    let d = dir("inside");
    let f = write(&d, NET);
    let out = d.join("o");
    let o = run(&f, &out, &["--plot", s(&out.join("raster.svg")), "--vcd", s(&out.join("run.vcd"))]);
    ok(&o);
    let (_, err) = common::text(&o);
    assert!(err.contains("raster.svg") && err.contains("run.vcd"), "{err}");
    let names: Vec<String> = tree(&out).iter().map(|p| p.display().to_string()).collect();
    assert_eq!(names, ["raster.svg", "run.vcd", "spikes.csv", "states.csv", "summary.json"]);
    // A second run replaces the directory with a complete new one.
    ok(&run(&f, &out, &["--plot", s(&out.join("raster.svg"))]));
    let names: Vec<String> = tree(&out).iter().map(|p| p.display().to_string()).collect();
    assert_eq!(names, ["raster.svg", "spikes.csv", "states.csv", "summary.json"]);
    assert_eq!(tree(&d).iter().filter(|p| p.to_string_lossy().contains(".tmp-")).count(), 0);
}
