{{%AUTOESCAPE context="HTML"}}
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} – Files – filepanel</title>
<link rel="stylesheet" href="{{STATIC_URL}}/filepanel.css">
<script src="{{STATIC_URL}}/filepanel.js" defer></script>
<link rel="icon" href="{{STATIC_URL}}/favicon.svg" type="image/svg+xml">
</head>
