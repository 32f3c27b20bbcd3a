// flows.js: the flows of one interface done with a mouse, as tests: log
// in, open each root, read the link states, follow a link's target path,
// create a link (a success and a refusal), delete it, log out. With
// `inspect` every page is also photographed and checked (inspect.js).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, openPage } from './browser.js';
import { Inspector, stateWords } from './inspect.js';
import { assertNone, flowSteps } from './steps.js';
import {
	alertText, clickToLoad, confirmDelete, diskExists, diskLink, logIn, logOut, openCreate, openRoot,
	row, statusText, submitCreate, useInterface, waitForPage,
} from './panel.js';
import { linkNames, rootKey, scenarios } from './scenarios.js';

// Declare the flows of interface iface ('New' or 'Legacy') for a run
// named run, in a browser context made with contextOptions.
export function mouseFlows({ iface, run, contextOptions = {}, inspect = false }) {
	const scenario = scenarios[iface];
	const names = linkNames(iface, run);
	const root = rootKey(scenario);
	let browser;
	let page;
	let inspector = null;

	// Look at the page when this run inspects pages.
	const look = (label) => (inspector ? inspector.look(label) : null);

	describe(`${iface} interface (${run})`, () => {
		const step = flowSteps();
		before(async () => {
			browser = await launch();
			page = await openPage(browser, contextOptions);
			inspector = inspect ? new Inspector(page, `${iface.toLowerCase()}`) : null;
		});
		after(() => browser?.close());

		step('logs in and switches to the interface', async () => {
			await page.goto('/login');
			await look('login');
			await logIn(page);
			await useInterface(page, iface);
			await look('home');
		});

		step('opens each root', async () => {
			for (const label of ['Web', 'FTP', 'Home']) {
				await openRoot(page, label);
				await look(`root ${label}`);
			}
		});

		step('writes each link state in words beside its target', async () => {
			const states = { 'broken-link': stateWords[0], 'loop-a': stateWords[1], 'passwd-link': stateWords[2] };
			for (const [name, state] of Object.entries(states)) {
				const cell = row(page, name).locator('td.target');
				assert.equal(await cell.locator('.badge').innerText(), state, name);
			}
			await row(page, 'docs-link').getByRole('img', { name: 'symbolic link' }).waitFor();
		});

		step("follows a link's target path", async () => {
			await openRoot(page, scenario.root);
			const follow = scenario.follow;
			await clickToLoad(row(page, follow.link).getByRole('link', { name: follow.target, exact: true }));
			await waitForPage(page, '/files', { root: follow.root, path: follow.path });
			await page.getByRole('navigation', { name: 'Current Directory' })
				.getByRole('link', { name: follow.path, exact: true }).waitFor();
			await look('followed target');
		});

		step('Create Link makes a link', async () => {
			await openRoot(page, scenario.root);
			await openCreate(page);
			await look('create form');
			await submitCreate(page, scenario.target, names.made);
			await waitForPage(page, '/files', { root, done: /^[0-9]+$/, highlight: names.made });
			assert.match(await statusText(page), new RegExp(`“${names.made}” was created`));
			assert.match(await row(page, names.made).getAttribute('class'), /\bhighlight\b/);
			assert.equal(diskLink(root, names.made), scenario.target);
			await look('created');
		});

		step('Create Link refuses a target outside the roots', async () => {
			await openCreate(page);
			await submitCreate(page, scenario.outside, names.refused);
			assert.match(await alertText(page), /only point inside your own Home, Web or FTP/);
			assert.equal(await page.getByLabel('Source Filename').inputValue(), scenario.outside);
			assert.equal(await page.getByLabel('Link Filename').inputValue(), names.refused);
			assert.equal(diskLink(root, names.refused), null);
			await look('create refused');
			await clickToLoad(page.getByRole('link', { name: 'Cancel' }));
			await waitForPage(page, '/files', { root });
		});

		step(`deletes the link from the ${scenario.deleteFrom}`, async () => {
			if (iface === 'New') {
				const menu = row(page, names.made).locator('details.action-menu');
				await menu.locator('summary').click();
				assert.equal(await menu.getAttribute('open'), '');
				await look('action menu open');
				await clickToLoad(menu.getByRole('link', { name: 'Delete' }));
			} else {
				await clickToLoad(row(page, names.made).getByRole('link', { name: names.made, exact: true }));
				await waitForPage(page, '/link', { name: names.made });
				await look("link's page");
				await clickToLoad(page.locator('.toolbar').getByRole('link', { name: 'Delete' }));
			}
			await look('delete confirm');
			await confirmDelete(page, names.made);
			assert.match(await statusText(page), new RegExp(`“${names.made}” was deleted`));
			assert.equal(await row(page, names.made).count(), 0);
			assert.equal(diskLink(root, names.made), null);
			assert.ok(diskExists(root, scenario.target), 'the link target was touched');
			await look('deleted');
		});

		step('logs out', async () => {
			await logOut(page);
			await page.goto('/files?root=home');
			await waitForPage(page, '/login');
		});

		if (inspect) {
			inspectionTests(() => inspector);
		}
	});
}

// The tests of what the inspector found on the flow's pages (declared
// after the flows, so they run last).
function inspectionTests(getInspector) {
	test('axe-core: no serious or critical violation on any page', (t) => {
		const found = getInspector();
		t.diagnostic(`${found.count} pages checked`);
		found.axeMinor.forEach((line) => t.diagnostic(`axe (minor): ${line}`));
		assertNone(found.axe, 'serious or critical axe-core violations');
	});

	test('tidy: no error on any page', (t) => {
		const found = getInspector();
		found.tidyWarnings.forEach((line) => t.diagnostic(`tidy: ${line}`));
		assert.ok(found.count > 0, 'no page was inspected');
		assertNone(found.tidyErrors, 'pages with tidy errors');
	});

	test('every page has a language, a title, labelled fields and states in words', () => {
		assertNone(getInspector().facts, 'broken accessibility promises');
	});

	test('no page is wider than the window (at 1280 and 390 pixels)', () => {
		assertNone(getInspector().overflow, 'pages that scroll sideways');
	});
}
