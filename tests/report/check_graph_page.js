// Loads a `ferry inspect --format html` page in Debian's headless Chromium (driven by
// playwright-core), takes a screenshot, and checks that the graph renders and is usable:
// nodes are drawn, a click on a Conv node shows its attributes, shapes and weight
// statistics, search finds nodes by name, the wheel zooms. Network access is blocked: the
// page must work offline.
//
// Usage: node check_graph_page.js PAGE.html SCREENSHOT_PREFIX
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');

const oracles = path.resolve(__dirname, '..', 'oracles', 'node_modules');
const { chromium } = require(path.join(oracles, 'playwright-core'));

function check(cond, what) {
  if (!cond) throw new Error('FAIL: ' + what);
  console.log('ok: ' + what);
}

async function main() {
  const [page_path, shot] = process.argv.slice(2);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-chromium-'));
  // A fresh profile per run (playwright passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const requests = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      requests.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto('file://' + path.resolve(page_path));
    await page.waitForSelector('g.node');

    const nodes = await page.locator('g.node').count();
    const convs = await page.evaluate(() => Array.from(document.querySelectorAll('g.node'))
      .filter((g) => (window.ferryGraph.nodes[g.id] || {}).op === 'Conv').length);
    check(nodes >= 40, `graph renders (${nodes} boxes drawn)`);
    check(convs === 20, `all 20 Conv nodes of ResNet-18 are drawn (${convs})`);
    await page.screenshot({ path: shot + '-overview.png' });

    // Click the first Conv node on screen: the panel lists its attributes and weights.
    const conv_id = await page.evaluate(() => Object.keys(window.ferryGraph.nodes)
      .filter((id) => /^node\d+$/.test(id) && window.ferryGraph.nodes[id].op === 'Conv')
      .sort((a, b) => +a.slice(4) - +b.slice(4))[0]);
    const box = await page.locator('g.node#' + conv_id).boundingBox();
    check(box && box.width > 20 && box.height > 10,
          `node ${conv_id} is visible (${JSON.stringify(box)})`);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const details = await page.locator('#details').innerText();
    check(/attributes/i.test(details), 'a click shows the Attributes section');
    check(/kernel_shape/.test(details) && /\[7, 7\]/.test(details),
          'attributes include kernel_shape [7, 7]');
    check(/strides/.test(details) && /pads/.test(details), 'attributes include strides and pads');
    check(/float32\[64,3,7,7\]/.test(details), 'the weight shape is listed');
    check(/min .*max .*mean .*std/.test(details), 'weight statistics are listed');
    check(/float32\[batch_size,64,112,112\]/.test(details), 'the output shape is listed');
    check(await page.locator('g.node.selected').count() === 1, 'the clicked node is highlighted');
    await page.screenshot({ path: shot + '-click.png' });

    // Zoom with the wheel: the viewBox shrinks.
    const before = await page.evaluate(() => window.ferryGraph.view().w);
    await page.mouse.move(500, 400);
    await page.mouse.wheel(0, -400);
    const after = await page.evaluate(() => window.ferryGraph.view().w);
    check(after < before,
          `wheel zooms in (view width ${before.toFixed(0)} -> ${after.toFixed(0)})`);
    // Pan with a drag: the view moves.
    const v0 = await page.evaluate(() => window.ferryGraph.view().y);
    await page.mouse.move(700, 500);
    await page.mouse.down();
    await page.mouse.move(700, 300, { steps: 5 });
    await page.mouse.up();
    const v1 = await page.evaluate(() => window.ferryGraph.view().y);
    check(v1 > v0, `drag pans (view y ${v0.toFixed(0)} -> ${v1.toFixed(0)})`);

    // Search by name: matches are listed and highlighted; Enter selects the first.
    await page.fill('#search', 'layer4');
    await page.press('#search', 'Enter');
    const matched = await page.locator('g.node.match').count();
    check(matched >= 10, `search 'layer4' highlights ${matched} nodes`);
    check(/layer4/.test(await page.locator('#details').innerText()), 'Enter selects a match');
    await page.screenshot({ path: shot + '-search.png' });

    check(errors.length === 0, 'no script errors: ' + errors.join('; '));
    check(requests.length === 0, 'no network requests: ' + requests.join(' '));
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e.message || e); process.exit(1); });
