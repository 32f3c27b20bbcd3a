{{%AUTOESCAPE context="HTML"}}
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
<form method="post" action="{{BASE_URL}}/login" class="form login">
<input type="hidden" name="next" value="{{NEXT}}">
<p class="field">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required>
</p>
<p class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
</p>
<p class="buttons"><button type="submit" class="primary">Log In</button></p>
</form>
