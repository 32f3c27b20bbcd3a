/* filepanel: small enhancements only; every page works without this file.
 * The Action menus are <details> elements: Escape closes an open one and
 * gives focus back to its button; a click elsewhere closes them, and
 * opening one closes the others. */
(function () {
	'use strict';

	/* Close every open Action menu except keep (may be null). */
	function closeMenus(keep) {
		document.querySelectorAll('details.action-menu[open]').forEach(function (d) {
			if (d !== keep) {
				d.open = false;
			}
		});
	}

	document.addEventListener('keydown', function (event) {
		if (event.key !== 'Escape') {
			return;
		}
		var menu = event.target.closest ? event.target.closest('details.action-menu') : null;
		if (menu && menu.open) {
			menu.open = false;
			menu.querySelector('summary').focus();
			event.preventDefault();
		}
	});

	document.addEventListener('click', function (event) {
		var menu = event.target.closest ? event.target.closest('details.action-menu') : null;
		closeMenus(menu);
	});

	document.addEventListener('toggle', function (event) {
		if (event.target.matches && event.target.matches('details.action-menu') && event.target.open) {
			closeMenus(event.target);
		}
	}, true);
}());
