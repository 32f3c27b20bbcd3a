{{%AUTOESCAPE context="HTML"}}
<div class="location">
<span class="location-label">Current Directory:</span>
<nav class="crumbs" aria-label="Current Directory">{{#CRUMB}}{{#CRUMB_SEP}}<span class="sep" aria-hidden="true">/</span>{{/CRUMB_SEP}}{{#CRUMB_ELLIPSIS}}<span class="ellipsis" title="Directories left out">…</span>{{/CRUMB_ELLIPSIS}}{{#CRUMB_LINK}}<a href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{CRUMB_PATH:u}}"><bdi>{{CRUMB_LABEL:x-name}}</bdi></a>{{/CRUMB_LINK}}{{/CRUMB}}</nav>
</div>
