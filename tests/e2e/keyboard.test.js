// keyboard.test.js: both interfaces' create and delete flows with the
// keyboard alone (Tab, Shift+Tab, Enter, Space, Escape; text typed into
// fields), JavaScript on, focus visible at every step. Only the login
// page is opened by address.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launch, openPage, panel } from './lib/browser.js';
import { menuOpen, press, pressToLoad, tabTo, type, weakFocusOn } from './lib/keys.js';
import { alertText, diskExists, diskLink, interfaceOf, row, statusText, waitForPage } from './lib/panel.js';
import { linkNames, rootKey, scenarios } from './lib/scenarios.js';
import { assertNone, flowSteps } from './lib/steps.js';

// Photograph the page as it is (to see the focus indicator).
function snap(page, name) {
	return page.screenshot({ path: path.join(panel.out, `keys-${name}.png`) });
}

// Fill in the Create Link form by keyboard (going back once with
// Shift+Tab) and press Make Symbolic Link with key.
async function keyCreate(page, target, name, key) {
	await tabTo(page, { name: 'Create Link', tag: 'a' });
	await pressToLoad(page, 'Enter');
	await waitForPage(page, '/create');
	await tabTo(page, { name: 'Source Filename', tag: 'input' });
	await type(page, target);
	await tabTo(page, { name: 'Link Filename', tag: 'input' });
	await type(page, name);
	await tabTo(page, { name: 'Source Filename', tag: 'input' }, { back: true });
	assert.equal(await page.getByLabel('Source Filename').inputValue(), target);
	await tabTo(page, { name: 'Make Symbolic Link', tag: 'button' });
	await pressToLoad(page, key);
}

// Open a link's confirm page through the New interface's Action menu,
// checking that Escape closes the menu and gives the focus back.
async function keyDeleteFromMenu(page, name) {
	await tabTo(page, { name: 'Action', tag: 'summary', row: name });
	await press(page, 'Enter');
	assert.equal(await menuOpen(page), true, 'Enter did not open the Action menu');
	const back = await press(page, 'Escape');
	assert.equal(await menuOpen(page), false, 'Escape did not close the Action menu');
	assert.deepEqual([back.tag, back.row], ['summary', name], 'Escape did not leave the focus on Action');
	await press(page, 'Space');
	assert.equal(await menuOpen(page), true, 'Space did not open the Action menu');
	await snap(page, 'new-action-open');
	await tabTo(page, { name: 'Delete', tag: 'a', row: name }, { limit: 1 });
	await snap(page, 'new-action-delete-focused');
	await pressToLoad(page, 'Enter');
}

// Open a link's confirm page from its own page (the Legacy interface).
async function keyDeleteFromLinkPage(page, name) {
	await tabTo(page, { name, tag: 'a', row: name });
	await snap(page, 'legacy-link-focused');
	await pressToLoad(page, 'Enter');
	await waitForPage(page, '/link', { name });
	await tabTo(page, { name: 'Delete', tag: 'a' });
	await pressToLoad(page, 'Enter');
}

for (const iface of ['New', 'Legacy']) {
	const scenario = scenarios[iface];
	const names = linkNames(iface, 'keys');
	const root = rootKey(scenario);
	let browser;
	let page;

	describe(`${iface} interface (keyboard only)`, () => {
		const step = flowSteps();
		before(async () => {
			browser = await launch();
			page = await openPage(browser);
		});
		after(() => browser?.close());

		step('logs in and switches to the interface', async () => {
			await page.goto('/login');
			await tabTo(page, { name: 'Username', tag: 'input' });
			await type(page, panel.user);
			await tabTo(page, { name: 'Password', tag: 'input' });
			await type(page, panel.password);
			await tabTo(page, { name: 'Log In', tag: 'button' });
			await pressToLoad(page, 'Enter');
			await waitForPage(page, '/files', { root: 'home' });
			if (await interfaceOf(page) !== iface) {
				await tabTo(page, { name: `${iface} Interface`, tag: 'button' });
				await pressToLoad(page, 'Space');
			}
			assert.equal(await interfaceOf(page), iface);
		});

		step(`opens ${scenario.root}`, async () => {
			await tabTo(page, { name: scenario.root, tag: 'a' });
			await pressToLoad(page, 'Enter');
			await waitForPage(page, '/files', { root });
		});

		step('Create Link refuses a target outside the roots, Cancel goes back', async () => {
			await keyCreate(page, scenario.outside, names.refused, 'Enter');
			assert.match(await alertText(page), /only point inside your own Home, Web or FTP/);
			assert.equal(diskLink(root, names.refused), null);
			await tabTo(page, { name: 'Cancel', tag: 'a' });
			await pressToLoad(page, 'Enter');
			await waitForPage(page, '/files', { root });
		});

		step('Create Link makes a link', async () => {
			await keyCreate(page, scenario.target, names.made, 'Space');
			await waitForPage(page, '/files', { root, done: /^[0-9]+$/, highlight: names.made });
			assert.match(await statusText(page), new RegExp(`“${names.made}” was created`));
			assert.equal(diskLink(root, names.made), scenario.target);
		});

		step(`deletes the link from the ${scenario.deleteFrom}`, async () => {
			await (iface === 'New' ? keyDeleteFromMenu : keyDeleteFromLinkPage)(page, names.made);
			await waitForPage(page, '/delete', { name: names.made });
			await tabTo(page, { name: 'Delete', tag: 'button' });
			await snap(page, `${iface.toLowerCase()}-confirm-focused`);
			await pressToLoad(page, 'Space');
			await waitForPage(page, '/files', { root, done: /^[0-9]+$/ });
			assert.match(await statusText(page), new RegExp(`“${names.made}” was deleted`));
			assert.equal(await row(page, names.made).count(), 0);
			assert.equal(diskLink(root, names.made), null);
			assert.ok(diskExists(root, scenario.target), 'the link target was touched');
		});

		step('logs out', async () => {
			await tabTo(page, { name: 'Log Out', tag: 'button' });
			await pressToLoad(page, 'Enter');
			await waitForPage(page, '/login');
		});

		test('every focus outline has a contrast of 3:1 or more against its background', () => {
			assertNone(weakFocusOn(page), 'focus outlines under 3:1 (WCAG 1.4.11)');
		});
	});
}
