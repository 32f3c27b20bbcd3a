// flows.test.js: both interfaces' flows with a mouse and JavaScript on;
// every page photographed at both sizes and checked with axe and tidy.
import { mouseFlows } from './lib/flows.js';

for (const iface of ['New', 'Legacy']) {
	mouseFlows({ iface, run: 'mouse', inspect: true });
}
