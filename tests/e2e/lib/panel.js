// panel.js: what a person does in the panel, found by the panel's
// visible words (mostly with a mouse; keys.js has the keyboard), waiting
// for the pages it loads, and what the disk holds afterwards.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { panel } from './browser.js';

// The directory on disk of each root, by its query name.
const rootDirs = {
	home: panel.home,
	web: path.join(panel.home, 'public_html'),
	ftp: path.join(panel.home, 'public_ftp'),
};

// Do something that loads a new page (a click, a key) and wait until the
// new page has loaded (also when it has the same address).
export async function loading(page, action) {
	const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() });
	await action();
	await navigated;
	await page.waitForLoadState('load');
}

// Click something that loads a new page and wait for it.
export function clickToLoad(locator) {
	return loading(locator.page(), () => locator.click());
}

// Wait until the page's URL has this path and these query fields (a
// string to equal, or a RegExp to match).
export async function waitForPage(page, pathname, fields = {}) {
	const holds = (got, want) => (want instanceof RegExp ? want.test(got) : got === want);
	await page.waitForURL((url) => url.pathname === pathname &&
		Object.entries(fields).every(([key, value]) => holds(url.searchParams.get(key) ?? '', value)));
	await page.waitForLoadState('load');
}

// Log in as the demo account from the login page; lands on Home.
export async function logIn(page) {
	await page.goto('/login');
	await page.getByLabel('Username').fill(panel.user);
	await page.getByLabel('Password').fill(panel.password);
	await clickToLoad(page.getByRole('button', { name: 'Log In' }));
	await waitForPage(page, '/files', { root: 'home' });
}

// Log out with the header's button; lands on the login page.
export async function logOut(page) {
	await clickToLoad(page.getByRole('button', { name: 'Log Out' }));
	await waitForPage(page, '/login');
	await page.getByRole('button', { name: 'Log In' }).waitFor();
}

// The interface the page is shown in: 'New' or 'Legacy'.
export async function interfaceOf(page) {
	const skin = await page.locator('body').getAttribute('class');
	return skin.includes('skin-legacy') ? 'Legacy' : 'New';
}

// Switch to an interface ('New' or 'Legacy') with the header's button,
// unless the page already shows it.
export async function useInterface(page, wanted) {
	if (await interfaceOf(page) === wanted) {
		return;
	}
	await clickToLoad(page.getByRole('button', { name: `${wanted} Interface` }));
	const other = wanted === 'New' ? 'Legacy' : 'New';
	await page.getByRole('button', { name: `${other} Interface` }).waitFor();
	assert.equal(await interfaceOf(page), wanted);
}

// The navigation with the roots (the New top bar or the Legacy sidebar).
export function rootNav(page) {
	return page.getByRole('navigation', { name: 'Files' });
}

// Open a root ('Home', 'Web' or 'FTP') from the navigation and check
// that it is marked as the current one.
export async function openRoot(page, label) {
	const link = rootNav(page).getByRole('link', { name: label, exact: true });
	await clickToLoad(link);
	await waitForPage(page, '/files', { root: label.toLowerCase() });
	assert.equal(await link.getAttribute('aria-current'), 'page', `${label} is not marked current`);
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), label);
}

// The listing row of an entry (the contract's data-name hook).
export function row(page, name) {
	return page.locator(`table.listing tr.entry[data-name=${JSON.stringify(name)}]`);
}

// The text of the page's status message (after a change).
export async function statusText(page) {
	return page.getByRole('status').innerText();
}

// The text of the page's error paragraph (a refusal).
export async function alertText(page) {
	return page.getByRole('alert').innerText();
}

// Fill in the Create Link form and press Make Symbolic Link.
export async function submitCreate(page, target, name) {
	await page.getByLabel('Source Filename').fill(target);
	await page.getByLabel('Link Filename').fill(name);
	await clickToLoad(page.getByRole('button', { name: 'Make Symbolic Link' }));
}

// Open Create Link from the listing's toolbar.
export async function openCreate(page) {
	await clickToLoad(page.getByRole('link', { name: 'Create Link' }));
	await waitForPage(page, '/create');
	await page.getByLabel('Source Filename').waitFor();
}

// Press the confirm page's Delete button; lands on the listing.
export async function confirmDelete(page, name) {
	await waitForPage(page, '/delete', { name });
	await page.locator('.confirm').getByText(name, { exact: true }).waitFor();
	await clickToLoad(page.getByRole('button', { name: 'Delete' }));
	// the change's audit row names it: done=ID
	await waitForPage(page, '/files', { done: /^[0-9]+$/ });
}

// The target of a link on disk (root key, name in the root's top
// directory), or null when there is no link there.
export function diskLink(root, name) {
	try {
		return fs.readlinkSync(path.join(rootDirs[root], name));
	} catch {
		return null;
	}
}

// Whether a path exists on disk below a root.
export function diskExists(root, name) {
	return fs.existsSync(path.join(rootDirs[root], name));
}
