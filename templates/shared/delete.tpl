{{%AUTOESCAPE context="HTML"}}
{{>LOCATION}}
<div class="confirm">
<p>Delete the symbolic link <strong class="entry-name"><bdi>{{NAME:x-name}}</bdi></strong>?</p>
<p>It points to: {{>TARGET_VIEW}}</p>
<p>Only the link is deleted. The file or directory it points to is not touched.</p>
<form method="post" action="{{BASE_URL}}/delete" class="buttons">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="root" value="{{CUR_ROOT}}">
<input type="hidden" name="path" value="{{CUR_PATH}}">
<input type="hidden" name="name" value="{{NAME_OPAQUE}}">
<input type="hidden" name="id" value="{{ENTRY_ID}}">
<button type="submit" class="danger">Delete</button>
<a class="button" href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}&amp;highlight={{NAME_OPAQUE:u}}">Cancel</a>
</form>
</div>
