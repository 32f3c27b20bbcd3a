{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
{{>HEAD}}
<body class="skin-new">
<a class="skip" href="#main">Skip to content</a>
<header class="topbar">
<span class="brand"><img src="{{STATIC_URL}}/favicon.svg" alt="" width="24" height="24"> filepanel</span>
{{#LOGGED_IN}}
<nav class="topnav" aria-label="Files">
<span class="nav-title">Files</span>
<ul>
{{#NAV_ROOT}}<li><a href="{{BASE_URL}}/files?root={{NAME:u}}"{{#NAV_CURRENT}} aria-current="page"{{/NAV_CURRENT}}>{{LABEL}}{{#NAV_UNAVAILABLE}} <span class="badge">unavailable</span>{{/NAV_UNAVAILABLE}}</a></li>
{{/NAV_ROOT}}
</ul>
</nav>
{{>ACCOUNT}}
{{/LOGGED_IN}}
</header>
<main id="main" class="page">
<h1>{{TITLE}}</h1>
{{>CONTENT}}
</main>
</body>
</html>
