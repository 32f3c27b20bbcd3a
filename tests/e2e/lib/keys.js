// keys.js: driving the panel with the keyboard alone (Tab, Shift+Tab,
// Enter, Space, Escape, and typing into fields), checking after every
// key that the focused control shows a visible focus indicator.
import assert from 'node:assert/strict';
import { loading } from './panel.js';

// The focused controls whose outline has too little contrast, by page.
const weakFocus = new Map();

// What has the focus: its tag, accessible-ish name, row (data-name of
// its listing row), whether a focus indicator (an outline or a box
// shadow) is drawn around it, and the contrast of its outline against the
// background it is drawn on.
function focusedNow(page) {
	return page.evaluate(() => {
		const el = document.activeElement;
		if (!el || el === document.body) {
			return { tag: 'body', name: '', row: null, shown: true, style: '' };
		}
		const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
		const name = (el.getAttribute('aria-label') || label || el.innerText || el.value || '').trim();
		const style = getComputedStyle(el);
		const contrast = outlineContrast(el, style.outlineColor);
		const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
		const shadow = style.boxShadow !== 'none';
		const box = el.getBoundingClientRect();
		return {
			tag: el.tagName.toLowerCase(),
			name,
			row: el.closest('tr') ? el.closest('tr').dataset.name : null,
			shown: (outline || shadow) && box.width > 0 && box.height > 0,
			weak: outline && !shadow && contrast < 3,
			style: `outline ${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}, ` +
				`contrast ${contrast.toFixed(2)}:1 against the background`,
		};

		// The lowest contrast ratio of a colour against what lies just left
		// and right of the element (where its outline is drawn): the first
		// opaque background there that is not the element's own.
		function outlineContrast(element, color) {
			const rgb = (css) => (css.match(/[\d.]+/g) || []).map(Number);
			const channel = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
			const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
			const ratio = (x, y) => (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
			const backgroundAt = (x, y) => {
				const under = document.elementsFromPoint(x, y).find((e) => !element.contains(e));
				for (let up = under ?? element.parentElement; up; up = up.parentElement) {
					const c = rgb(getComputedStyle(up).backgroundColor);
					if (c.length === 3 || c[3] > 0) {
						return c;
					}
				}
				return [255, 255, 255];
			};
			const box = element.getBoundingClientRect();
			const middle = box.top + box.height / 2;
			const points = [[box.left - 3, middle], [box.right + 3, middle]]
				.filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
			const outline = luminance(rgb(color));
			const ratios = points.map(([x, y]) => ratio(outline, luminance(backgroundAt(x, y))));
			return ratios.length ? Math.min(...ratios) : ratio(outline, luminance(backgroundAt(-1, -1)));
		}
	});
}

// Describe a focus for messages.
function describe(focus) {
	return `<${focus.tag}> "${focus.name}"${focus.row ? ` in row ${focus.row}` : ''}`;
}

// Press one of the keys a keyboard user needs (and no other).
async function pressKey(page, key) {
	assert.ok(['Tab', 'Shift+Tab', 'Enter', 'Space', 'Escape'].includes(key), `${key} is not allowed`);
	await page.keyboard.press(key);
}

// Press one key and check that whatever has the focus afterwards shows
// it (noting an outline of too little contrast). Returns the focus.
export async function press(page, key) {
	await pressKey(page, key);
	const focus = await focusedNow(page);
	assert.ok(focus.shown, `focus not visible on ${describe(focus)} after ${key} (${focus.style})`);
	if (focus.weak) {
		if (!weakFocus.has(page)) {
			weakFocus.set(page, new Set());
		}
		weakFocus.get(page).add(`${describe(focus)} on ${new URL(page.url()).pathname}: ${focus.style}`);
	}
	return focus;
}

// The focused controls of a page whose outline had a contrast under 3:1
// against its background (WCAG 1.4.11).
export function weakFocusOn(page) {
	return [...(weakFocus.get(page) ?? [])];
}

// Whether a focus is the wanted control: {name, tag?, row?}.
function matches(focus, wanted) {
	// a control may say more to a screen reader ("Action for notes-link")
	// than its visible word
	const name = focus.name.replace(/\s+/g, ' ');
	const named = name === wanted.name || name.startsWith(`${wanted.name} `);
	return named &&
		(wanted.tag === undefined || focus.tag === wanted.tag) &&
		(wanted.row === undefined || focus.row === wanted.row);
}

// Press Tab (or Shift+Tab when back) until the wanted control has the
// focus; fails after limit presses, naming what was passed.
export async function tabTo(page, wanted, { back = false, limit = 120 } = {}) {
	const seen = [];
	for (let i = 0; i < limit; i++) {
		const focus = await press(page, back ? 'Shift+Tab' : 'Tab');
		if (matches(focus, wanted)) {
			return focus;
		}
		seen.push(describe(focus));
	}
	assert.fail(`no ${JSON.stringify(wanted)} within ${limit} presses; passed ${seen.slice(-8).join(', ')}`);
}

// Press a key that loads a new page and wait for it to load.
export function pressToLoad(page, key) {
	return loading(page, () => pressKey(page, key));
}

// Type text into the focused field.
export async function type(page, text) {
	await page.keyboard.type(text);
}

// The focused element's state: whether the <details> around it is open.
export function menuOpen(page) {
	return page.evaluate(() => {
		const menu = document.activeElement.closest('details');
		return menu ? menu.open : null;
	});
}
