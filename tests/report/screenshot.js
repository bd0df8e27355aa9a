// Opens a page in Debian's headless Chromium (network blocked) and saves a full-page
// screenshot; fails on script errors, network requests, or when SELECTOR (optional) is absent.
// Usage: node screenshot.js PAGE.html OUT.png [SELECTOR]
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const oracles = path.resolve(__dirname, '..', 'oracles', 'node_modules');
const { chromium } = require(path.join(oracles, 'playwright-core'));

async function main() {
  const [page_path, out, selector] = process.argv.slice(2);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const problems = [];
  try {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      problems.push('network request ' + url);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push('script error ' + e));
    await page.goto('file://' + path.resolve(page_path));
    if (selector && (await page.locator(selector).count()) === 0) problems.push('no ' + selector);
    await page.screenshot({ path: out, fullPage: true });
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (problems.length) throw new Error(problems.join('; '));
  console.log('wrote ' + out);
}

main().catch((e) => { console.error(e.message || e); process.exit(1); });
