// steps.js: the steps of a flow as tests that run in order; once one
// fails, the later ones are skipped (they would only fail for its sake).
// And a readable check that a list of findings is empty.
import assert from 'node:assert/strict';
import { test } from 'node:test';

// Make a step declarer for one flow: step(name, fn) declares a test.
export function flowSteps() {
	let failed = null;
	return (name, fn) => test(name, async (t) => {
		if (failed) {
			t.skip(`after the failed step "${failed}"`);
			return;
		}
		try {
			await fn(t);
		} catch (error) {
			failed = name;
			throw error;
		}
	});
}

// Fail when a list of findings is not empty, naming the first of them.
export function assertNone(found, what) {
	if (found.length > 0) {
		const shown = found.slice(0, 12).map((line) => `\n  - ${line}`).join('');
		const more = found.length > 12 ? `\n  … and ${found.length - 12} more` : '';
		assert.fail(`${found.length} ${what}:${shown}${more}`);
	}
}
