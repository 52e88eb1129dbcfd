import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { tempDir } from '../helpers/external.js';
import { borderFault, middleConv } from '../helpers/fault.js';
import { decodePng, inkStats, pixel, type Image } from '../helpers/png.js';

/**
 * `verify --html` in a real browser: Debian's chromium, headless, driven by playwright-core. .ci/run installs
 * chromium, so in CI (CI=true) a missing browser is a failure, never a skip.
 */
const CHROMIUM = '/usr/bin/chromium';
const installed = fs.existsSync(CHROMIUM);
const SKIP_REASON = `SKIPPED: ${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run does this)`;
if (!installed) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing in CI: .ci/run should have installed Debian's chromium`);
  console.warn(`verify-html.browser.test.ts: ${SKIP_REASON}`);
}

const RESNET = 'fixtures/models/resnet_bottleneck__dynamo_op18';

/** Pixels within `tolerance` of an RGB colour. */
function countNear(image: Image, rgb: [number, number, number], tolerance = 24): number {
  let n = 0;
  for (let i = 0; i < image.pixels.length; i += 4) {
    if (Math.abs(image.pixels[i]! - rgb[0]) <= tolerance && Math.abs(image.pixels[i + 1]! - rgb[1]) <= tolerance && Math.abs(image.pixels[i + 2]! - rgb[2]) <= tolerance) n++;
  }
  return n;
}

const isWhite = ([r, g, b]: number[]) => r! >= 250 && g! >= 250 && b! >= 250;

describe.skipIf(!installed)(`verify --html in headless Chromium${installed ? '' : ` (${SKIP_REASON})`}`, () => {
  let context: BrowserContext;
  let userDataDir: string;
  let html: string;
  let victim: { name: string; step: number };
  let channels: number;

  beforeAll(async () => {
    victim = await middleConv(`${RESNET}/model.onnx`);
    const dir = tempDir();
    html = path.join(dir, 'report.html');
    const json = path.join(dir, 'report.json');
    const io = bufferIO();
    const code = await main(['verify', RESNET, 'fixtures/seed/seed_dynamo', '--intermediates', '--html', html, '--json', json], io, { override: borderFault(victim.name) });
    expect(code).toBe(1);
    channels = JSON.parse(fs.readFileSync(json, 'utf8')).reports[0].intermediates.firstDivergent.heatmap.channels.length;
    userDataDir = tempDir('torchparity-chromium-');
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1200, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  it('is one self-contained file: no link, no src, no URL to fetch', () => {
    const text = fs.readFileSync(html, 'utf8');
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toMatch(/<link\b|\bsrc\s*=|@import|url\(/i);
    expect(text.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('renders the per-node charts and the divergent node\'s heatmaps without any request or script error', async () => {
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    const url = pathToFileURL(html).href;
    await page.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      requests.push(u);
      return route.abort();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(url);
    await page.waitForSelector('html[data-rendered="true"]', { timeout: 15_000 });
    const drawn = await page.evaluate('({ ...document.documentElement.dataset })');
    expect(drawn).toMatchObject({ chartsDrawn: '2', heatmapsDrawn: String(channels) });
    expect(channels).toBe(32);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await expect(page.locator('h3', { hasText: 'First divergent node' }).textContent()).resolves.toContain(victim.name);

    // The chart: green bars before the fault, a red bar at it, orange cascade bars after, the dashed bound.
    const chart = decodePng(await page.locator('#chart-0').screenshot());
    const stats = inkStats(chart);
    expect(stats.ink).toBeGreaterThan(2000);
    expect(countNear(chart, [0xc6, 0x28, 0x28])).toBeGreaterThan(100); // divergent bar (and its marker line)
    expect(countNear(chart, [0x2e, 0x9d, 0x5b])).toBeGreaterThan(100); // passing bars
    expect(countNear(chart, [0xe0, 0x8a, 0x00])).toBeGreaterThan(100); // cascade bars
    expect(countNear(chart, [0xd3, 0x54, 0x00], 12)).toBeGreaterThan(50); // bound line
    // The passing model's chart has only green bars.
    const passing = decodePng(await page.locator('#chart-1').screenshot());
    expect(countNear(passing, [0x2e, 0x9d, 0x5b])).toBeGreaterThan(100);
    expect(countNear(passing, [0xc6, 0x28, 0x28])).toBe(0);

    // Heatmaps: the fault scaled the border of every channel, so border cells are coloured and the inside is white.
    for (const k of [0, channels - 1]) {
      const heat = decodePng(await page.locator(`#heat-0-${k}`).screenshot());
      expect(heat.width).toBeGreaterThan(100);
      const mid = Math.floor(heat.height / 2);
      expect(isWhite(pixel(heat, Math.floor(heat.width / 2), mid)), `channel ${k} centre`).toBe(true);
      expect(isWhite(pixel(heat, 6, mid)), `channel ${k} left border`).toBe(false);
      expect(isWhite(pixel(heat, Math.floor(heat.width / 2), 6)), `channel ${k} top border`).toBe(false);
      expect(inkStats(heat).colors).toBeGreaterThan(2);
    }

    // Hovering a bar names its node.
    const chartBox = page.locator('#chart-0');
    await chartBox.scrollIntoViewIfNeeded();
    const box = (await chartBox.boundingBox())!;
    const slot = (box.width * (960 - 64 - 16)) / 960 / 15;
    await chartBox.hover({ position: { x: (64 / 960) * box.width + slot * (victim.step + 0.5), y: box.height / 2 } });
    await expect(page.locator('#tip-0').textContent()).resolves.toContain(`${victim.name} (Conv)`);

    const shot = path.join(path.dirname(html), 'page.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(inkStats(decodePng(fs.readFileSync(shot))).ink).toBeGreaterThan(10_000);
    await page.close();
  });
});
