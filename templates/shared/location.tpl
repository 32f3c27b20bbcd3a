{{%AUTOESCAPE context="HTML"}}
<div class="location">
<span class="location-label">Current Directory:</span>
<nav class="crumbs" aria-label="Current Directory">{{#CRUMB}}{{#CRUMB_SEP}}<span class="sep" aria-hidden="true">/</span>{{/CRUMB_SEP}}<a href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{CRUMB_PATH:u}}">{{CRUMB_LABEL}}</a>{{/CRUMB}}</nav>
</div>
