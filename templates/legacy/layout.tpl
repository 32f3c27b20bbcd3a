{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
{{>HEAD}}
<body class="skin-legacy">
<a class="skip" href="#main">Skip to content</a>
<header class="legacy-header">
<span class="brand"><img src="{{STATIC_URL}}/favicon.svg" alt="" width="24" height="24"> filepanel</span>
{{#LOGGED_IN}}{{>ACCOUNT}}{{/LOGGED_IN}}
</header>
<div class="legacy-body">
{{#LOGGED_IN}}
<nav class="sidebar" aria-label="Files">
<h2>Files</h2>
<ul>
{{#NAV_ROOT}}<li><a href="{{BASE_URL}}/files?root={{NAME:u}}"{{#NAV_CURRENT}} aria-current="page"{{/NAV_CURRENT}}>{{LABEL}}{{#NAV_UNAVAILABLE}} <span class="badge">unavailable</span>{{/NAV_UNAVAILABLE}}</a></li>
{{/NAV_ROOT}}
</ul>
</nav>
{{/LOGGED_IN}}
<main id="main" class="page">
<h1>{{TITLE}}</h1>
{{>CONTENT}}
</main>
</div>
</body>
</html>
