{{%AUTOESCAPE context="HTML"}}
<p class="error" role="alert">{{MESSAGE}}</p>
<p><a class="button" href="{{BASE_URL}}/files?root=home">Back to Files</a></p>
