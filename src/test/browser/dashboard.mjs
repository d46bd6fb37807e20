// The dashboard as a new user meets it, in Debian's headless Chromium driven by Playwright: upload the article's
// data through the page, train [8, 3], watch the progress bar move, see the metrics and the ROC curve, predict a
// row; then keyboard and phone checks. A screenshot of each step goes to the given directory.
//   node dashboard.mjs <base URL> <train.csv> <test.csv> <screenshot dir>
// Prints one JSON line of what it saw; exits non-zero (with the reason) when a step fails.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const [base, trainCsv, testCsv, shots] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'] });
const seen = {};
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', e => errors.push(e.message));
  // nothing the page loads fails (a missing favicon included), and no script logs an error
  page.on('console', m => { if (m.type() === 'error' && !/status of 400|status of 422|status of 409/.test(m.text())) errors.push(m.text()); });
  // the service's Content-Security-Policy must not block anything the dashboard needs
  page.on('console', m => { if (/Content Security Policy/i.test(m.text())) errors.push(m.text()); });
  const shot = (name) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  // nothing is fetched from anywhere but the service
  page.on('request', r => { if (!r.url().startsWith(base) && !/^(data|about|blob):/.test(r.url())) errors.push('fetched ' + r.url()); });

  await page.goto(base + '/');
  await page.getByRole('heading', { name: 'Upload a dataset' }).waitFor();
  await shot('01-home');

  // a bad upload is shown as the service's problem detail, naming what is wrong
  await page.locator('#upload-file').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('') });
  await page.locator('#upload-button').click();
  await page.locator('p.error').filter({ hasText: /empty/i }).waitFor();
  seen.uploadError = await page.locator('p.error').first().textContent();

  // the test rows first, then the training rows
  for (const [file, name] of [[testCsv, 'seed_test'], [trainCsv, 'seed_train']]) {
    await page.goto(base + '/#/');
    await page.locator('#upload-file').setInputFiles(file);
    await page.locator('#upload-name').fill(name);
    await page.locator('#upload-button').click();
    await page.waitForURL(/#\/datasets\/[0-9a-f-]{36}$/);
    await page.locator('#columns tbody tr').first().waitFor();
  }
  seen.columns = await page.locator('#columns tbody tr').count();
  await shot('02-dataset');

  // the API's refusal appears beside the field it names, and nothing is trained
  await page.locator('#train-learning-rate').fill('5000');
  await page.locator('#train-button').click();
  await page.locator('#train-learning-rate[aria-invalid="true"]').waitFor();
  seen.fieldError = await page.locator('#train-learning-rate-error').textContent();
  await page.locator('#train-learning-rate').fill('');
  const datasetUrl = page.url();

  // the article's network and step, its test dataset, and enough iterations to watch it train
  await page.locator('#train-hidden').fill('8, 3');
  await page.locator('#train-iterations').fill('20000');
  await page.locator('#train-form input[name=standardize]').uncheck();
  await page.locator('#train-test').selectOption({ label: 'dataset seed_test' });
  await page.locator('#train-button').click();
  await page.waitForURL(/#\/models\/[0-9a-f-]{36}$/);
  if (await page.locator('#train-learning-rate-error').count()) throw new Error('the old field error stayed');

  const progress = [];
  let shotWhileTraining = false;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const status = await page.locator('#model-status').textContent();
    const value = Number(await page.locator('#model-progress').getAttribute('value'));
    if (progress.length === 0 || progress[progress.length - 1] !== value) progress.push(value);
    if (status === 'RUNNING' && value >= 8000 && !shotWhileTraining) {
      // the loss curve is drawn live, from the server-sent events: several points by now
      seen.livePoints = await page.locator('#loss-chart polyline').getAttribute('points')
        .then(p => p ? p.split(' ').filter(Boolean).length : 0);
      await shot('03-training');
      shotWhileTraining = true;
    }
    if (status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED') {
      seen.status = status;
      break;
    }
    await page.waitForTimeout(100);
  }
  seen.progress = progress;
  if (seen.status !== 'SUCCEEDED') throw new Error('the model ended ' + seen.status);
  const moving = progress.filter(v => v > 0 && v < 20000);
  if (moving.length < 2) throw new Error('the progress bar did not move while training: ' + JSON.stringify(progress));

  await page.locator('#metrics').waitFor();
  seen.metrics = await page.locator('#metrics tbody tr:visible').allTextContents();
  await page.locator('#roc-chart svg polyline').first().waitFor();
  seen.lossPoints = await page.locator('#loss-chart polyline').getAttribute('points').then(p => p.split(' ').length);
  // its warnings come first: the article's step makes the loss oscillate over 20,000 epochs
  seen.warnings = await page.locator('#warnings li strong').allTextContents();
  seen.warningsFirst = await page.evaluate(() => document.getElementById('warnings').compareDocumentPosition(
    document.getElementById('loss-title')) === Node.DOCUMENT_POSITION_FOLLOWING);
  await shot('04-trained');

  // predict the first test row
  const [header, first] = readFileSync(testCsv, 'utf8').split('\n');
  const names = header.split(',');
  const values = first.split(',');
  for (let i = 0; i < names.length - 1; i++) {
    await page.locator(`#predict-form input[data-feature="${names[i]}"]`).fill(values[i]);
  }
  await page.locator('#predict-button').click();
  await page.locator('#prediction').filter({ hasText: 'probability' }).waitFor();
  seen.prediction = JSON.parse(await page.locator('#prediction-raw').textContent());
  // why: each feature's contribution, drawn
  seen.contributionBars = await page.locator('#contributions-chart rect.bar').count();
  await shot('05-predicted');
  // the model page at a phone's, a tablet's and a desktop's width: nothing wider than the screen, every control
  // labelled, the charts drawn for the width
  const modelUrl = page.url();
  for (const [width, height] of [[390, 844], [1024, 768], [1440, 900]]) {
    await page.setViewportSize({ width, height });
    await page.goto('about:blank'); // a fresh load at this width (the same URL would only change its hash)
    await page.goto(modelUrl);
    await page.locator('#roc-chart svg').waitFor();
    seen['model' + width] = await page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      chart: Number(document.querySelector('#loss-chart svg').getAttribute('width')),
      unlabelled: [...document.querySelectorAll('input, select, textarea, button')]
        .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
        .filter(el => !((el.labels && el.labels.length) || el.getAttribute('aria-label')
          || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim())))
        .map(el => el.outerHTML.slice(0, 80)),
    }));
    await shot('05-model-' + width);
    const m = seen['model' + width];
    if (m.overflow > 1) throw new Error(`the model page is ${m.overflow} px wider than ${width} px`);
    if (m.unlabelled.length) throw new Error('controls without a label: ' + m.unlabelled.join(' | '));
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  // features named like the form's own properties still predict
  const odd = await page.request.post(base + '/datasets?name=odd', { headers: { 'Content-Type': 'text/csv' },
    data: 'querySelectorAll,submit,action,y\n' + Array.from({ length: 40 }, (_, i) => `${i},${i % 3},${i % 5},${i % 2}`).join('\n') });
  const oddModel = await page.request.post(base + '/models', { headers: { 'Content-Type': 'application/json' },
    data: JSON.stringify({ datasetId: (await odd.json()).id, network: { hiddenLayers: [2], maxIterations: 20 } }) });
  const oddId = (await oddModel.json()).id;
  await page.goto(base + '/#/models/' + oddId);
  await page.locator('#model-status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: 60_000 });
  for (const f of ['querySelectorAll', 'submit', 'action']) {
    await page.locator(`#predict-form input[data-feature="${f}"]`).fill('1');
  }
  await page.locator('#predict-button').click();
  await page.locator('#prediction').filter({ hasText: 'probability' }).waitFor();
  seen.oddFeatures = JSON.parse(await page.locator('#prediction-raw').textContent()).label;

  // find a good model from a dataset's page: the search's rungs and leaderboard fill in live, then its model
  await page.goto(base + '/#/datasets/' + (await odd.json()).id);
  await page.locator('#search-test').selectOption({ label: 'none' });
  await page.locator('#search-button').click();
  await page.waitForURL(/#\/searches\/[0-9a-f-]{36}$/);
  await page.locator('#rungs tbody tr').first().waitFor();
  await page.locator('#search-status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: 120_000 });
  seen.searchRungs = await page.locator('#rungs tbody tr').count();
  seen.searchLeaderboard = await page.locator('#leaderboard tbody tr').count();
  await shot('06-search');
  await page.locator('#search-model').click();
  await page.waitForURL(/#\/models\/[0-9a-f-]{36}$/);
  await page.locator('#model-status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: 60_000 });
  seen.searchedModel = await page.locator('h1').first().textContent();
  seen.searchedWarnings = await page.locator('#warnings li').count();

  // a table of a date, a category and a number: the predict form offers a date picker, the levels seen in training
  // (an unseen one is noted), the number's training range; the model explains itself from its page
  const rows = ['day,region,amount,y'];
  const regions = ['north', 'south', 'east', 'west'];
  for (let i = 0; i < 240; i++) {
    const day = new Date(Date.UTC(2014, 0, 1) + i * 3 * 86400000).toISOString().slice(0, 10);
    const region = regions[i % 4];
    const amount = (i * 37 % 100) + 0.5;
    rows.push(`${day},${region},${amount},${(amount > 50) !== (region === 'west') ? 1 : 0}`);
  }
  const mixed = await (await page.request.post(base + '/datasets?name=mixed', { headers: { 'Content-Type': 'text/csv' },
    data: rows.join('\n') + '\n' })).json();
  // trained through the form with its options: Adam, mini-batches, early stopping, Platt calibration and a threshold
  // chosen by max F1 on the validation rows
  await page.goto(base + '/#/datasets/' + mixed.id);
  await page.locator('#train-form').waitFor();
  await page.locator('#train-name').fill('mixed');
  await page.locator('#train-hidden').fill('8');
  await page.locator('#train-activation').fill('tanh');
  await page.locator('#train-optimizer').selectOption('adam');
  await page.locator('#train-learning-rate').fill('0.01');
  await page.locator('#train-iterations').fill('80');
  await page.locator('#train-batch').fill('32');
  await page.locator('#train-stopping').check();
  await page.locator('#train-patience').fill('20');
  await page.locator('#train-calibration').selectOption('platt');
  await page.locator('#train-rule').selectOption('maxF1');
  await page.locator('#train-button').click();
  await page.waitForURL(/#\/models\/[0-9a-f-]{36}$/);
  await page.locator('#model-status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: 60_000 });
  await page.locator('#calibration-chart svg').waitFor();
  seen.mixedSpec = await (await page.request.get(base + '/models/' + page.url().split('/').pop())).json()
    .then(m => ({ optimizer: m.network.optimizer.type, batchSize: m.network.batchSize, earlyStopping: !!m.network.earlyStopping,
      calibration: m.network.calibration, rule: m.network.thresholdRule && m.network.thresholdRule.by }));
  seen.thresholdShown = await page.locator('#metrics-title ~ p').textContent();
  await page.locator('#predict-form').waitFor();
  seen.dateControl = await page.locator('#feature-day').getAttribute('type');
  seen.levels = await page.locator('#levels-region option').evaluateAll(os => os.map(o => o.value));
  await page.locator('#feature-region').fill('biscoe');
  seen.unseenNote = await page.locator('#predict-form .note').first().textContent();
  await page.locator('#feature-region').fill('west');
  await page.locator('#feature-day').fill('2015-01-15');
  await page.locator('#feature-amount').fill('70');
  seen.amountRange = await page.locator('#feature-amount ~ small').textContent();
  await page.locator('#predict-button').click();
  await page.locator('#predicted-label').waitFor();
  seen.mixedPrediction = JSON.parse(await page.locator('#prediction-raw').textContent());
  await page.locator('#explain-button').click();
  await page.locator('#importance-chart svg rect.bar').first().waitFor({ timeout: 60_000 });
  seen.importanceBars = await page.locator('#importance-chart rect.bar').count();
  seen.pdFeatures = await page.locator('#pd-feature option').evaluateAll(os => os.map(o => o.value));
  await page.locator('#pd-feature').selectOption('day.month');
  await page.locator('#dependence-chart svg polyline').first().waitFor();
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export npz' }).click();
  seen.exported = (await (await download).path()) ? 'npz' : '';
  await shot('10-explained');

  // a regression: its predictions against the truth, and its residuals
  const houses = await (await page.request.post(base + '/datasets?name=houses', { headers: { 'Content-Type': 'text/csv' },
    data: readFileSync(new URL('../../../examples/data/houses-train.csv', import.meta.url), 'utf8') })).json();
  const housesModel = await (await page.request.post(base + '/models', { headers: { 'Content-Type': 'application/json' },
    data: JSON.stringify({ datasetId: houses.id, testFraction: 0.2, name: 'houses',
      network: { hiddenLayers: [16], activation: 'relu', optimizer: { type: 'adam' }, learningRate: 0.01, maxIterations: 100 } }) })).json();
  await page.goto(base + '/#/models/' + housesModel.id);
  await page.locator('#model-status').filter({ hasText: 'SUCCEEDED' }).waitFor({ timeout: 60_000 });
  await page.locator('#residuals-chart svg circle').first().waitFor();
  seen.residualCharts = await page.locator('#residuals-chart svg').count();
  await shot('11-regression');

  // an experiment started from a dataset's page: its leaderboard opens a run
  await page.goto(base + '/#/datasets/' + (await odd.json()).id);
  await page.locator('#experiment-hidden').fill('1; 2');
  await page.locator('#experiment-seeds').fill('0, 1');
  await page.locator('#experiment-iterations').fill('20');
  await page.locator('#experiment-test').selectOption({ index: 0 });
  await page.locator('#experiment-button').click();
  await page.waitForURL(/#\/experiments\/[0-9a-f-]{36}$/);
  const experimentUrl = page.url();
  for (let tries = 0; tries < 120; tries++) {
    const state = await (await page.request.get(base + '/experiments/' + experimentUrl.split('/').pop())).json();
    if (state.status === 'SUCCEEDED') break;
    await page.waitForTimeout(250);
  }
  await page.goto('about:blank');
  await page.goto(experimentUrl);
  await page.locator('main table tbody tr a').first().waitFor();
  seen.experimentRows = await page.locator('main table tbody tr').count();
  await page.locator('#compare-best-configurations').click();
  await page.locator('#compare-loss svg').waitFor();
  seen.experimentCompared = await page.locator('#compare-spec thead th').count() - 1;

  // two models side by side, picked on the home page
  await page.goto(base + '/#/');
  await page.locator('#models tbody tr').nth(1).waitFor();
  const boxes = page.locator('#models input[type=checkbox]');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.locator('#compare-button').click();
  await page.waitForURL(/#\/compare\//);
  await page.locator('#compare-loss svg').waitFor();
  seen.compared = await page.locator('#compare-spec thead th').count() - 1;
  seen.comparedCurves = await page.locator('#compare-loss svg polyline').count();
  await shot('08-compare');
  const compareUrl = page.url();
  const searchUrl = base + '/#/searches/' + (await (await page.request.get(base + '/searches')).json())[0].id;

  // every page at a phone's, a tablet's and a desktop's width: nothing wider than the screen, every control labelled
  const pages = { home: base + '/#/', dataset: datasetUrl, model: modelUrl, compare: compareUrl, search: searchUrl,
    searches: base + '/#/searches', experiments: base + '/#/experiments', experiment: experimentUrl };
  seen.pages = {};
  for (const [width, height] of [[390, 844], [1024, 768], [1440, 900]]) {
    await page.setViewportSize({ width, height });
    for (const [name, url] of Object.entries(pages)) {
      await page.goto('about:blank');
      await page.goto(url);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
      const found = await page.evaluate(() => ({
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        unlabelled: [...document.querySelectorAll('input, select, textarea, button')]
          .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
          .filter(el => !((el.labels && el.labels.length) || el.getAttribute('aria-label')
            || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim())))
          .map(el => el.outerHTML.slice(0, 80)),
        // the least contrast of any text shown against the background behind it (WCAG's ratio; disabled controls aside)
        contrast: (() => {
          const lum = c => {
            const v = c.match(/[\d.]+/g).slice(0, 3).map(Number).map(x => x / 255)
              .map(x => x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
            return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
          };
          const behind = el => {
            for (let e = el; e; e = e.parentElement) {
              const b = getComputedStyle(e).backgroundColor;
              if (b && b !== 'transparent' && !/rgba\(.*, 0\)$/.test(b)) return b;
            }
            return 'rgb(255, 255, 255)';
          };
          let worst = { ratio: 99, text: '' };
          for (const el of document.querySelectorAll('main p, main a, main button, main th, main td, main label, main small, main li, main legend, main h1, main h2, main svg text')) {
            if (el.disabled || !el.textContent.trim() || !(el instanceof SVGElement || el.offsetParent)) continue;
            const fg = el instanceof SVGElement ? getComputedStyle(el).fill : getComputedStyle(el).color;
            if (!fg.startsWith('rgb')) continue;
            const a = lum(fg);
            const b = lum(behind(el));
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            if (ratio < worst.ratio) worst = { ratio: Math.round(ratio * 100) / 100, text: el.textContent.trim().slice(0, 40) };
          }
          return worst;
        })(),
      }));
      seen.pages[name + width] = found;
      if (found.contrast.ratio < 4.5) throw new Error(`${name}: text "${found.contrast.text}" has contrast ${found.contrast.ratio}`);
      if (found.overflow > 1) throw new Error(`${name} is ${found.overflow} px wider than ${width} px`);
      if (found.unlabelled.length) throw new Error(`${name}: controls without a label: ` + found.unlabelled.join(' | '));
      if (width === 390 && ['dataset', 'compare', 'search'].includes(name)) await shot('09-' + name + '-390');
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  // keyboard: on a fresh load the first Tab reaches the skip link
  const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await fresh.goto(base + '/');
  await fresh.locator('#models tbody tr').first().waitFor();
  await fresh.keyboard.press('Tab');
  seen.firstTab = await fresh.evaluate(() => document.activeElement.textContent.trim());
  await fresh.close();
  if (seen.firstTab !== 'Skip to content') throw new Error('the first Tab went to ' + seen.firstTab);

  // a phone: nothing wider than the screen
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base + '/#/');
  await page.locator('#models tbody tr').first().waitFor();
  seen.phoneOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await shot('07-phone');
  if (seen.phoneOverflow > 1) throw new Error('the page is ' + seen.phoneOverflow + ' px wider than a phone');
  if (errors.length) throw new Error('script errors: ' + errors.join('; '));
  console.log(JSON.stringify(seen));
} catch (e) {
  console.log(JSON.stringify(seen));
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}
