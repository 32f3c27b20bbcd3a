{{%AUTOESCAPE context="HTML"}}
{{>LOCATION}}
<div class="toolbar">
<a class="button" href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}&amp;highlight={{NAME_OPAQUE:u}}">Back to Files</a>
{{#IS_LINK}}<a class="button danger" href="{{BASE_URL}}/delete?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}&amp;name={{NAME_OPAQUE:u}}">Delete</a>{{/IS_LINK}}
</div>
<dl class="facts">
<dt>Name</dt><dd><bdi>{{NAME:x-name}}</bdi></dd>
{{#IS_LINK}}
<dt>Type</dt><dd><img class="link-arrow" src="{{STATIC_URL}}/link-arrow.svg" alt="" width="16" height="16"> Symbolic link</dd>
<dt>Target</dt><dd>{{>TARGET_VIEW}}</dd>
<dt>State</dt><dd>{{STATE_SENTENCE}}</dd>
{{/IS_LINK}}
<dt>Location</dt><dd><bdi>{{CUR_DIR:x-name}}</bdi></dd>
</dl>
{{#NOT_LINK}}<p class="message" role="status">This entry is not a symbolic link.</p>{{/NOT_LINK}}
