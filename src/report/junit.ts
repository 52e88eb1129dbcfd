/** JUnit XML as CI test reporters read it (the Ant/Surefire schema: testsuites > testsuite > testcase). */
export interface JUnitCase {
  name: string;
  className: string;
  timeSeconds: number;
  failure?: { message: string; details?: string };
  skipped?: string;
  systemOut?: string;
}

export interface JUnitSuite {
  name: string;
  cases: JUnitCase[];
  properties?: Record<string, string>;
}

export function escapeXml(text: string): string {
  // Characters XML 1.0 forbids even when escaped are dropped, so a stray control byte cannot break the file.
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function renderJUnit(suites: readonly JUnitSuite[]): string {
  const count = (s: JUnitSuite, f: (c: JUnitCase) => boolean) => s.cases.filter(f).length;
  const time = (s: JUnitSuite) => s.cases.reduce((t, c) => t + c.timeSeconds, 0);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + count(s, (c) => c.failure !== undefined), 0);
  const skipped = suites.reduce((n, s) => n + count(s, (c) => c.skipped !== undefined), 0);
  lines.push(`<testsuites name="torchparity" tests="${total}" failures="${failures}" errors="0" skipped="${skipped}" time="${suites.reduce((t, s) => t + time(s), 0).toFixed(3)}">`);
  for (const s of suites) {
    lines.push(
      `  <testsuite name="${escapeXml(s.name)}" tests="${s.cases.length}" failures="${count(s, (c) => c.failure !== undefined)}" errors="0" skipped="${count(s, (c) => c.skipped !== undefined)}" time="${time(s).toFixed(3)}">`,
    );
    if (s.properties && Object.keys(s.properties).length) {
      lines.push('    <properties>');
      for (const [k, v] of Object.entries(s.properties)) lines.push(`      <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`);
      lines.push('    </properties>');
    }
    for (const c of s.cases) {
      const open = `    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(c.className)}" time="${c.timeSeconds.toFixed(3)}"`;
      if (!c.failure && c.skipped === undefined && !c.systemOut) {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(`${open}>`);
      if (c.failure) {
        lines.push(`      <failure message="${escapeXml(c.failure.message)}">${escapeXml(c.failure.details ?? c.failure.message)}</failure>`);
      }
      if (c.skipped !== undefined) lines.push(`      <skipped message="${escapeXml(c.skipped)}"/>`);
      if (c.systemOut) lines.push(`      <system-out>${escapeXml(c.systemOut)}</system-out>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
