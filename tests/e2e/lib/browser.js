// browser.js: the panel under test (from the environment tests/e2e/run
// sets) and Debian's Chromium, launched headless through playwright-core.
import { chromium } from 'playwright-core';

// Where the panel runs and who logs in (set by tests/e2e/run).
export const panel = {
	base: need('E2E_BASE'),
	user: need('E2E_USER'),
	password: need('E2E_PASSWORD'),
	home: need('E2E_HOME'),
	out: need('E2E_OUT'),
};

// The two screen sizes every page is photographed at.
export const sizes = [
	{ width: 1280, height: 800 },
	{ width: 390, height: 844 },
];

// The value of a required environment variable; throws when it is unset.
function need(name) {
	const value = process.env[name];
	if (!value) {
		throw new Error(`${name} is not set: run the tests through tests/e2e/run`);
	}
	return value;
}

// Launch headless Chromium (HOME and TMPDIR are scratch directories that
// tests/e2e/run made, so its profile and caches land there).
export function launch() {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
			'--disable-component-update', '--disable-sync', '--no-first-run'],
	});
}

// A fresh context (its own cookies) and page at the large size;
// options go to browser.newContext (e.g. javaScriptEnabled: false).
export async function openPage(browser, options = {}) {
	const context = await browser.newContext({
		baseURL: panel.base,
		viewport: sizes[0],
		locale: 'en-GB',
		...options,
	});
	context.setDefaultTimeout(10000);
	return context.newPage();
}
