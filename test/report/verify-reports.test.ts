import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bufferIO, processIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { loadModel } from '../../src/engine/session.js';
import type { NodeOverride } from '../../src/verify/node-check.js';
import { tempDir } from '../helpers/external.js';
import { borderFault, middleConv } from '../helpers/fault.js';
import { parseXml, type XmlElement } from '../helpers/xml.js';

async function cli(argv: string[], options: { override?: NodeOverride; color?: boolean } = {}) {
  const io = { ...bufferIO(), ...(options.color ? { color: true, isTTY: true } : {}) };
  const code = await main(argv, io, options.override ? { override: options.override } : {});
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const RESNET = 'fixtures/models/resnet_bottleneck__dynamo_op18';

/** Copies a fixture into a folder whose name needs escaping in XML and HTML. */
function awkwardCopy(fixture: string): string {
  const dir = path.join(tempDir(), `a&b <"c"> 'd'`);
  fs.cpSync(fixture, dir, { recursive: true });
  return dir;
}

const children = (e: XmlElement, name: string) => e.children.filter((c) => c.name === name);
const isCount = (v: string | undefined) => v !== undefined && /^\d+$/.test(v);
const isSeconds = (v: string | undefined) => v !== undefined && /^\d+(\.\d+)?$/.test(v);

/** The JUnit structure CI reporters (Jenkins, GitLab, GitHub actions) read, with every count consistent. */
function checkJUnit(xml: string): XmlElement {
  const root = parseXml(xml);
  expect(root.name).toBe('testsuites');
  let tests = 0;
  let failures = 0;
  for (const suite of root.children) {
    expect(suite.name).toBe('testsuite');
    expect(suite.attributes.name).toBeTruthy();
    for (const a of ['tests', 'failures', 'errors', 'skipped']) expect(isCount(suite.attributes[a]), a).toBe(true);
    expect(isSeconds(suite.attributes.time)).toBe(true);
    const cases = children(suite, 'testcase');
    expect(suite.children.every((c) => c.name === 'testcase' || c.name === 'properties')).toBe(true);
    expect(Number(suite.attributes.tests)).toBe(cases.length);
    const failed = cases.filter((c) => children(c, 'failure').length > 0);
    expect(Number(suite.attributes.failures)).toBe(failed.length);
    for (const p of children(suite, 'properties').flatMap((ps) => ps.children)) {
      expect(p.name).toBe('property');
      expect(Object.keys(p.attributes).sort()).toEqual(['name', 'value']);
    }
    for (const c of cases) {
      expect(c.attributes.name).toBeTruthy();
      expect(c.attributes.classname).toBeTruthy();
      expect(isSeconds(c.attributes.time)).toBe(true);
      expect(c.children.every((k) => ['failure', 'skipped', 'system-out', 'error'].includes(k.name))).toBe(true);
      for (const f of children(c, 'failure')) expect(f.attributes.message).toBeTruthy();
    }
    tests += cases.length;
    failures += failed.length;
  }
  expect(Number(root.attributes.tests)).toBe(tests);
  expect(Number(root.attributes.failures)).toBe(failures);
  return root;
}

describe('verify reports', () => {
  it('--junit: parses as JUnit XML; one test case per output and per node over the bound; names are escaped', async () => {
    const target = awkwardCopy(RESNET);
    const victim = await middleConv(`${RESNET}/model.onnx`);
    const file = path.join(tempDir(), 'out', 'report.xml');
    const r = await cli(['verify', target, '--intermediates', '--junit', file], { override: borderFault(victim.name) });
    expect(r.code).toBe(1);
    const root = checkJUnit(fs.readFileSync(file, 'utf8'));
    const [suite] = root.children;
    expect(suite!.attributes.name).toBe(`${target}/model.onnx [test_data_set_0]`);
    const cases = children(suite!, 'testcase');
    const names = cases.map((c) => c.attributes.name!);
    expect(names[0]).toBe('output output float32[2,32,6,6]');
    // The failing output, and the divergent node as a failure naming it first; the cascade nodes as passing cases.
    const failing = cases.filter((c) => children(c, 'failure').length).map((c) => c.attributes.name);
    expect(failing).toEqual(['output output float32[2,32,6,6]', `node ${victim.name} (Conv, step ${victim.step})`]);
    const divergent = cases.find((c) => c.attributes.name!.startsWith(`node ${victim.name}`))!;
    expect(children(divergent, 'failure')[0]!.attributes.message).toMatch(new RegExp(`^first divergent node: ${victim.name} \\(Conv\\)`));
    const cascade = cases.filter((c) => c.attributes.name!.startsWith('node ') && !children(c, 'failure').length);
    expect(cascade.length).toBeGreaterThan(0);
    for (const c of cascade) expect(children(c, 'system-out')[0]!.text).toMatch(/^over the bound only because its inputs differ/);
    const props = Object.fromEntries(children(suite!, 'properties')[0]!.children.map((p) => [p.attributes.name, p.attributes.value]));
    expect(props).toMatchObject({ onnxruntime: '1.30.0', opsets: 'ai.onnx 18', producer: expect.stringMatching(/^pytorch 2\./) });
  });

  it('--junit of a passing run: every case passes and the XML is still valid', async () => {
    const file = path.join(tempDir(), 'pass.xml');
    const r = await cli(['verify', 'fixtures/seed', '--junit', file]);
    expect(r.code).toBe(0);
    const root = checkJUnit(fs.readFileSync(file, 'utf8'));
    expect(root.attributes).toMatchObject({ tests: '3', failures: '0' });
  });

  it('the XML checker itself rejects what a CI parser would (so the tests above can fail)', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/closes/);
    expect(() => parseXml('<a x=1/>')).toThrow(/not quoted/);
    expect(() => parseXml('<a>1 < 2</a>')).toThrow(/bad element name/);
    expect(() => parseXml('<a>AT&T</a>')).toThrow(/raw/);
    expect(() => parseXml('<a k="<"/>')).toThrow(/raw/);
    expect(() => parseXml('<a>&nbsp;</a>')).toThrow(/unknown entity/);
    expect(() => parseXml('<a/><b/>')).toThrow(/after the root/);
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/repeated/);
    expect(() => parseXml('<a>\u0001</a>')).toThrow(/forbids/);
    expect(parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a k="&lt;&amp;&quot;">t<![CDATA[<x>]]></a>\n')).toMatchObject({ name: 'a', attributes: { k: '<&"' }, text: 't<x>' });
  });

  it('--json: everything, with versions of torchparity, onnxruntime and node, the opset and producer of each model', async () => {
    const file = path.join(tempDir(), 'report.json');
    const r = await cli(['verify', 'fixtures/seed/seed_dynamo', '--intermediates', '--json', file]);
    expect(r.code).toBe(0);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    expect(json).toMatchObject({
      tool: 'torchparity',
      command: 'verify',
      verdict: 'pass',
      versions: { torchparity: pkg.version, onnxruntime: '1.30.0', node: process.versions.node },
    });
    const [report] = json.reports;
    const record = (await loadModel('fixtures/seed/seed_dynamo/model.onnx')).graph.source;
    expect(report).toMatchObject({
      opsets: { 'ai.onnx': record.opsetImports.get('') },
      producer: `${record.producerName} ${record.producerVersion}`,
      irVersion: record.irVersion,
      inputSource: 'seed_dynamo/test_data_set_0',
      outputs: [{ name: 'output', golden: { verdict: 'pass' }, onnxruntime: { verdict: 'pass' } }],
      intermediates: { reference: { kind: 'onnxruntime' }, compared: 12 },
    });
    expect(report.intermediates.nodes).toHaveLength(12);
  });

  it('terminal: colour only when the IO says so; the last line is a one-line verdict', async () => {
    const plain = await cli(['verify', 'fixtures/seed/seed_dynamo']);
    expect(plain.out).not.toContain('\x1b[');
    expect(plain.out.split('\n').at(-1)).toBe('1 of 1 verified: all pass');
    const coloured = await cli(['verify', 'fixtures/seed/seed_dynamo'], { color: true });
    expect(coloured.out).toContain('\x1b[32mpass');
    expect(coloured.out.split('\n').at(-1)).toBe('\x1b[32m1 of 1 verified: all pass\x1b[0m');
  });
});

describe('processIO colour', () => {
  const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  const noColor = process.env.NO_COLOR;
  const setTTY = (value: boolean) => Object.defineProperty(process.stdout, 'isTTY', { value, configurable: true });
  afterEach(() => {
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
    if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
  });

  it('colour on a TTY, none when piped, none on a TTY with NO_COLOR set (https://no-color.org: any non-empty value)', () => {
    delete process.env.NO_COLOR;
    setTTY(true);
    expect(processIO().color).toBe(true);
    process.env.NO_COLOR = '1';
    expect(processIO().color).toBe(false);
    delete process.env.NO_COLOR;
    setTTY(false);
    expect(processIO().color).toBe(false);
  });
});
