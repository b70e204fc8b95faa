#!/usr/bin/env node
// Grammar tests for syntaxes/scn.tmLanguage.json, run with vscode-textmate + vscode-oniguruma
// (the engine VS Code itself uses):
//   1. the grammar's keyword lists equal KEYWORDS and PROPERTY_KEYWORDS in
//      grammar/src/lexer/token.rs (one list, kept in sync by this check);
//   2. every examples/*.scn file tokenizes with no `invalid` scope on any line;
//   3. probe tokens (in the examples and in a small inline snippet) get the expected scopes.
// Exits non-zero on the first failing group, listing every failure of that group.
'use strict';

const fs = require('fs');
const path = require('path');
const assert = require('assert');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const here = __dirname;
const extRoot = path.resolve(here, '..');
const repoRoot = path.resolve(extRoot, '..', '..');
const grammarPath = path.join(extRoot, 'syntaxes', 'scn.tmLanguage.json');
const tokenRs = path.join(repoRoot, 'grammar', 'src', 'lexer', 'token.rs');
const examplesDir = path.join(repoRoot, 'examples');

const failures = [];
function check(cond, msg) {
  if (!cond) failures.push(msg);
}
function flush(group) {
  if (failures.length) {
    console.error(`FAIL ${group}:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`ok   ${group}`);
}

// ---- 1. keyword lists ---------------------------------------------------------------------
/** The words of a `pub const NAME: &[(&str, Tok<'static>)] = &[ … ];` table in token.rs. */
function rustTable(src, name) {
  const start = src.indexOf(`pub const ${name}:`);
  assert(start >= 0, `${name} not found in ${tokenRs}`);
  const body = src.slice(start, src.indexOf('];', start));
  return [...body.matchAll(/\(\s*"([^"]+)"\s*,\s*Tok::/g)].map((m) => m[1]);
}
/** The words of the `\b(?:a|b|c)\b` alternation at the start of each pattern's regex. */
function grammarWords(rule) {
  const words = [];
  for (const p of rule.patterns) {
    const m = /^\\b\(\?:([A-Za-z_|]+)\)\\b/.exec(p.match);
    assert(m, `keyword pattern without a leading \\b(?:…)\\b list: ${p.match}`);
    words.push(...m[1].split('|'));
  }
  return words;
}
const grammarJson = JSON.parse(fs.readFileSync(grammarPath, 'utf8'));
const tokenSrc = fs.readFileSync(tokenRs, 'utf8');
for (const [table, rule] of [
  ['KEYWORDS', 'keywords'],
  ['PROPERTY_KEYWORDS', 'property-keywords'],
]) {
  const rust = rustTable(tokenSrc, table);
  const tm = grammarWords(grammarJson.repository[rule]);
  check(rust.length > 0, `${table} is empty`);
  check(new Set(tm).size === tm.length, `repository.${rule} lists a word twice: ${tm}`);
  const missing = rust.filter((w) => !tm.includes(w));
  const extra = tm.filter((w) => !rust.includes(w));
  check(missing.length === 0, `repository.${rule} lacks ${table} words: ${missing.join(' ')}`);
  check(extra.length === 0, `repository.${rule} has words not in ${table}: ${extra.join(' ')}`);
}
flush('keyword lists match grammar/src/lexer/token.rs');

// ---- tokenizer ----------------------------------------------------------------------------
async function loadGrammar() {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.scn' ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  return registry.loadGrammar('source.scn');
}

/** Tokens of every line: [{line, text, startIndex, endIndex, scopes}]. */
function tokenize(grammar, text) {
  let stack = vsctm.INITIAL;
  const out = [];
  text.split('\n').forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      out.push({ line: i + 1, src: line, text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, scopes: t.scopes });
    }
    stack = r.ruleStack;
  });
  return out;
}


(async () => {
  const grammar = await loadGrammar();

  // ---- 2. no invalid scope in any example -------------------------------------------------
  const examples = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.scn')).sort();
  check(examples.length > 0, 'no examples/*.scn');
  const all = {};
  for (const f of examples) {
    const tokens = tokenize(grammar, fs.readFileSync(path.join(examplesDir, f), 'utf8'));
    all[f] = tokens;
    for (const t of tokens) {
      if (t.scopes.some((s) => s.startsWith('invalid'))) {
        check(false, `${f}:${t.line}:${t.start + 1}: \`${t.text}\` has ${t.scopes.join(' ')}`);
      }
    }
  }
  flush(`no invalid scopes in ${examples.length} examples (${examples.join(', ')})`);

  // ---- 3. probes --------------------------------------------------------------------------
  // [file or null for the snippet, a substring of one line, the needle in it, expected scope prefix]
  const snippet = [
    '/// A doc comment.',
    '// A line comment.',
    '/* a /* nested */ block */ const X: fix<16, 8> = 0x1F',
    'const Y: ufix<8,4> = 0b1010',
    'const Z: [uF/cm^2] = 1 uF/cm^2',
    'const R: frequency = 0.04 mV^-1*ms^-1',
    'const T: time = 20ms',
    'const W: dimensionless = 10 mV/tau',
    'const Q: Q8.8 = 1_000',
    'import "lib.scn" as lib',
    'neuron N {',
    '    gate m: alpha = 1 kHz, beta = 2 kHz',
    '    current g * m',
    '    dv/dt = -65 mV / 1 ms',
    '    on v >= v_th { emit spike; refractory 2 ms }',
    '    let e = x as int',
    '    let r = encode(0.5, lfsr16(seed = 0xACE1), rng = r)',
    '}',
    'property P for Net {',
    '    assert rate(n) per sliding 64 cycles <= 16 @sim, bmc(depth = 20)',
    '    assert spike(n[0]) within 10 cycles of stimulus(go) @sim',
    '}',
    'const S = "a \\"q\\" b"',
    'const B: bool = true and not false',
  ].join('\n');
  const snippetTokens = tokenize(grammar, snippet);
  const probes = [
    // examples
    ['lif_q88.scn', 'neuron LifQ88 {', 'neuron', 'keyword.declaration.scn'],
    ['lif_q88.scn', 'neuron LifQ88 {', 'LifQ88', 'entity.name.type.scn'],
    ['lif_q88.scn', '/// Clocked Q8.8 LIF', '/// Clocked', 'comment.line.documentation.scn'],
    ['lif_q88.scn', '// Fixed-point Q8.8', 'Fixed', 'comment.line.double-slash.scn'],
    ['lif_q88.scn', 'param v_th: voltage = 20 mV', '20', 'constant.numeric.decimal.scn'],
    ['lif_q88.scn', 'param v_th: voltage = 20 mV', 'mV', 'keyword.other.unit.scn'],
    ['lif_q88.scn', 'param v_th: voltage = 20 mV', 'param', 'keyword.other.scn'],
    ['lif_q88.scn', 'param v_th: voltage = 20 mV', 'voltage', 'support.type.dimension.scn'],
    ['lif_q88.scn', 'precision fix<16, 8>', 'fix', 'storage.type.scn'],
    ['lif_q88.scn', 'precision fix<16, 8>', '16', 'constant.numeric.decimal.scn'],
    ['lif_q88.scn', 'seed = 0xACE1', '0xACE1', 'constant.numeric.hex.scn'],
    ['lif_q88.scn', 'duration = 4096 cycles', 'cycles', 'keyword.other.unit.scn'],
    ['lif_q88.scn', 'assert refractory(n) >= 3 cycles', 'assert', 'keyword.control.assert.scn'],
    ['lif_q88.scn', 'assert refractory(n) >= 3 cycles', 'refractory', 'entity.name.function.call.scn'],
    ['lif_q88.scn', 'per sliding 64 cycles', 'per', 'keyword.other.property.scn'],
    ['lif_q88.scn', 'per sliding 64 cycles', 'sliding', 'keyword.other.property.scn'],
    ['lif_q88.scn', 'within 10 cycles of', 'within', 'keyword.other.property.scn'],
    ['lif_q88.scn', '@sim, prove', 'sim', 'storage.modifier.annotation.scn'],
    ['lif_q88.scn', 'refractory 3 cycles clamp v', 'refractory', 'keyword.other.scn'],
    ['lif_q88.scn', 'refractory 3 cycles clamp v', 'clamp', 'keyword.other.scn'],
    ['lif_q88.scn', 'spike(n[0]) and spike', 'and', 'keyword.operator.logical.scn'],
    ['hodgkin_huxley.scn', 'dv/dt = (i_ext', 'dv/dt', 'meta.derivative.scn'],
    ['hodgkin_huxley.scn', 'dv/dt = (i_ext', 'v', 'variable.other.state.scn'],
    ['hodgkin_huxley.scn', 'param g_max: [mS/cm^2]', 'mS/cm^2', 'keyword.other.unit.scn'],
    ['hodgkin_huxley.scn', 'param e_rev: voltage = -77 mV', '77', 'constant.numeric.decimal.scn'],
    ['hodgkin_huxley.scn', 'param e_rev: voltage = -77 mV', 'mV', 'keyword.other.unit.scn'],
    ['hodgkin_huxley.scn', 'channel NaT {', 'channel', 'keyword.declaration.scn'],
    ['hodgkin_huxley.scn', 'gate m: alpha', 'gate', 'keyword.other.member.scn'],
    ['izhikevich.scn', 'du/dt = a * (b * v - u)', 'du/dt', 'meta.derivative.scn'],
    // snippet
    [null, '/// A doc comment.', '///', 'comment.line.documentation.scn'],
    [null, '/* a /* nested */ block */', 'block', 'comment.block.scn'],
    [null, 'const X: fix<16, 8> = 0x1F', 'const', 'keyword.declaration.scn'],
    [null, 'const X: fix<16, 8> = 0x1F', '0x1F', 'constant.numeric.hex.scn'],
    [null, 'const Y: ufix<8,4> = 0b1010', 'ufix', 'storage.type.scn'],
    [null, 'const Y: ufix<8,4> = 0b1010', '0b1010', 'constant.numeric.binary.scn'],
    [null, 'const Z: [uF/cm^2] = 1 uF/cm^2', 'uF/cm^2', 'keyword.other.unit.scn'],
    [null, 'const Z: [uF/cm^2] = 1 uF/cm^2', '1 uF/cm^2', 'meta.quantity.scn'],
    [null, 'const R: frequency = 0.04 mV^-1*ms^-1', 'mV^-1*ms^-1', 'keyword.other.unit.scn'],
    [null, 'const T: time = 20ms', 'ms', 'keyword.other.unit.scn'],
    [null, 'const W: dimensionless = 10 mV/tau', 'tau', 'variable.other.scn'],
    [null, 'const Q: Q8.8 = 1_000', 'Q8.8', 'storage.type.scn'],
    [null, 'const Q: Q8.8 = 1_000', '1_000', 'constant.numeric.decimal.scn'],
    [null, 'import "lib.scn" as lib', 'import', 'keyword.control.import.scn'],
    [null, 'import "lib.scn" as lib', 'lib.scn', 'string.quoted.double.scn'],
    [null, 'const S = "a \\"q\\" b"', '\\"', 'constant.character.escape.scn'],
    [null, 'dv/dt = -65 mV / 1 ms', '65 mV', 'meta.quantity.scn'],
    [null, 'current g * m', 'current', 'keyword.other.member.scn'],
    [null, 'on v >= v_th {', 'on', 'keyword.other.scn'],
    [null, 'let r = encode(0.5, lfsr16(seed = 0xACE1), rng = r)', 'rng', 'variable.other.scn'],
    [null, 'let e = x as int', 'int', 'storage.type.primitive.scn'],
    [null, 'true and not false', 'true', 'constant.language.boolean.scn'],
    [null, 'assert rate(n) per sliding 64 cycles', 'per', 'keyword.other.property.scn'],
  ];
  for (const [file, lineSub, needle, want] of probes) {
    const tokens = file ? all[file] : snippetTokens;
    const where = `${file || 'snippet'}: \`${needle}\` in \`${lineSub}\``;
    if (!tokens) {
      check(false, `${where}: no such example`);
      continue;
    }
    const line = tokens.find((t) => t.src.includes(lineSub));
    if (!line) {
      check(false, `${where}: line not found`);
      continue;
    }
    const at = line.src.indexOf(lineSub);
    const col = line.src.indexOf(needle, at);
    const covering = tokens.filter((t) => t.src === line.src && t.line === line.line && t.start < col + needle.length && t.start + t.text.length > col);
    check(covering.length > 0, `${where}: no tokens`);
    for (const t of covering) {
      check(
        t.scopes.some((s) => s === want || s.startsWith(want + '.')),
        `${where}: token \`${t.text}\` has ${t.scopes.join(' ')}, expected ${want}`,
      );
    }
  }
  // A property keyword outside a property body is an ordinary name.
  const outside = tokenize(grammar, 'neuron N { let per = 1 }');
  check(
    outside.find((t) => t.text === 'per').scopes.every((s) => !s.startsWith('keyword')),
    '`per` outside a property must not be a keyword',
  );
  check(!snippetTokens.some((t) => t.scopes.some((s) => s.startsWith('invalid'))), 'the snippet has invalid scopes');
  const bad = tokenize(grammar, 'const A = 1 # x\n}\nconst S = "open');
  for (const text of ['#', '}', '"open']) {
    const t = bad.find((x) => x.text === text);
    check(t && t.scopes.some((s) => s.startsWith('invalid.illegal')), `\`${text}\` should be invalid.illegal`);
  }
  flush(`${probes.length + 4} scope probes`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
