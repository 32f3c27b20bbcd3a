{{%AUTOESCAPE context="HTML"}}
{{>LOCATION}}
{{#ERROR}}<p class="error" role="alert" id="form-error">{{MESSAGE}}</p>{{/ERROR}}
<form method="post" action="{{BASE_URL}}/create" class="form">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="root" value="{{CUR_ROOT}}">
<input type="hidden" name="path" value="{{CUR_PATH}}">
<p class="field">
<label for="target">Source Filename</label>
<input id="target" name="target" value="{{TARGET}}" autocomplete="off" spellcheck="false" aria-describedby="target-hint">
<span class="hint" id="target-hint">The file or directory the link points to: relative to the Current Directory, or a full path starting with /.</span>
</p>
<p class="field">
<label for="name">Link Filename</label>
<input id="name" name="name" value="{{LINK_NAME}}" autocomplete="off" spellcheck="false" aria-describedby="name-hint">
<span class="hint" id="name-hint">The name of the new link in the Current Directory.</span>
</p>
<p class="buttons">
<button type="submit" class="primary">Make Symbolic Link</button>
<a class="button" href="{{BASE_URL}}/files?root={{CUR_ROOT:u}}&amp;path={{CUR_PATH:u}}">Cancel</a>
</p>
</form>
