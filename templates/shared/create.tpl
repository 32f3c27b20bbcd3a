{{%AUTOESCAPE context="HTML"}}
{{>LOCATION}}
<form method="post" action="{{BASE_URL}}/create" class="form">
{{#ERROR}}<p class="error" role="alert" id="form-error">{{MESSAGE:x-name}}</p>{{/ERROR}}
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="root" value="{{CUR_ROOT}}">
<input type="hidden" name="path" value="{{CUR_PATH}}">
<p class="field">
<label for="target">Source Filename</label>
<input id="target" name="target" value="{{TARGET}}" autocomplete="off" spellcheck="false"{{#TARGET_INVALID}} aria-invalid="true"{{/TARGET_INVALID}} aria-describedby="{{#TARGET_INVALID}}form-error {{/TARGET_INVALID}}target-hint">
<span class="hint" id="target-hint">The file or directory the link points to: relative to the Current Directory, or a full path starting with /.</span>
</p>
<p class="field">
<label for="name">Link Filename</label>
<input id="name" name="name" value="{{LINK_NAME}}" autocomplete="off" spellcheck="false"{{#NAME_INVALID}} aria-invalid="true"{{/NAME_INVALID}} aria-describedby="{{#NAME_INVALID}}form-error {{/NAME_INVALID}}name-hint">
<span class="hint" id="name-hint">The name of the new link in the Current Directory.</span>
</p>
<p class="buttons">
<button type="submit" class="primary">Make Symbolic Link</button>
<a class="button" href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}">Cancel</a>
</p>
</form>
