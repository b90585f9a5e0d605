// Fill dupi-triage's Questionnaire in the real LHC-Forms renderer, in headless Chromium, as a
// person would: click the options, type the numbers. Used by tests/test_fhir_roundtrip.py.
//
// node drive.mjs QUESTIONNAIRE.json CASE.json EMERGENCY_SIGN URGENT_SIGN SCREENSHOT.png [LATER.json]
//
// CASE.json holds answers as an answers file does ({"red_flags": ["none"], "itch": 6, ...}), in
// questionnaire order. LATER.json, if given, holds answers clicked last, over the case's (another
// respondent, another age). Prints one JSON object: what the page showed at each step and the
// QuestionnaireResponses the renderer exported. Serves this folder on 127.0.0.1 only.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const [questionnairePath, casePath, emergencySign, urgentSign, screenshotPath, laterPath] = process.argv.slice(2);
const questionnaire = JSON.parse(fs.readFileSync(questionnairePath, 'utf8'));
const answers = JSON.parse(fs.readFileSync(casePath, 'utf8'));
const later = laterPath ? JSON.parse(fs.readFileSync(laterPath, 'utf8')) : null;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' };

function serve() {
  const server = http.createServer((request, response) => {
    const wanted = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    const file = path.join(HERE, path.normalize(wanted));
    if (!file.startsWith(HERE + path.sep)) {
      response.writeHead(403).end();
      return;
    }
    fs.readFile(file, (error, data) => {
      if (error) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
      response.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function codeSystems(items, into = {}) {
  for (const item of items || []) {
    for (const option of item.answerOption || []) into[item.linkId] = option.valueCoding.system;
    codeSystems(item.item, into);
  }
  return into;
}

const systems = codeSystems(questionnaire.item);
const optionId = (question, code) => `${question}/1/1|${systems[question]}|${code}`;

async function click(page, id) {
  const selector = `[id="${id}"]`;
  await page.waitForSelector(selector, { visible: true, timeout: 10000 });
  await page.click(selector);
}

async function fill(page, answers) {
  for (const [question, value] of Object.entries(answers)) {
    if (Number.isInteger(value)) {
      const selector = `[id="${question}/1/1"]`;
      await page.waitForSelector(selector, { visible: true, timeout: 10000 });
      await page.type(selector, String(value));
      await page.keyboard.press('Tab');
      continue;
    }
    for (const code of Array.isArray(value) ? value : [value]) await click(page, optionId(question, code));
  }
}

const pageText = (page) => page.evaluate(() => document.querySelector('#form').innerText);
const exportResponse = (page) =>
  page.evaluate(() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.querySelector('#form')));

const server = await serve();
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions'],
});
const result = { console_errors: [] };
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 1000 });
  page.on('console', (message) => {
    if (message.type() === 'error') result.console_errors.push(message.text());
  });
  page.on('pageerror', (error) => result.console_errors.push(String(error)));
  page.on('requestfailed', (request) => result.console_errors.push(`failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) result.console_errors.push(`${response.status()}: ${response.url()}`);
  });
  await page.goto(`http://127.0.0.1:${server.address().port}/page.html`);
  await page.waitForFunction(() => window.LForms && window.LForms.Util, { timeout: 30000 });
  await page.evaluate((q) => LForms.Util.addFormToPage(q, 'form', { fhirVersion: 'R4' }), questionnaire);
  await page.waitForSelector('[id^="red_flags/1/1|"]', { visible: true, timeout: 30000 });

  result.labels = await page.evaluate(() =>
    [...document.querySelectorAll('#form label[id*="|"]')].map((label) => label.innerText.trim()),
  );
  result.text_blank = await pageText(page);

  // The first help button is the warning signs' own: open it, read the page, click away to close it.
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  // Wait for the popover itself, not for a time: on a busy machine 800 ms was sometimes too short.
  await page.click('lhc-button-popover button');
  await page.waitForSelector('.ant-popover-inner-content', { visible: true, timeout: 10000 });
  await pause(800);
  result.red_flags_help = await page.evaluate(() => document.body.innerText);
  await page.mouse.click(2, 2);
  await page.waitForSelector('.ant-popover-inner-content', { hidden: true, timeout: 10000 });
  await pause(800);

  await fill(page, answers);
  result.text_filled = await pageText(page);
  result.response = await exportResponse(page);

  // Then a warning sign appears: take back "none", tick the sign.
  await click(page, optionId('red_flags', 'none'));
  await click(page, optionId('red_flags', emergencySign));
  result.text_emergency = await pageText(page);
  // Let the check-box animation finish and the focus ring go before the picture is taken.
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await pause(800);
  const height = await page.evaluate(() => document.querySelector('#form').offsetTop + 1100);
  await page.screenshot({ path: screenshotPath, clip: { x: 0, y: 0, width: 1000, height } });

  // An urgent sign as well: the emergency advice must stay, the urgent "today" must not appear.
  await click(page, optionId('red_flags', urgentSign));
  result.text_both = await pageText(page);
  result.both_response = await exportResponse(page);
  await click(page, optionId('red_flags', emergencySign));
  result.text_urgent = await pageText(page);

  if (later) {
    // Change earlier answers (a parent of a young child): what the form then asks, and exports.
    await fill(page, later);
    result.text_later = await pageText(page);
    result.later_response = await exportResponse(page);
  }
} finally {
  await browser.close();
  server.close();
}
process.stdout.write(JSON.stringify(result) + '\n');
