{{%AUTOESCAPE context="HTML"}}
<div class="account">
<span class="user" title="Logged in as {{USER_NAME}}">{{USER_NAME}}</span>
<form method="post" action="{{BASE_URL}}/interface" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="interface" value="{{SWITCH_TO}}">
<input type="hidden" name="root" value="{{ROOT}}">
<input type="hidden" name="path" value="{{PATH}}">
<button type="submit" class="quiet">{{SWITCH_LABEL}}</button>
</form>
<form method="post" action="{{BASE_URL}}/logout" class="inline">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button type="submit">Log Out</button>
</form>
</div>
