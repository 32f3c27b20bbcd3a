// scenarios.js: what each interface's flows do in the demo tree
// (script/demo-tree): the root they work in, the link whose target path
// they follow, the link they create, and the target that is refused.
// Each kind of run (mouse, keys, nojs) gives its new links its own names.

export const scenarios = {
	New: {
		root: 'Home',
		follow: { link: 'docs-link', target: 'Documents', root: 'home', path: 'Documents' },
		target: 'Documents/report.txt',
		outside: '/etc/hosts',
		deleteFrom: 'Action menu',
	},
	Legacy: {
		root: 'Web',
		follow: { link: 'docs', target: '../Documents', root: 'home', path: 'Documents' },
		target: 'index.html',
		outside: '../../../etc',
		deleteFrom: "link's page",
	},
};

// The root's query name ('home', 'web', 'ftp') of a scenario.
export function rootKey(scenario) {
	return scenario.root.toLowerCase();
}

// The names of the links a run makes: the one created and the refused one.
export function linkNames(iface, run) {
	const base = `e2e-${iface.toLowerCase()}-${run}`;
	return { made: `${base} link`, refused: `${base}-refused` };
}
