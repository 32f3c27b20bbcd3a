// inspect.js: looks at every page of a flow: photographs it and runs
// axe-core on it at both sizes, runs tidy on the HTML the server sent, and
// reads the accessibility facts the panel promises. Findings are kept
// and checked by tests of their own, so a flow goes on past them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { panel, sizes } from './browser.js';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The words a link's state is written in (beside its target).
export const stateWords = ['missing', 'loop', 'outside your roots', 'no access'];

export class Inspector {
	// Watch a page's documents; prefix names its screenshots.
	constructor(page, prefix) {
		this.page = page;
		this.prefix = prefix;
		this.count = 0;
		this.axe = [];          // serious or critical axe violations
		this.axeMinor = [];     // the others, reported only
		this.tidyErrors = [];
		this.tidyWarnings = new Set();
		this.facts = [];        // broken accessibility promises
		this.overflow = [];     // pages wider than the window
		this.document = null;   // the main frame's last document response
		page.on('response', (response) => this.noteResponse(response));
	}

	// Keep the main frame's last non-redirect document response.
	noteResponse(response) {
		const request = response.request();
		if (request.resourceType() === 'document' && response.frame() === this.page.mainFrame() &&
			(response.status() < 300 || response.status() >= 400)) {
			this.document = { url: response.url(), body: response.text().catch(() => null) };
		}
	}

	// Look at the page shown now, under a short label ("create refused"):
	// screenshots and axe at every size, then tidy and the facts.
	async look(label) {
		this.count += 1;
		const name = `${this.prefix}-${String(this.count).padStart(2, '0')}-${label.replace(/\W+/g, '-')}`;
		for (const size of sizes) {
			await this.page.setViewportSize(size);
			await this.page.screenshot({
				path: path.join(panel.out, `${name}-${size.width}x${size.height}.png`),
				fullPage: true,
			});
			await this.runAxe(`${label} at ${size.width}×${size.height}`);
			await this.checkWidth(`${label} at ${size.width}×${size.height}`);
		}
		await this.page.setViewportSize(sizes[0]);
		await this.runTidy(label);
		await this.readFacts(label);
	}

	// Run axe-core in the page (evaluated through the debugger protocol,
	// which the panel's Content-Security-Policy does not block).
	async runAxe(label) {
		if (!await this.page.evaluate(() => 'axe' in window)) {
			await this.page.evaluate(axeSource);
		}
		const { passes, violations } = await this.page.evaluate(async () => {
			const result = await window.axe.run(document, { resultTypes: ['violations'] });
			return {
				passes: result.passes.length,
				violations: result.violations.map((v) => ({
					id: v.id, impact: v.impact, help: v.help,
					nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
				})),
			};
		});
		if (passes === 0) {
			this.axe.push(`${label}: axe-core checked nothing`);
		}
		for (const v of violations) {
			const line = `${label}: [${v.impact}] ${v.id} (${v.help}) at ${v.nodes.join(', ')}`;
			(['serious', 'critical'].includes(v.impact) ? this.axe : this.axeMinor).push(line);
		}
	}

	// Note a page that is wider than the window (it scrolls sideways).
	async checkWidth(label) {
		const width = await this.page.evaluate(() => document.documentElement.scrollWidth);
		const window = this.page.viewportSize().width;
		if (width > window) {
			this.overflow.push(`${label}: the page is ${width}px wide`);
		}
	}

	// Run `tidy -q -e` on the HTML the server sent for this page.
	async runTidy(label) {
		const body = this.document && this.document.url === this.page.url() ? await this.document.body : null;
		if (body === null) {
			this.tidyErrors.push(`${label}: the page's HTML could not be read`);
			return;
		}
		const tidy = spawnSync('tidy', ['-q', '-e'], { input: body, encoding: 'utf8' });
		const lines = tidy.stderr.split('\n').filter(Boolean);
		if (tidy.status === null || tidy.status > 1) {
			const errors = lines.filter((l) => /Error:/.test(l));
			this.tidyErrors.push(`${label}: ${(errors.length ? errors : lines).join('; ') || tidy.error}`);
		}
		lines.filter((l) => /Warning:/.test(l)).forEach((l) => this.tidyWarnings.add(l.replace(/^line \d+ column \d+ - /, '')));
	}

	// Check the page's language, title, field labels, link arrows' text
	// alternatives and link states written in words.
	async readFacts(label) {
		const problems = await this.page.evaluate((words) => {
			const found = [];
			const h1 = document.querySelector('h1');
			if (!document.documentElement.lang) {
				found.push('no lang on <html>');
			}
			if (!h1 || !document.title.startsWith(h1.textContent.trim()) || !document.title.includes('filepanel')) {
				found.push(`title "${document.title}" does not name the page`);
			}
			for (const field of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
				const named = field.labels.length > 0 || field.getAttribute('aria-label') || field.getAttribute('aria-labelledby');
				if (!named) {
					found.push(`field ${field.name || field.id} has no label`);
				}
			}
			for (const img of document.querySelectorAll('tr.entry.link img.link-arrow')) {
				if (img.alt !== 'symbolic link') {
					found.push(`link arrow with alt "${img.alt}"`);
				}
			}
			for (const dead of document.querySelectorAll('.target-path.dead')) {
				const badge = dead.parentElement.querySelector('.badge');
				if (!badge || !words.includes(badge.textContent.trim())) {
					found.push(`link state of "${dead.textContent}" not written in words`);
				}
			}
			return found;
		}, stateWords);
		this.facts.push(...problems.map((p) => `${label}: ${p}`));
	}
}
