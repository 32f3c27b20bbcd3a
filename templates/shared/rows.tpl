{{%AUTOESCAPE context="HTML"}}
{{#ROW}}
<tr class="entry {{TYPE}}{{#HIGHLIGHT}} highlight{{/HIGHLIGHT}}" data-name="{{NAME_OPAQUE}}">
<td class="name">{{#IS_DIR}}<a class="dir" href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{ENTRY_PATH:u}}"><bdi>{{NAME:x-name}}</bdi></a>{{/IS_DIR}}{{#IS_OTHER}}<span class="plain"><bdi>{{NAME:x-name}}</bdi></span>{{/IS_OTHER}}{{#IS_LINK_NEW}}<img class="link-arrow" src="{{STATIC_URL}}/link-arrow.svg" alt="symbolic link" width="16" height="16"> <span class="plain"><bdi>{{NAME:x-name}}</bdi></span>{{/IS_LINK_NEW}}{{#IS_LINK_LEGACY}}<img class="link-arrow" src="{{STATIC_URL}}/link-arrow.svg" alt="symbolic link" width="16" height="16"> <a href="{{BASE_URL}}/link?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}&amp;name={{NAME_OPAQUE:u}}"><bdi>{{NAME:x-name}}</bdi></a>{{/IS_LINK_LEGACY}}</td>
{{#LINK_TARGET}}<td class="target" colspan="3">{{>TARGET_VIEW}}</td>{{/LINK_TARGET}}
{{#DETAILS}}<td class="size">{{SIZE}}</td><td class="perms"><code>{{PERMS}}</code></td><td class="date">{{DATE}}</td>{{/DETAILS}}
{{#ACTION_CELL}}<td class="action">{{#ACTION_MENU}}<details class="action-menu"><summary>Action<span class="visually-hidden"> for <bdi>{{NAME:x-name}}</bdi></span></summary><ul><li><a href="{{BASE_URL}}/delete?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}&amp;name={{NAME_OPAQUE:u}}">Delete<span class="visually-hidden"> <bdi>{{NAME:x-name}}</bdi></span></a></li></ul></details>{{/ACTION_MENU}}</td>{{/ACTION_CELL}}
</tr>
{{/ROW}}
