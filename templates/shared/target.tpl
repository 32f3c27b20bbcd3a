{{%AUTOESCAPE context="HTML"}}
{{#TARGET_OK}}<a class="target-path" href="{{BASE_URL}}/files?root={{DEST_ROOT:u}}&amp;path={{DEST_PATH:u}}&amp;highlight={{DEST_HIGHLIGHT:u}}"><bdi>{{TARGET:x-name}}</bdi></a>{{/TARGET_OK}}{{#TARGET_BAD}}<span class="target-path dead"><bdi>{{TARGET:x-name}}</bdi></span> <span class="badge">{{BADGE}}</span>{{/TARGET_BAD}}
