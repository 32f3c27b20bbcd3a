// nojs.test.js: the same flows in both interfaces with JavaScript off
// (the Action menu is a plain <details> element).
import { mouseFlows } from './lib/flows.js';

for (const iface of ['New', 'Legacy']) {
	mouseFlows({ iface, run: 'nojs', contextOptions: { javaScriptEnabled: false } });
}
